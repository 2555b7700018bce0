import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quarterOf } from '../../../functions/domain/quarter';
import { InvalidReleaseError, type Observation } from '../../../functions/domain/release';
import { parseDdor, reportWeekIn } from '../../../functions/ingest/parsers/ddor';
import { parseReleaseDate } from '../../../functions/ingest/parsers/release-date';
import { makeDdorPdf, sampleDdorReport } from '../../../scripts/make-ddor-fixture';

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

describe('parseDdor', () => {
  it('reads every section II row across the page breaks, by declined date, and nothing from section I', async () => {
    // Prepare
    const report = sampleDdorReport();

    // Act
    const { observations, summary } = await collect(FIXTURE);

    // Assess
    expect(observations).toHaveLength(report.declined.length);
    expect(observations.map((o) => [o.place.state, o.place.county, o.place.facility, o.date])).toEqual(
      report.declined.map((row) => [row.state, row.county, row.facility, parseReleaseDate(row.declined)]),
    );
    expect(observations.every((o) => o.count === 1)).toBe(true);
    // Issued dates reach into FY2017 Q1; every detainer counts in the quarter of its declined date.
    expect(report.declined.some((row) => quarterOf(parseReleaseDate(row.issued)!) === 'FY2017Q1')).toBe(true);
    expect(new Set(observations.map((o) => quarterOf(o.date!)))).toEqual(new Set(['FY2017Q2']));
    expect(observations.filter((o) => o.place.county === 'Travis')).toHaveLength(41);
    expect(summary).toMatchObject({ format: 'ddor', rowsRead: 78, rowsKept: 78, coverage: { from: '2017-02-04', to: '2017-02-10' }, declaredCoverage: true, warnings: [] });
    expect(summary.columns).toContain('Declined Date');
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
  ])('reads the report week from "%s"', (title, week) => {
    // Act
    const found = reportWeekIn(title);

    // Assess
    expect(found).toEqual(week);
  });
});
