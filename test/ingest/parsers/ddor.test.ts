import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quarterOf } from '../../../functions/domain/quarter';
import { InvalidReleaseError, type Observation } from '../../../functions/domain/release';
import { parseDdor, reportWeekIn } from '../../../functions/ingest/parsers/ddor';
import { parseReleaseDate } from '../../../functions/ingest/parsers/release-date';
import { type DdorLayout, type DdorReport, makeDdorPdf, sampleDdorReport } from '../../../scripts/make-ddor-fixture';

const FIXTURE = join(import.meta.dirname, '../../fixtures/releases/ddor-2017-02-04to02-10.pdf');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ddor-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(file: string) {
  const observations: Observation[] = [];
  const summary = await parseDdor(file, (o) => observations.push(o));
  return { observations, summary };
}

let made = 0;
async function makeLayout(layout: DdorLayout, report: DdorReport = sampleDdorReport()): Promise<string> {
  const file = join(dir, `layout-${made++}.pdf`);
  await makeDdorPdf(file, report, layout);
  return file;
}

/** What a row should come out as: place, declined date, notable criminal activity. */
function expected(report: DdorReport) {
  return report.declined.map((row) => [row.state, row.county, row.facility, parseReleaseDate(row.declined), row.notable || undefined]);
}

function read(observations: Observation[]) {
  return observations.map((o) => [o.place.state, o.place.county, o.place.facility, o.date, o.category]);
}

function byCounty(observations: Observation[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of observations)
    counts[`${o.place.county}, ${o.place.state}`] = (counts[`${o.place.county}, ${o.place.state}`] ?? 0) + o.count;
  return counts;
}

const COLUMNS = ['State', 'County', 'Facility', 'Citizenship', 'Detainer Issued Date', 'Declined Date', 'Notable Criminal Activity'];

describe('parseDdor', () => {
  it('reads every section II row across the page breaks, by declined date, and nothing from section I', async () => {
    // Prepare
    const report = sampleDdorReport();

    // Act
    const { observations, summary } = await collect(FIXTURE);

    // Assess
    expect(observations).toHaveLength(report.declined.length);
    expect(read(observations)).toEqual(expected(report));
    expect(observations.every((o) => o.count === 1)).toBe(true);
    // Issued dates reach into FY2017 Q1; every detainer counts in the quarter of its declined date.
    expect(report.declined.some((row) => quarterOf(parseReleaseDate(row.issued)!) === 'FY2017Q1')).toBe(true);
    expect(new Set(observations.map((o) => quarterOf(o.date!)))).toEqual(new Set(['FY2017Q2']));
    expect(observations.filter((o) => o.place.county === 'Travis')).toHaveLength(41);
    expect(summary).toMatchObject({
      format: 'ddor',
      rowsRead: 78,
      rowsKept: 78,
      coverage: { from: '2017-02-04', to: '2017-02-10' },
      declaredCoverage: true,
      warnings: [],
    });
    expect(summary.columns).toEqual(COLUMNS);
  });

  it('reads the published layout: "Section II:" heading wrapped onto two lines, after the page-1 table of contents that lists all four sections', async () => {
    // Prepare
    const report = sampleDdorReport();

    // Act
    const { observations, summary } = await collect(FIXTURE);

    // Assess
    expect(byCounty(observations)).toEqual({
      'Travis, TX': 41,
      'Williamson, TX': 3,
      'Bastrop, TX': 2,
      'Franklin, NY': 2,
      'Franklin, IA': 1,
      'Franklin, PA': 1,
      'Montgomery, IA': 1,
      'Nassau, NY': 9,
      'Santa Clara, CA': 4,
      'Denver, CO': 5,
      'Cook, IL': 6,
      'Miami-Dade, FL': 2,
      'Mecklenburg, NC': 1,
    });
    // Section I's "Travis County 312" (detainers issued) is not a declined count.
    expect(observations.filter((o) => o.place.county?.startsWith('Travis'))).toHaveLength(41);
    expect(summary.rowsRead).toBe(report.declined.length);
    // The week comes from the title, "Feb. 4 – Feb. 10, 2017".
    expect(summary.coverage).toEqual({ from: '2017-02-04', to: '2017-02-10' });
  });

  it.each<[string, DdorLayout]>([
    ['the older "II. …" headings', { headings: 'roman' }],
    ['column headers centred over left-aligned cells', { centredHeaders: true }],
    ['a header wrapped onto two lines ("Detainer Issued" / "Date")', { headerLines: 2 }],
    ['a wrapped header whose one-line labels sit halfway down', { headerLines: 2, headerVAlign: 'middle' }],
    ['a wrapped, centred header', { headerLines: 2, headerVAlign: 'middle', centredHeaders: true }],
  ])('reads the same rows from %s', async (_name, layout) => {
    // Prepare
    const report = sampleDdorReport();
    const file = await makeLayout(layout, report);

    // Act
    const { observations, summary } = await collect(file);

    // Assess
    expect(read(observations)).toEqual(expected(report));
    expect(summary).toMatchObject({
      rowsRead: 78,
      coverage: { from: '2017-02-04', to: '2017-02-10' },
      declaredCoverage: true,
      warnings: [],
    });
    // Wrapped labels are joined into one column name, not read as a row or a continuation.
    expect(summary.columns).toEqual(COLUMNS);
  });

  it.each([
    [
      '"Section II:" alone, the title on the next line',
      ['Section II:', 'Jurisdictions with Recorded Declined Detainers between February 4, 2017 and February 10, 2017'],
    ],
    [
      '"declined detainers" split across the wrap',
      ['Section II: Jurisdictions with Recorded Declined', 'Detainers between February 4, 2017 and February 10, 2017'],
    ],
    ['"SECTION II." in capitals', ['SECTION II. Jurisdictions with Recorded Declined Detainers']],
    ['"II:"', ['II: Jurisdictions with Recorded Declined Detainers']],
    ['a leading bullet', ['• Section II: Jurisdictions with Recorded Declined Detainers']],
  ])('accepts a section II heading with %s', async (_name, sectionIIHeading) => {
    // Prepare
    const file = await makeLayout({ sectionIIHeading });

    // Act
    const { observations } = await collect(file);

    // Assess
    expect(observations).toHaveLength(78);
  });

  it('reads no section II whose heading, wrapped or not, is not about declined detainers', async () => {
    // Prepare
    const file = await makeLayout({ sectionIIHeading: ['Section II: Jurisdictions with Recorded Detainers', 'Broken Down by Facility'] });

    // Act
    const parse = collect(file);

    // Assess
    await expect(parse).rejects.toThrow(/no section II "Jurisdictions with Recorded Declined Detainers"/);
  });

  it('warns when section II has dated lines but no table header it can read', async () => {
    // Prepare
    const file = join(dir, 'headerless.pdf');
    const doc = new PDFDocument({ layout: 'landscape' });
    const out = doc.pipe(createWriteStream(file));
    doc.fontSize(10).text('Section II: Jurisdictions with Recorded Declined Detainers', 36, 72, { lineBreak: false });
    doc.fontSize(8);
    for (const [text, x] of [
      ['TX', 36],
      ['Travis', 80],
      ['Travis County Jail', 165],
      ['Mexico', 360],
      ['1/5/2017', 450],
      ['2/4/2017', 540],
    ] as const)
      doc.text(text, x, 100, { lineBreak: false });
    doc.end();
    await once(out, 'finish');

    // Act
    const { observations, summary } = await collect(file);

    // Assess
    expect(observations).toHaveLength(0);
    expect(summary.faults).toContain('section II has 1 dated line but no table header with State, County and Declined Date columns');
  });

  it('reads the week from a title whose dash was lost in extraction', async () => {
    // Prepare
    const file = await makeLayout({}, { ...sampleDdorReport(), titleWeek: 'Feb. 4 Feb. 10, 2017' });

    // Act
    const { summary } = await collect(file);

    // Assess
    expect(summary).toMatchObject({ coverage: { from: '2017-02-04', to: '2017-02-10' }, declaredCoverage: true, warnings: [] });
  });

  it('joins a wrapped "Notable Criminal Activity" back onto its row', async () => {
    // Prepare
    const long = sampleDdorReport().declined.find((row) => row.notable.length > 60)!;

    // Act
    const { observations } = await collect(FIXTURE);

    // Assess
    expect(observations.map((o) => o.category)).toContain(long.notable);
  });

  it('refuses a PDF without section II', async () => {
    // Prepare
    const file = join(dir, 'no-section-ii.pdf');
    const report = { ...sampleDdorReport(), declined: [] };
    await makeDdorPdf(file, report);
    const other = join(dir, 'other.pdf');
    const doc = new PDFDocument();
    const out = doc.pipe(createWriteStream(other));
    doc.text('I. Top 10 Jurisdictions by Detainers Issued', 72, 72);
    doc.end();
    await once(out, 'finish');

    // Act
    const empty = await collect(file);
    const parse = collect(other);

    // Assess
    expect(empty.observations).toHaveLength(0);
    expect(empty.summary.warnings).toContain('section II lists no declined detainers');
    await expect(parse).rejects.toBeInstanceOf(InvalidReleaseError);
    await expect(parse).rejects.toThrow(/no section II "Jurisdictions with Recorded Declined Detainers"/);
  });

  it.each([
    ['For Recorded Declined Detainers Jan 28 – Feb 3, 2017', { from: '2017-01-28', to: '2017-02-03' }],
    ['Reporting period: December 31, 2016 through January 6, 2017', { from: '2016-12-31', to: '2017-01-06' }],
    ['Week of 2/11/2017 - 2/17/2017', { from: '2017-02-11', to: '2017-02-17' }],
    ['For Recorded Declined Detainers Jan. 28 – Feb. 3, 2017', { from: '2017-01-28', to: '2017-02-03' }],
    ['For Recorded Declined Detainers Jan. 28 Feb. 3, 2017', { from: '2017-01-28', to: '2017-02-03' }],
    ['For Recorded Declined Detainers Feb 11 - Feb 17, 2017', { from: '2017-02-11', to: '2017-02-17' }],
    ['For Recorded Declined Detainers Feb 11 Feb 17, 2017', { from: '2017-02-11', to: '2017-02-17' }],
    ['For Recorded Declined Detainers Jan.28 – Feb. 3, 2017', { from: '2017-01-28', to: '2017-02-03' }],
    ['For Recorded Declined Detainers Dec. 30 Jan. 5, 2017', { from: '2016-12-30', to: '2017-01-05' }],
    ['For Recorded Declined Detainers Feb. 4 – 10, 2017', { from: '2017-02-04', to: '2017-02-10' }],
    // Without a dash, only a second month name makes a range.
    ['For Recorded Declined Detainers Jan. 28 3, 2017', undefined],
    ['Summary', undefined],
  ])('reads the report week from "%s"', (title, week) => {
    // Act
    const found = reportWeekIn(title);

    // Assess
    expect(found).toEqual(week);
  });
});
