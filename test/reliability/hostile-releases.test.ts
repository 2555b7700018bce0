import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseKey } from '../../functions/archive/release-key';
import type { ReleaseFormat } from '../../functions/domain/release';
import type { IngestReport } from '../../functions/ingest/ingest';
import { sesMessages, uniqueName, useEmulators } from '../support/emulators';
import { demoReaders, openPipeline, type Pipeline } from './pipeline';

const DEMO_RELEASE = new URL('../../local/demo/releases/ddp-2017-01-release.xlsx', import.meta.url);
const PDF_FIXTURE = new URL('../fixtures/releases/ddor-2017-02-04to02-10.pdf', import.meta.url);
const HEADER_ROW = 7;
const PREPARE_DATE_COLUMN = 1;
const FACILITY_COLUMN = 6;
const LIFT_REASON_COLUMN = 11;

async function demoWorkbook(): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(DEMO_RELEASE.pathname);
  return workbook;
}

async function xlsxBytes(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The demo release with its data rows cut to the first `keep`. */
async function demoRows(keep: number): Promise<Buffer> {
  const source = (await demoWorkbook()).worksheets[0];
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(source.name);
  for (let row = 1; row <= HEADER_ROW + keep; row++) sheet.addRow((source.getRow(row).values as ExcelJS.CellValue[]).slice(1));
  return xlsxBytes(workbook);
}

function tabTable(rows: string[][]): Buffer {
  return Buffer.from(`${[['Quarter', 'AOR/Jurisdiction', 'State', 'Declined'], ...rows].map((r) => r.join('\t')).join('\n')}\n`, 'utf8');
}

/**
 * Broken and hostile releases through the real ingest step: each ends quarantined with one clear
 * reason, nothing written, no subscriber mail, one report to the operator address only, and the
 * raw bytes kept in the archive for a person to look at.
 */
describe('hostile and broken releases end to end', () => {
  const emulators = useEmulators();
  let pipeline: Pipeline;
  const tag = uniqueName('hostile');
  const operator = `operator+${tag}@detainer-watch.local`;

  beforeAll(async () => {
    pipeline = await openPipeline({
      endpoints: emulators.endpoints,
      tableName: emulators.tableName,
      bucket: emulators.bucket,
      workDir: emulators.workDir,
      tag,
      config: { minResolutionRate: 0.5 },
    });
    for (const reader of demoReaders(tag)) await pipeline.deps.subscribers.putSubscriber(reader);
  });

  afterAll(() => pipeline?.destroy());

  /** Archive bytes and record the release as poll would; the bucket's notification takes it through the chain (ingest, notify, deliver). */
  async function ingestBytes(
    source: string,
    bytes: Buffer,
    format: ReleaseFormat,
    extension: string,
  ): Promise<{ report: IngestReport; key: string; sha256: string }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const key = releaseKey(source, sha256, extension);
    const file = join(emulators.workDir, `${sha256}.${extension}`);
    await writeFile(file, bytes);
    await pipeline.deps.archive.putFile(key, file, { sha256, sourceUrl: `https://example.org/${source}.${extension}` });
    await pipeline.deps.releases.recordRelease({
      source,
      sha256,
      url: `https://example.org/${source}.${extension}`,
      archiveKey: key,
      bytes: bytes.length,
      format,
      firstSeen: new Date().toISOString(),
      status: 'archived',
    });
    pipeline.composition.takeEvents();
    await pipeline.composition.chain.drain();
    const ingested = pipeline.composition.takeEvents().find((e) => e.step === 'ingest' && (e.report as IngestReport).release === sha256);
    if (!ingested) throw new Error(`${key}: the ingest handler made no report`);
    return { report: ingested.report as IngestReport, key, sha256 };
  }

  async function subscriberMail(): Promise<number> {
    let total = 0;
    for (const reader of demoReaders(tag)) total += (await sesMessages(emulators.endpoints.ses, reader.email)).length;
    return total;
  }

  async function expectQuarantined(
    source: string,
    bytes: Buffer,
    format: ReleaseFormat,
    extension: string,
    reason: RegExp,
    outcome: 'quarantined' | 'held' = 'quarantined',
  ): Promise<void> {
    const mailBefore = await subscriberMail();
    const operatorBefore = (await sesMessages(emulators.endpoints.ses, operator)).length;
    const quartersBefore = await pipeline.deps.rankings.listQuarters(source);

    const { report, key, sha256 } = await ingestBytes(source, bytes, format, extension);

    const release = await pipeline.deps.releases.getRelease(source, sha256);
    const toOperator = await sesMessages(emulators.endpoints.ses, operator);
    const kept = join(emulators.workDir, `kept-${sha256}`);
    await pipeline.deps.archive.getToFile(key, kept);
    expect(report.outcome).toBe(outcome);
    expect(report.reason).toMatch(reason);
    expect(release).toMatchObject({ status: outcome, reason: report.reason });
    expect(await pipeline.deps.rankings.listQuarters(source)).toEqual(quartersBefore);
    expect(await pipeline.deps.rankings.getChange(`${source}#${sha256}`)).toBeUndefined();
    expect(await subscriberMail()).toBe(mailBefore);
    expect(toOperator).toHaveLength(operatorBefore + 1);
    expect(toOperator.at(-1)!.destination.to).toEqual([operator]);
    expect(
      createHash('sha256')
        .update(await readFile(kept))
        .digest('hex'),
    ).toBe(sha256);
  }

  it('refuses a truncated XLSX', async () => {
    const whole = await readFile(DEMO_RELEASE);
    await expectQuarantined('truncated', whole.subarray(0, Math.floor(whole.length / 2)), 'ddp', 'xlsx', /truncated or corrupt XLSX/);
  });

  it('refuses a PDF served as .xlsx', async () => {
    await expectQuarantined('pdf-as-xlsx', await readFile(PDF_FIXTURE), 'ddp', 'xlsx', /PDF.*not an XLSX/i);
  });

  it('refuses an HTML login page served as .xlsx', async () => {
    const login = Buffer.from(
      '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login"><input name="password" type="password"></form></body></html>',
    );
    await expectQuarantined('login-page', login, 'ddp', 'xlsx', /HTML.*not an XLSX/i);
  });

  it('refuses a zip bomb: a worksheet inflating far past what its size allows', async () => {
    const zip = await JSZip.loadAsync(await readFile(DEMO_RELEASE));
    const bomb = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${' '.repeat(64 * 1024 * 1024)}</sheetData></worksheet>`;
    zip.file('xl/worksheets/sheet1.xml', bomb, { compression: 'DEFLATE', compressionOptions: { level: 9 } });
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
    expect(bytes.length).toBeLessThan(1024 * 1024);
    await expectQuarantined('zip-bomb', bytes, 'ddp', 'xlsx', /zip bomb/);
  });

  it('refuses an empty worksheet', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Detainers');
    await expectQuarantined('empty-sheet', await xlsxBytes(workbook), 'ddp', 'xlsx', /empty|no DDP header/);
  });

  it('refuses a sheet without a required column', async () => {
    const workbook = await demoWorkbook();
    workbook.worksheets[0].getRow(HEADER_ROW).getCell(LIFT_REASON_COLUMN).value = 'Outcome';
    await expectQuarantined('missing-column', await xlsxBytes(workbook), 'ddp', 'xlsx', /Detainer Lift Reason/);
  });

  it('refuses dates outside any plausible range', async () => {
    const workbook = await demoWorkbook();
    workbook.worksheets[0].getRow(HEADER_ROW + 3).getCell(PREPARE_DATE_COLUMN).value = new Date('2199-01-01T00:00:00Z');
    await expectQuarantined('far-future', await xlsxBytes(workbook), 'ddp', 'xlsx', /plausible/);
  });

  it.each([
    ['negative', '-5', /negative/],
    ['fractional', '2.5', /fractional/],
    ['text', 'many', /not a count/],
  ])('refuses a %s count in a table release', async (kind, count, reason) => {
    const table = tabTable([
      ['FY2017Q1', 'Miami-Dade', 'FL', '93'],
      ['FY2017Q1', 'Denver', 'CO', count],
    ]);
    await expectQuarantined(`count-${kind}`, table, 'table', 'tsv', reason);
  });

  it('reads a CSV that is not UTF-8 as Windows-1252 (Latin-1), with a warning', async () => {
    const latin1 = Buffer.from('Quarter,Jurisdiction,State,Declined\nFY2017Q1,Doña Ana,NM,12\n', 'latin1');
    const { report } = await ingestBytes('latin1', latin1, 'table', 'csv');
    expect(report.outcome).toBe('ingested');
    expect(report.warnings).toContain('text is not UTF-8 from byte 36: read as Windows-1252 (Latin-1)');
  });

  it('holds a release whose quarter total falls past the configured share without a declared revision', async () => {
    // Prepare
    const baseline = await ingestBytes(
      'dropping',
      tabTable([
        ['FY2017Q1', 'Miami-Dade', 'FL', '93'],
        ['FY2017Q1', 'Denver', 'CO', '74'],
        ['FY2017Q1', 'Travis', 'TX', '40'],
      ]),
      'table',
      'tsv',
    );
    expect(baseline.report.outcome).toBe('ingested');

    // Act + Assess
    await expectQuarantined(
      'dropping',
      tabTable([
        ['FY2017Q1', 'Miami-Dade', 'FL', '20'],
        ['FY2017Q1', 'Denver', 'CO', '10'],
      ]),
      'table',
      'tsv',
      /falls from 207 to 30/,
      'held',
    );
  });

  it('quarantines schema drift: far fewer rows than the previous release of the source', async () => {
    // Prepare
    const baseline = await ingestBytes('drifting', await readFile(DEMO_RELEASE), 'ddp', 'xlsx');
    expect(baseline.report.outcome).toBe('ingested');

    // Act + Assess
    await expectQuarantined('drifting', await demoRows(300), 'ddp', 'xlsx', /schema drift: 300 rows/);
  });

  it('ingests formula-injection, <script> and CR/LF facility names, escaped in HTML and kept out of every header', async () => {
    // Prepare
    const workbook = await demoWorkbook();
    const sheet = workbook.worksheets[0];
    const hostile = [
      '=HYPERLINK("http://evil.example/","click")',
      '<script>alert(1)</script> JAIL',
      'EVIL JAIL\r\nBcc: victim@evil.example',
    ];
    let placed = 0;
    for (let row = HEADER_ROW + 1; row <= sheet.rowCount && placed < hostile.length; row++) {
      if (String(sheet.getRow(row).getCell(LIFT_REASON_COLUMN).value).toLowerCase() !== 'detainer declined by lea') continue;
      // An unknown city too, so the name stays unresolved and is listed in the operator's report.
      sheet.getRow(row).getCell(FACILITY_COLUMN + 2).value = 'NOWHERE';
      sheet.getRow(row).getCell(FACILITY_COLUMN).value = hostile[placed++];
    }
    // A resolution threshold above the real rate makes the operator report list the unresolved names.
    pipeline.deps.config.minResolutionRate = 0.9999;
    const operatorBefore = (await sesMessages(emulators.endpoints.ses, operator)).length;

    // Act
    const { report } = await ingestBytes('hostile-names', await xlsxBytes(workbook), 'ddp', 'xlsx');
    pipeline.deps.config.minResolutionRate = 0.5;

    // Assess
    const mail = [...(await sesMessages(emulators.endpoints.ses, operator)).slice(operatorBefore)];
    for (const reader of demoReaders(tag)) mail.push(...(await sesMessages(emulators.endpoints.ses, reader.email)));
    const report_ = mail.find((m) => (m.body.html ?? '').includes('alert(1)'));
    expect(placed).toBe(3);
    expect(report.outcome).toBe('ingested');
    expect(report.unresolved.map((u) => u.name)).toEqual(expect.arrayContaining([expect.stringContaining('<script>')]));
    expect(report_).toBeDefined();
    expect(report_!.body.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    for (const message of mail) {
      expect(message.body.html ?? '').not.toContain('<script>');
      expect(message.body.html ?? '').not.toMatch(/<a[^>]+evil\.example/);
      expect(message.subject).not.toMatch(/[\r\n]/);
      expect(message.destination.to.join(',')).not.toContain('evil.example');
      expect(message.destination.bcc).toEqual([]);
    }
  });
});
