import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidReleaseError, type Observation } from '../../../functions/domain/release';
import { parseDdp } from '../../../functions/ingest/parsers/ddp';
import { generateDdpXlsx } from '../../../scripts/generate-ddp-xlsx';
import { rejectionOf } from './rejection';

const FIXTURES = join(import.meta.dirname, '../../fixtures/releases');
const HEADER = [
  'Detainer Prepare Date',
  'Facility State',
  'Facility AOR',
  'Detainer Prepared Criminality',
  'Detention Facility',
  'Facility City',
  'Detainer Lift Reason',
  'Unique Identifier',
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ddp-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Every record as emitted (`records`), and the declined ones as these tests compare them
 * (`observations`): the count, date and category, placed by facility, city and state.
 */
async function collect(file: string) {
  const records: Observation[] = [];
  const summary = await parseDdp(file, (o) => records.push(o));
  const observations = records
    .filter((o) => o.count > 0)
    .map(({ received: _, place: { facility, city, state }, ...o }) => ({
      ...o,
      place: {
        ...(facility !== undefined ? { facility } : {}),
        ...(city !== undefined ? { city } : {}),
        ...(state !== undefined ? { state } : {}),
      },
    }));
  return { observations, records, summary };
}

/** A DDP-layout workbook with the given data rows under six title rows and `header`. */
async function workbook(name: string, rows: unknown[][], header: string[] = HEADER): Promise<string> {
  const file = join(dir, name);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Detainers');
  for (const title of ['ICE Detainers', 'Deportation Data Project', 'FOIA production', 'Notes', 'Generated for a test', ''])
    sheet.addRow([title]);
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  await book.xlsx.writeFile(file);
  return file;
}

describe('parseDdp', () => {
  it('reads the two header variants of the real releases into the same observations', async () => {
    // Act
    const older = await collect(join(FIXTURES, 'ddp-2023-400rows.xlsx'));
    const newer = await collect(join(FIXTURES, 'ddp-2026-400rows.xlsx'));

    // Assess
    expect(older.summary.columns).toContain('Detention Facility');
    expect(newer.summary.columns).toContain('Detainer Facility');
    expect(newer.summary.columns).toContain('Detainer Lift Reason Code');
    expect(older.observations.length).toBeGreaterThan(0);
    expect(newer.observations).toEqual(older.observations);
    expect(newer.summary.coverage).toEqual(older.summary.coverage);
  });

  it('skips the title rows and counts what the generator wrote: rows, declined rows, coverage of all rows', async () => {
    // Prepare
    const generated = await generateDdpXlsx({ rows: 1500, seed: 11, variant: '2026', out: join(dir, 'generated.xlsx') });

    // Act
    const { observations, summary } = await collect(generated.file);

    // Assess
    expect(summary.rowsRead).toBe(generated.rows);
    expect(summary.rowsKept).toBe(generated.declined);
    expect(observations).toHaveLength(generated.declined);
    expect(summary.coverage).toEqual(generated.coverage);
    expect(
      observations.every(
        (o) => o.count === 1 && /^\d{4}-\d{2}-\d{2}$/.test(o.date ?? '') && o.place.state === o.place.state?.toUpperCase(),
      ),
    ).toBe(true);
    expect(
      observations.some(
        (o) => o.place.facility === 'TURNER GUIFORD KNIGHT (TGK) JAIL' && o.place.city === 'MIAMI' && o.place.state === 'FLORIDA',
      ),
    ).toBe(true);
  });

  it('keeps only declined rows, matching the lift reason loosely, dated by prepare date', async () => {
    // Prepare
    const file = await workbook('reasons.xlsx', [
      [
        new Date(Date.UTC(2024, 0, 5, 10)),
        'NEW JERSEY',
        'Newark',
        '1 Convicted Criminal',
        'ESSEX COUNTY CORRECTIONAL FACILITY',
        'NEWARK',
        '  detainer declined by LEA ',
        'A1',
      ],
      [
        new Date(Date.UTC(2024, 0, 6)),
        'NEW JERSEY',
        'Newark',
        '1 Convicted Criminal',
        'ESSEX COUNTY CORRECTIONAL FACILITY',
        'NEWARK',
        'Booked into Detention',
        'A2',
      ],
      [
        '09/14/2023 10:32',
        'COLORADO',
        'Denver',
        '3 Other Immigration Violator',
        'DENVER JUSTICE CENTER',
        'DENVER',
        'Detainer Declined by LEA',
        'A3',
      ],
      ['2023-09-15', 'COLORADO', 'Denver', '', 'DENVER JUSTICE CENTER', '(b)(7)(E)', 'Detainer Declined by LEA', 'A4'],
      [null, 'COLORADO', 'Denver', '', 'DENVER COUNTY JAIL', 'DENVER', 'Detainer Declined by LEA', 'A5'],
      ['(b)(6)', 'COLORADO', 'Denver', '', 'DENVER COUNTY JAIL', 'DENVER', 'Lifted', 'A6'],
    ]);

    // Act
    const { observations, summary } = await collect(file);

    // Assess
    expect(observations).toEqual([
      {
        place: { facility: 'ESSEX COUNTY CORRECTIONAL FACILITY', city: 'NEWARK', state: 'NEW JERSEY' },
        count: 1,
        date: '2024-01-05',
        category: '1 Convicted Criminal',
      },
      {
        place: { facility: 'DENVER JUSTICE CENTER', city: 'DENVER', state: 'COLORADO' },
        count: 1,
        date: '2023-09-14',
        category: '3 Other Immigration Violator',
      },
      { place: { facility: 'DENVER JUSTICE CENTER', state: 'COLORADO' }, count: 1, date: '2023-09-15' },
    ]);
    expect(summary.rowsRead).toBe(6);
    expect(summary.rowsKept).toBe(3);
    expect(summary.coverage).toEqual({ from: '2023-09-14', to: '2024-01-06' });
    expect(summary.warnings.join('\n')).toMatch(/2 of 6 rows have no usable Detainer Prepare Date \(1 of them declined\)/);
  });

  it('passes formula-looking text, <script> and CR/LF in facility names through as data', async () => {
    // Prepare
    const hostile = ['=HYPERLINK("http://evil.example","click")', '<script>alert(1)</script> JAIL', 'LINE ONE\r\nLINE TWO JAIL'];
    const file = await workbook(
      'hostile.xlsx',
      hostile.map((facility, i) => ['2024-02-01', 'TEXAS', 'Houston', '', facility, 'HOUSTON', 'Detainer Declined by LEA', `H${i}`]),
    );

    // Act
    const { observations } = await collect(file);

    // Assess
    expect(observations.map((o) => o.place.facility)).toEqual(hostile);
  });

  it('reads formula cells as their cached values', async () => {
    // Prepare
    const file = await workbook('formulas.xlsx', [
      [
        { formula: 'DATE(2024,3,1)', result: new Date(Date.UTC(2024, 2, 1)) },
        'OREGON',
        'Seattle',
        '',
        { formula: 'UPPER("multnomah county detention center")', result: 'MULTNOMAH COUNTY DETENTION CENTER' },
        'PORTLAND',
        'Detainer Declined by LEA',
        'F1',
      ],
    ]);

    // Act
    const { observations } = await collect(file);

    // Assess
    expect(observations).toEqual([
      { place: { facility: 'MULTNOMAH COUNTY DETENTION CENTER', city: 'PORTLAND', state: 'OREGON' }, count: 1, date: '2024-03-01' },
    ]);
  });

  it('counts likely duplicates (same person, same facility, within 24 hours) as a warning', async () => {
    // Prepare
    const row = (date: string) => [
      date,
      'ILLINOIS',
      'Chicago',
      '',
      'COOK COUNTY JAIL',
      'CHICAGO',
      'Detainer Declined by LEA',
      'SAME-PERSON',
    ];
    const file = await workbook('duplicates.xlsx', [row('2024-05-01'), row('2024-05-02'), row('2024-06-20')]);

    // Act
    const { observations, summary } = await collect(file);

    // Assess
    expect(observations).toHaveLength(3);
    expect(summary.warnings.join('\n')).toMatch(/^1 declined rows look like duplicates/m);
  });

  it('finds the detainer sheet behind a notes sheet', async () => {
    // Prepare
    const file = join(dir, 'notes-first.xlsx');
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Read me').addRow(['These data come from ICE via FOIA.']);
    const sheet = book.addWorksheet('Detainers');
    sheet.addRow(HEADER);
    sheet.addRow([
      '2024-04-02',
      'WASHINGTON',
      'Seattle',
      '',
      'KING COUNTY CORRECTIONAL FACILITY',
      'SEATTLE',
      'Detainer Declined by LEA',
      'K1',
    ]);
    await book.xlsx.writeFile(file);

    // Act
    const { observations } = await collect(file);

    // Assess
    expect(observations).toEqual([
      { place: { facility: 'KING COUNTY CORRECTIONAL FACILITY', city: 'SEATTLE', state: 'WASHINGTON' }, count: 1, date: '2024-04-02' },
    ]);
  });

  it('reads a release that continues over several worksheets, each under its own title rows and header, passing over a notes sheet', async () => {
    // Prepare: Excel stops at 1,048,576 rows, so large releases go on in the next sheet
    const file = join(dir, 'two-sheets.xlsx');
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Notes').addRows([['ICE Detainers'], ['Fields are described in the codebook.']]);
    const part = (name: string, rows: unknown[][]) => {
      const sheet = book.addWorksheet(name);
      for (const title of ['ICE Detainers', 'Deportation Data Project', 'March 2026 Release', '', '', '']) sheet.addRow([title]);
      sheet.addRow(HEADER);
      sheet.addRows(rows);
    };
    part('Detainers 1', [
      ['2024-04-02', 'WASHINGTON', 'Seattle', '', 'KING COUNTY CORRECTIONAL FACILITY', 'SEATTLE', 'Detainer Declined by LEA', 'K1'],
      ['2024-04-03', 'WASHINGTON', 'Seattle', '', 'KING COUNTY CORRECTIONAL FACILITY', 'SEATTLE', 'Lifted', 'K2'],
    ]);
    part('Detainers 2', [
      ['2024-05-09', 'OREGON', 'Seattle', '', 'MULTNOMAH COUNTY DETENTION CENTER', 'PORTLAND', 'Detainer Declined by LEA', 'M1'],
    ]);
    await book.xlsx.writeFile(file);

    // Act
    const { observations, summary } = await collect(file);

    // Assess
    expect(observations.map((o) => [o.place.facility, o.date])).toEqual([
      ['KING COUNTY CORRECTIONAL FACILITY', '2024-04-02'],
      ['MULTNOMAH COUNTY DETENTION CENTER', '2024-05-09'],
    ]);
    expect(summary).toMatchObject({ rowsRead: 3, rowsKept: 2, coverage: { from: '2024-04-02', to: '2024-05-09' } });
    expect(summary.warnings).toEqual(
      expect.arrayContaining([
        'read 2 worksheets: "Detainers 1" (2 rows), "Detainers 2" (1 row)',
        'passed over worksheets without a header: "Notes"',
      ]),
    );
  });

  it('names the worksheet of a bad row past the first sheet, and says when no worksheet has the header', async () => {
    // Prepare
    const badDate = join(dir, 'bad-second-sheet.xlsx');
    const book = new ExcelJS.Workbook();
    for (const [name, date] of [
      ['Part 1', '2024-01-01'],
      ['Part 2', '2099-01-01'],
    ]) {
      const sheet = book.addWorksheet(name);
      sheet.addRow(HEADER);
      sheet.addRow([date, 'TEXAS', 'Houston', '', 'HARRIS COUNTY JAIL', 'HOUSTON', 'Lifted', 'D1']);
    }
    await book.xlsx.writeFile(badDate);
    const headerless = join(dir, 'no-header-anywhere.xlsx');
    const other = new ExcelJS.Workbook();
    other.addWorksheet('A').addRow(['Name', 'Value']);
    other.addWorksheet('B').addRow(['just', 'numbers']);
    await other.xlsx.writeFile(headerless);

    // Act
    const [bad, none] = await Promise.all([rejectionOf(collect(badDate)), rejectionOf(collect(headerless))]);

    // Assess
    expect(bad.message).toMatch(/sheet "Part 2", row 2, Detainer Prepare Date: date 2099-01-01 is outside the plausible range/);
    expect(none.message).toMatch(
      /no header row in any of its 2 worksheets: the likeliest header \(row 1\) has "Name", "Value"; a record-level release \(one row per detainer\) needs "Detainer Prepare Date" \(or "detainer_prepare_date", "date"/,
    );
  });

  it("reads the March 2026 release's header (Detainer Facility, Detainer Criminality, Anonymized Identifier), duplicates included", async () => {
    // Prepare: the column order of that release as the Deportation Data Project's own scripts list it
    const header = [
      'Detainer Prepare Date',
      'Facility State',
      'Facility AOR',
      'Port of Departure',
      'Case Status',
      'Detainer Criminality',
      'Detainer Facility',
      'Detainer Facility Code',
      'Facility City',
      'Detainer Lift Reason',
      'Detainer Lift Reason Code',
      'Detainer Type',
      'Anonymized Identifier',
    ];
    const row = (date: string, id: string) => [
      date,
      'COLORADO',
      'Denver Area of Responsibility',
      '',
      'ACTIVE',
      '2 - Pending Criminal Charges',
      'DENVER COUNTY JAIL',
      'DENCOCO',
      'DENVER',
      'Detainer Declined by LEA',
      'DDL',
      'Detainer',
      id,
    ];
    const file = await workbook(
      'march-2026.xlsx',
      [row('2026-01-05T09:00:00', 'A1'), row('2026-01-05T17:00:00', 'A1'), row('2026-02-11T10:00:00', 'B2')],
      header,
    );

    // Act
    const { observations, summary } = await collect(file);

    // Assess
    expect(observations).toHaveLength(3);
    expect(observations[0]).toEqual({
      place: { facility: 'DENVER COUNTY JAIL', city: 'DENVER', state: 'COLORADO' },
      count: 1,
      date: '2026-01-05',
      category: '2 - Pending Criminal Charges',
    });
    expect(summary.warnings.join('\n')).toMatch(
      /1 declined rows look like duplicates \(same Unique Identifier and facility within 24 hours\)/,
    );
  });

  it('names the missing required column', async () => {
    // Prepare
    const file = await workbook(
      'no-lift-reason.xlsx',
      [['2024-01-01', 'TEXAS', 'Houston', '', 'HARRIS COUNTY JAIL', 'HOUSTON', 'X1']],
      HEADER.filter((h) => h !== 'Detainer Lift Reason'),
    );

    // Act
    const parse = collect(file);

    // Assess
    await expect(parse).rejects.toBeInstanceOf(InvalidReleaseError);
    await expect(parse).rejects.toThrow(/missing required column "Detainer Lift Reason" .*on row 7/);
  });

  it.each([
    ['before FY2000', '1995-06-01'],
    ['more than a year ahead', '2099-01-01'],
  ])('refuses a prepare date %s, naming the row', async (_, date) => {
    // Prepare
    const file = await workbook(`date-${date}.xlsx`, [
      ['2024-01-01', 'TEXAS', 'Houston', '', 'HARRIS COUNTY JAIL', 'HOUSTON', 'Lifted', 'D1'],
      [date, 'TEXAS', 'Houston', '', 'HARRIS COUNTY JAIL', 'HOUSTON', 'Lifted', 'D2'],
    ]);

    // Act
    const parse = collect(file);

    // Assess
    await expect(parse).rejects.toThrow(new RegExp(`row 9, Detainer Prepare Date: date ${date} is outside the plausible range`));
  });

  it('refuses an empty sheet and a sheet without a DDP header', async () => {
    // Prepare
    const emptyFile = join(dir, 'empty.xlsx');
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Detainers');
    await book.xlsx.writeFile(emptyFile);
    const noHeader = await workbook('no-header.xlsx', [['just', 'some', 'numbers', 1, 2, 3]], ['Name', 'Value']);

    // Act
    const [empty, headerless] = await Promise.all([rejectionOf(collect(emptyFile)), rejectionOf(collect(noHeader))]);

    // Assess
    expect(empty.message).toMatch(/the worksheet is empty/);
    expect(headerless.message).toMatch(/no header row: the likeliest header \(row 1\) has "ICE Detainers"; a record-level release/);
  });

  describe("record-level ICE FOIA files as delimited text (NPR's FY08–FY15 layout)", () => {
    const FOIA_HEADER = ['Prepare Date', 'Detainer Lift Reason', 'Detainer Detention Facility', 'City', 'State', 'Detainer Type'];
    const FOIA_ROWS = [
      ['10/01/13', 'Detainer Declined by LEA', 'CONTRA COSTA CO. JAIL', 'MARTINEZ', 'CA', 'Detainer'],
      ['10/02/13', 'Booked into Detention', 'CONTRA COSTA CO. JAIL', 'MARTINEZ', 'CA', 'Detainer'],
      ['11/15/13', 'Detainer Declined by LEA', 'TURNER GUIFORD KNIGHT (TGK) JAIL', 'MIAMI', 'FL', 'Detainer'],
      ['01/07/14', 'Detainer Declined by LEA', 'US MARSHALS, COLORADO', 'DENVER', 'CO', 'Detainer'],
      ['01/08/14', 'Case Closed', 'VISTA DETENTION FACILITY', 'VISTA', 'CA', 'Detainer'],
    ];
    const quote = (cell: string) => (/[",\t]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

    it.each([
      ['comma-delimited .txt', ',', 'FY14.txt'],
      ['tab-delimited .csv', '\t', 'FY14.csv'],
    ])('reads a %s: declined rows dated by Prepare Date (m/d/yy), placed by facility, city and state', async (_, delimiter, name) => {
      // Prepare: a quoted facility name holds a comma, which must not make comma the delimiter of the tab file
      const text = `${[FOIA_HEADER, ...FOIA_ROWS].map((row) => row.map(quote).join(delimiter)).join('\r\n')}\r\n`;
      const file = join(dir, name);
      await writeFile(file, text);

      // Act
      const { observations, summary } = await collect(file);

      // Assess
      expect(observations).toEqual([
        { place: { facility: 'CONTRA COSTA CO. JAIL', city: 'MARTINEZ', state: 'CA' }, count: 1, date: '2013-10-01' },
        { place: { facility: 'TURNER GUIFORD KNIGHT (TGK) JAIL', city: 'MIAMI', state: 'FL' }, count: 1, date: '2013-11-15' },
        { place: { facility: 'US MARSHALS, COLORADO', city: 'DENVER', state: 'CO' }, count: 1, date: '2014-01-07' },
      ]);
      expect(summary).toMatchObject({ format: 'ddp', rowsRead: 5, rowsKept: 3, coverage: { from: '2013-10-01', to: '2014-01-08' } });
    });

    it('refuses a record-level text file without a lift reason column, naming it', async () => {
      // Prepare
      const file = join(dir, 'no-lift.csv');
      await writeFile(file, 'Prepare Date,Detainer Detention Facility,City,State\n10/01/13,CONTRA COSTA CO. JAIL,MARTINEZ,CA\n');

      // Act
      const parse = collect(file);

      // Assess
      await expect(parse).rejects.toThrow(/no-lift\.csv: missing required column "Detainer Lift Reason"/);
    });
  });
});
