import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidReleaseError, type Observation } from '../../../functions/domain/release';
import { parseTable } from '../../../functions/ingest/parsers/table';
import { rejectionOf } from './rejection';

const FIXTURES = join(import.meta.dirname, '../../fixtures/releases');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'table-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(file: string) {
  const observations: Observation[] = [];
  const summary = await parseTable(file, (o) => observations.push(o));
  return { observations, summary };
}

async function csv(name: string, text: string | Buffer): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('parseTable', () => {
  it('reads a top-jurisdictions CSV: names without "County", the quarter declared in the title, categories apart from the total', async () => {
    // Act
    const { observations, summary } = await collect(join(FIXTURES, 'table-fy2017q1-top-jurisdictions.csv'));

    // Assess
    const totals = observations.filter((o) => o.category === undefined);
    expect(totals).toEqual([
      { place: { jurisdiction: 'Ventura', state: 'CA' }, count: 188, quarter: 'FY2017Q1' },
      { place: { jurisdiction: 'Miami-Dade', state: 'FL' }, count: 93, quarter: 'FY2017Q1' },
      { place: { jurisdiction: 'Denver', state: 'CO' }, count: 74, quarter: 'FY2017Q1' },
      { place: { jurisdiction: 'Clark', state: 'NV' }, count: 68, quarter: 'FY2017Q1' },
      { place: { jurisdiction: 'Los Angeles', state: 'CA' }, count: 57, quarter: 'FY2017Q1' },
    ]);
    const byCategory = new Map<string, number>();
    for (const o of observations) if (o.category) byCategory.set(o.category, (byCategory.get(o.category) ?? 0) + o.count);
    expect(Object.fromEntries(byCategory)).toEqual({ Assault: 16, 'Drug/Alcohol': 39, Weapons: 18 });
    expect(observations.every((o) => o.date === undefined)).toBe(true);
    expect(summary).toMatchObject({
      format: 'table',
      rowsRead: 5,
      rowsKept: 5,
      coverage: { from: '2016-10-01', to: '2016-12-31' },
      declaredCoverage: true,
    });
    expect(summary.warnings.join('\n')).toMatch(/1 total row\(s\) left out/);
  });

  it('reads the tab-delimited variant with a quarter per row, in either spelling', async () => {
    // Act
    const { observations, summary } = await collect(join(FIXTURES, 'table-fy2017-by-quarter-tab.csv'));

    // Assess
    expect(observations.map((o) => [o.quarter, o.place.jurisdiction, o.place.state, o.count])).toEqual([
      ['FY2017Q1', 'Miami-Dade', 'FL', 93],
      ['FY2017Q1', 'Denver', 'CO', 74],
      ['FY2017Q2', 'Miami-Dade', 'FL', 41],
      ['FY2017Q2', 'Santa Clara, County of', 'CA', 12],
      ['FY2017Q2', 'Doña Ana', 'NM', 3],
    ]);
    expect(summary.coverage).toEqual({ from: '2016-10-01', to: '2017-03-31' });
  });

  it('reads an XLSX table with a date range per row', async () => {
    // Prepare
    const file = join(dir, 'range.xlsx');
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Top 50');
    sheet.addRow(['County', 'State', 'From', 'To', 'Declined']);
    sheet.addRow(['Travis', 'TX', new Date(Date.UTC(2017, 0, 1)), new Date(Date.UTC(2017, 2, 31)), 143]);
    await book.xlsx.writeFile(file);

    // Act
    const { observations, summary } = await collect(file);

    // Assess
    expect(observations).toEqual([{ place: { jurisdiction: 'Travis', state: 'TX' }, count: 143, quarter: 'FY2017Q2' }]);
    expect(summary.coverage).toEqual({ from: '2017-01-01', to: '2017-03-31' });
  });

  it.each([
    ['negative', '-4', /row 3, column "Declined": -4 is negative, not a count/],
    ['fractional', '2.5', /row 3, column "Declined": 2.5 is fractional, not a count/],
    ['text', 'n/a', /row 3, column "Declined": "n\/a" is not a count/],
  ])('refuses a %s count, naming row and column', async (_, value, message) => {
    // Prepare
    const file = await csv(`count-${_}.csv`, `Jurisdiction,State,Quarter,Declined\nDenver,CO,FY2017Q1,74\nClark,NV,FY2017Q1,${value}\n`);

    // Act
    const parse = collect(file);

    // Assess
    await expect(parse).rejects.toBeInstanceOf(InvalidReleaseError);
    await expect(parse).rejects.toThrow(message);
  });

  it('refuses a category count that is not a count too', async () => {
    // Prepare
    const file = await csv('category.csv', 'Jurisdiction,State,Quarter,Declined,Assault\nDenver,CO,FY2017Q1,74,-1\n');

    // Act
    const parse = collect(file);

    // Assess
    await expect(parse).rejects.toThrow(/row 2, column "Assault": -1 is negative/);
  });

  it('reads a Latin-1 CSV as Windows-1252, saying so', async () => {
    // Prepare: Excel on Windows saves "Doña Ana" with ñ as one byte
    const latin1 = Buffer.from('Jurisdiction,State,Quarter,Declined\nDo\xf1a Ana,NM,FY2017Q1,3\n', 'latin1');
    const file = await csv('latin1.csv', latin1);

    // Act
    const { observations, summary } = await collect(file);

    // Assess
    expect(observations).toEqual([{ place: { jurisdiction: 'Doña Ana', state: 'NM' }, count: 3, quarter: 'FY2017Q1' }]);
    expect(summary.warnings).toContain('text is not UTF-8 from byte 36: read as Windows-1252 (Latin-1)');
  });

  it('refuses a table without a period, or without a count column', async () => {
    // Prepare
    const noPeriod = await csv('no-period.csv', 'Jurisdiction,State,Declined\nDenver,CO,74\n');
    const noCount = await csv('no-count.csv', 'Jurisdiction,State,Quarter\nDenver,CO,FY2017Q1\n');

    // Act
    const [periodless, countless] = await Promise.all([rejectionOf(collect(noPeriod)), rejectionOf(collect(noCount))]);

    // Assess
    expect(periodless.message).toMatch(/no period: neither a Quarter column, From\/To dates, nor a period declared in the title rows/);
    expect(countless.message).toMatch(
      /no header row: the likeliest header \(row 1\) has "Jurisdiction", "State", "Quarter"; a jurisdiction table needs a place column "Jurisdiction" .* and a declined count "Declined"/,
    );
  });

  it('refuses a range spanning quarters and a quarter outside the plausible range', async () => {
    // Prepare
    const spanning = await csv('spanning.csv', 'Jurisdiction,State,From,To,Declined\nDenver,CO,2016-12-01,2017-01-31,74\n');
    const ancient = await csv('ancient.csv', 'Jurisdiction,State,Quarter,Declined\nDenver,CO,FY1990Q1,74\n');

    // Act
    const [spans, old] = await Promise.all([rejectionOf(collect(spanning)), rejectionOf(collect(ancient))]);

    // Assess
    expect(spans.message).toMatch(/spans more than one fiscal quarter/);
    expect(old.message).toMatch(/outside the plausible range/);
  });

  it("says why NPR's per-facility counts by calendar year cannot be ranked by quarter, naming the column", async () => {
    // Prepare: a real NPR export (year, det_facility, lift_reason, count), MIT, see SOURCE.txt there
    const martinez = join(import.meta.dirname, '../resolve/fixtures/nprapps-sanctuary-cities/MARTINEZ.csv');

    // Act
    const parse = collect(martinez);

    // Assess: the first declined row is 2010; the other lift reasons before it were passed over
    await expect(parse).rejects.toThrow(
      /MARTINEZ\.csv: column "year" gives whole years \("2010" on row \d+\): a year's count cannot be placed in a fiscal quarter/,
    );
  });

  it('keeps only "Detainer Declined by LEA" rows of a table counted by lift reason, and takes a facility as the place', async () => {
    // Prepare
    const file = await csv(
      'by-lift-reason.csv',
      [
        'Quarter,det_facility,Facility State,lift_reason,count',
        'FY2015 Q1,CONTRA COSTA CO. JAIL,CA,Detainer Declined by LEA,27',
        'FY2015 Q1,CONTRA COSTA CO. JAIL,CA,Booked into Detention,40',
        'FY2015 Q1,VISTA DETENTION FACILITY,CA,detainer declined by lea ,25',
        'FY2015 Q1,VISTA DETENTION FACILITY,CA,Case Closed,12',
      ].join('\n'),
    );

    // Act
    const { observations, summary } = await collect(file);

    // Assess
    expect(observations).toEqual([
      { place: { facility: 'CONTRA COSTA CO. JAIL', state: 'CA' }, count: 27, quarter: 'FY2015Q1' },
      { place: { facility: 'VISTA DETENTION FACILITY', state: 'CA' }, count: 25, quarter: 'FY2015Q1' },
    ]);
    expect(summary.warnings.join('\n')).toMatch(/2 rows with another lift reason than "Detainer Declined by LEA" left out/);
  });

  it('refuses a lift-reason table without any declined row, saying so', async () => {
    // Prepare
    const file = await csv(
      'no-declined.csv',
      'Quarter,Facility,State,Lift Reason,Count\nFY2015Q1,VISTA DETENTION FACILITY,CA,Case Closed,12\n',
    );

    // Act
    const parse = collect(file);

    // Assess
    await expect(parse).rejects.toThrow(/none of the 1 rows has the lift reason "Detainer Declined by LEA"/);
  });

  it('needs a State column beside bare jurisdiction names ("Clark" is a county of 12 states)', async () => {
    // Prepare
    const file = await csv('stateless.csv', 'Jurisdiction,Quarter,Declined\nClark,FY2017Q1,68\n');

    // Act
    const parse = collect(file);

    // Assess
    await expect(parse).rejects.toThrow(/missing required column "State" next to "Jurisdiction"/);
  });

  it.each([
    ['FY2017 Q1', 'FY2017Q1'],
    ['FY17-Q2', 'FY2017Q2'],
    ["FY '17 Q3", 'FY2017Q3'],
    ['Fiscal Year 2017, Q4', 'FY2017Q4'],
    ['FY 2018 First Quarter', 'FY2018Q1'],
    ['Q2 FY2018', 'FY2018Q2'],
    ['2nd Quarter of FY 2018', 'FY2018Q2'],
    ['Third Quarter FY18', 'FY2018Q3'],
  ])('reads the quarter spelled "%s" in a title row', async (title, quarter) => {
    // Prepare
    const file = await csv(
      `title-${quarter}-${title.length}.csv`,
      `Declined detainers by jurisdiction, ${title}\n\nJurisdiction,State,Declined\nDenver,CO,74\n`,
    );

    // Act
    const { observations } = await collect(file);

    // Assess
    expect(observations).toEqual([{ place: { jurisdiction: 'Denver', state: 'CO' }, count: 74, quarter }]);
  });

  it('reads a period written out in words in the title, and a quarter number beside a Fiscal Year column', async () => {
    // Prepare
    const worded = await csv(
      'worded.csv',
      'Declined Detainers, October 1, 2016 through December 31, 2016\nJurisdiction,State,Declined\nVentura,CA,188\n',
    );
    const split = await csv('split.csv', 'Fiscal Year,Quarter,Jurisdiction,State,Declined\nFY2017,Q2,Denver,CO,41\n2017,3,Denver,CO,12\n');

    // Act
    const fromTitle = await collect(worded);
    const fromColumns = await collect(split);

    // Assess
    expect(fromTitle.observations).toEqual([{ place: { jurisdiction: 'Ventura', state: 'CA' }, count: 188, quarter: 'FY2017Q1' }]);
    expect(fromTitle.summary.coverage).toEqual({ from: '2016-10-01', to: '2016-12-31' });
    expect(fromColumns.observations.map((o) => o.quarter)).toEqual(['FY2017Q2', 'FY2017Q3']);
  });

  it('finds count and place columns worded as no alias lists them, but not a rate or a code', async () => {
    // Prepare
    const file = await csv(
      'worded.csv',
      'Declined Detainers by Jurisdiction, Oct 1 2016 - Dec 31 2016\n\nRank,County/Jurisdiction Name,FIPS Code,State,Decline Rate,Total Number of Declined Detainers\n1,Ventura,06111,CA,0.42,188\n2,Miami-Dade,12086,FL,0.18,93\n',
    );

    // Act
    const { observations, summary } = await collect(file);

    // Assess
    expect(observations).toEqual([
      { place: { jurisdiction: 'Ventura', state: 'CA', fips: '06111' }, count: 188, quarter: 'FY2017Q1' },
      { place: { jurisdiction: 'Miami-Dade', state: 'FL', fips: '12086' }, count: 93, quarter: 'FY2017Q1' },
    ]);
    expect(summary.coverage).toEqual({ from: '2016-10-01', to: '2016-12-31' });
  });
});
