import { describe, expect, it } from 'vitest';
import {
  compareQuarters,
  formatQuarter,
  isQuarterComplete,
  isQuarterId,
  nextQuarter,
  parseQuarter,
  quarterOf,
  quarterRange,
  quartersIn,
} from '../../functions/domain/quarter';

describe('quarterOf', () => {
  it.each([
    ['2016-10-01', 'FY2017Q1'],
    ['2016-09-30', 'FY2016Q4'],
    ['2016-12-31', 'FY2017Q1'],
    ['2017-01-01', 'FY2017Q2'],
    ['2017-03-31', 'FY2017Q2'],
    ['2017-04-01', 'FY2017Q3'],
    ['2017-07-01', 'FY2017Q4'],
    ['2017-09-30', 'FY2017Q4'],
  ])('puts %s in %s', (date, quarter) => {
    // Act
    const result = quarterOf(date);

    // Assess
    expect(result).toBe(quarter);
  });

  it('refuses something that is not a date', () => {
    // Act + Assess
    expect(() => quarterOf('Q1 2017')).toThrow(/not a date/);
  });
});

describe('quarterRange', () => {
  it('spans October to December of the previous calendar year for Q1', () => {
    // Act
    const range = quarterRange('FY2017Q1');

    // Assess
    expect(range).toEqual({ from: '2016-10-01', to: '2016-12-31' });
  });

  it('ends each quarter on its last calendar day', () => {
    // Act
    const range = quarterRange('FY2024Q2');

    // Assess
    expect(range).toEqual({ from: '2024-01-01', to: '2024-03-31' });
    expect(quarterRange('FY2016Q4')).toEqual({ from: '2016-07-01', to: '2016-09-30' });
  });
});

describe('quarter identifiers', () => {
  it('parses the ways people write a quarter and formats it back with a space', () => {
    // Act
    const parsed = [parseQuarter('FY2017Q1'), parseQuarter(' fy2017 q2 ')];

    // Assess
    expect(parsed).toEqual(['FY2017Q1', 'FY2017Q2']);
    expect(formatQuarter('FY2017Q2')).toBe('FY2017 Q2');
    expect(isQuarterId('FY2017Q1')).toBe(true);
    expect(isQuarterId('fy2017q1')).toBe(false);
    expect(() => parseQuarter('2017Q5')).toThrow(/not a fiscal quarter/);
  });

  it('orders quarters and steps across the fiscal year boundary', () => {
    // Act
    const after = nextQuarter('FY2016Q4');

    // Assess
    expect(after).toBe('FY2017Q1');
    expect(compareQuarters('FY2016Q4', 'FY2017Q1')).toBeLessThan(0);
    expect(compareQuarters('FY2017Q2', 'FY2017Q2')).toBe(0);
    expect(quartersIn({ from: '2016-09-15', to: '2017-01-02' })).toEqual(['FY2016Q4', 'FY2017Q1', 'FY2017Q2']);
  });
});

describe('isQuarterComplete', () => {
  it('is complete when the coverage spans the whole quarter', () => {
    // Act + Assess
    expect(isQuarterComplete('FY2017Q1', { from: '2016-10-01', to: '2016-12-31' })).toBe(true);
    expect(isQuarterComplete('FY2017Q1', { from: '2016-01-01', to: '2017-06-30' })).toBe(true);
  });

  it('is partial when the coverage ends or starts inside the quarter', () => {
    // Act + Assess
    expect(isQuarterComplete('FY2017Q1', { from: '2016-10-01', to: '2016-12-30' })).toBe(false);
    expect(isQuarterComplete('FY2017Q1', { from: '2016-10-02', to: '2017-03-31' })).toBe(false);
  });
});
