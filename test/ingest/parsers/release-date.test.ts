import { describe, expect, it } from 'vitest';
import { InvalidReleaseError } from '../../../functions/domain/release';
import {
  assertPlausibleDate,
  dateRangeIn,
  excelSerialToIso,
  parseReleaseDate,
  plausibleDateRange,
} from '../../../functions/ingest/parsers/release-date';

describe('parseReleaseDate', () => {
  it.each([
    [45183, '2023-09-14'],
    [45183.99, '2023-09-14'],
    ['2023-09-14', '2023-09-14'],
    ['2023-09-14T10:32:00', '2023-09-14'],
    ['9/14/2023', '2023-09-14'],
    ['09/14/2023 10:32', '2023-09-14'],
    ['2/4/17', '2017-02-04'],
    ['14-SEP-23', '2023-09-14'],
    ['2024-02-29', '2024-02-29'],
    ['2023-10-01 12:39:31', '2023-10-01'],
    ['2023-10-01 00:00:00.000', '2023-10-01'],
    ['2023-9-4 08:00', '2023-09-04'],
  ] as const)('reads %s as %s', (value, expected) => {
    // Act
    const date = parseReleaseDate(value);

    // Assess
    expect(date).toBe(expected);
  });

  it.each([undefined, '', '  ', '(b)(6)', 'N/A', '2023-02-29', '2023-02-30 10:00:00', '2023-1a-05', '2023-10-01x', '13/01/2023', 0, -5])(
    'gives nothing for %s',
    (value) => {
      // Act
      const date = parseReleaseDate(value);

      // Assess
      expect(date).toBeUndefined();
    },
  );

  it('keeps the time of day of a serial when there is one', () => {
    // Act
    const withTime = excelSerialToIso(45183.4375);
    const midnight = excelSerialToIso(45183);

    // Assess
    expect(withTime).toBe('2023-09-14T10:30:00');
    expect(midnight).toBe('2023-09-14');
  });

  it('refuses dates before FY2000 or over a year ahead', () => {
    // Prepare
    const range = plausibleDateRange(new Date('2026-11-29T00:00:00Z'));

    // Act
    const tooEarly = () => assertPlausibleDate('1999-09-30', 'f.xlsx', 'row 9', range);
    const tooLate = () => assertPlausibleDate('2027-11-30', 'f.xlsx', 'row 9', range);

    // Assess
    expect(range).toEqual({ from: '1999-10-01', to: '2027-11-29' });
    expect(tooEarly).toThrow(InvalidReleaseError);
    expect(tooLate).toThrow('f.xlsx: row 9: date 2027-11-30 is outside the plausible range 1999-10-01 to 2027-11-29');
    expect(() => assertPlausibleDate('2027-11-29', 'f.xlsx', 'row 9', range)).not.toThrow();
  });
});

describe('dateRangeIn', () => {
  it.each([
    ['Declined detainers, October 1, 2016 - December 31, 2016', '2016-10-01', '2016-12-31'],
    ['Oct. 1, 2016 through Dec. 31, 2016', '2016-10-01', '2016-12-31'],
    ['For Recorded Declined Detainers Jan. 28 – Feb. 3, 2017', '2017-01-28', '2017-02-03'],
    ['For Recorded Declined Detainers Jan. 28 Feb. 3, 2017', '2017-01-28', '2017-02-03'],
    ['Feb 11 - 17, 2017', '2017-02-11', '2017-02-17'],
    ['Dec 26 - Jan 1, 2017', '2016-12-26', '2017-01-01'],
    ['October 1st through December 31st, 2016', '2016-10-01', '2016-12-31'],
    ['10/1/2016 - 12/31/2016', '2016-10-01', '2016-12-31'],
    ['2016-10-01 to 2016-12-31', '2016-10-01', '2016-12-31'],
  ])('reads "%s"', (text, from, to) => {
    // Assess
    expect(dateRangeIn(text)).toEqual({ from, to });
  });

  it.each(['FY2017 Q1', 'February 30 - March 2, 2017', 'December 31, 2016 - October 1, 2016', 'no dates here'])(
    'finds no period in "%s"',
    (text) => {
      // Assess
      expect(dateRangeIn(text)).toBeUndefined();
    },
  );
});
