import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidReleaseError, type Observation } from '../../../functions/domain/release';
import { guessFormat, parseRelease } from '../../../functions/ingest/parsers';
import { rejectionOf } from './rejection';

const FIXTURES = join(import.meta.dirname, '../../fixtures/releases');
const LOGIN_PAGE = `<!DOCTYPE html>
<html lang="en"><head><title>Sign in</title></head>
<body><form method="post" action="/login"><input name="user"><input type="password" name="pass"></form></body></html>`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parse-release-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, bytes: Buffer | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

describe('parseRelease', () => {
  it('hands each format to its parser', async () => {
    // Prepare
    const seen: Record<string, Observation[]> = { ddp: [], ddor: [], table: [] };

    // Act
    const ddp = await parseRelease(join(FIXTURES, 'ddp-2023-400rows.xlsx'), 'ddp', (o) => seen.ddp.push(o));
    const ddor = await parseRelease(join(FIXTURES, 'ddor-2017-02-04to02-10.pdf'), 'ddor', (o) => seen.ddor.push(o));
    const table = await parseRelease(join(FIXTURES, 'table-fy2017q1-top-jurisdictions.csv'), 'table', (o) => seen.table.push(o));

    // Assess
    expect([ddp.format, ddor.format, table.format]).toEqual(['ddp', 'ddor', 'table']);
    expect(seen.ddp.filter((o) => o.count === 1)).toHaveLength(ddp.rowsKept);
    expect(seen.ddp).toHaveLength(ddp.rowsRead);
    expect(seen.ddor).toHaveLength(78);
    expect(seen.table.filter((o) => !o.category)).toHaveLength(5);
  });

  it.each([
    [
      'a PDF named .xlsx',
      'ddp',
      async () => copyFile(join(FIXTURES, 'ddor-2017-02-04to02-10.pdf'), join(dir, 'report.xlsx')).then(() => join(dir, 'report.xlsx')),
      /report\.xlsx: is a PDF document, not an XLSX workbook, Parquet file or CSV of detainer records/,
    ],
    [
      'an HTML login page named .xlsx',
      'ddp',
      () => file('login.xlsx', LOGIN_PAGE),
      /login\.xlsx: is an HTML page, not an XLSX workbook, Parquet file or CSV/,
    ],
    ['an HTML page as a table', 'table', () => file('login.csv', LOGIN_PAGE), /is an HTML page, not a CSV, XLSX or Parquet table/],
    ['a workbook as a DDOR', 'ddor', async () => join(FIXTURES, 'ddp-2023-400rows.xlsx'), /is a zip archive, not a PDF document/],
    ['an empty file', 'ddp', () => file('empty.xlsx', ''), /the file is empty \(0 bytes\)/],
  ] as const)('refuses %s with one line', async (_, format, make, message) => {
    // Prepare
    const path = await make();

    // Act
    const parse = parseRelease(path, format, () => undefined);

    // Assess
    await expect(parse).rejects.toBeInstanceOf(InvalidReleaseError);
    await expect(parse).rejects.toThrow(message);
  });

  it('refuses a truncated DDP workbook and emits nothing', async () => {
    // Prepare
    const whole = await readFile(join(FIXTURES, 'ddp-2023-400rows.xlsx'));
    const path = await file('truncated.xlsx', whole.subarray(0, whole.length - 2000));
    const observations: Observation[] = [];

    // Act
    const parse = parseRelease(path, 'ddp', (o) => observations.push(o));

    // Assess
    await expect(parse).rejects.toThrow(/truncated or corrupt XLSX/);
    expect(observations).toHaveLength(0);
  });
});

describe('guessFormat', () => {
  it.each([
    ['ddp-2026-400rows.xlsx', 'ddp'],
    ['ddor-2017-02-04to02-10.pdf', 'ddor'],
    ['table-fy2017-by-quarter-tab.csv', 'table'],
  ])('knows %s as %s from its content', async (name, format) => {
    // Act
    const guessed = await guessFormat(join(FIXTURES, name));

    // Assess
    expect(guessed).toBe(format);
  });

  it('refuses to guess an HTML page', async () => {
    // Prepare
    const path = await file('page.bin', LOGIN_PAGE);

    // Act
    const guess = guessFormat(path, 'https://example.org/release.xlsx');

    // Assess
    await expect(guess).rejects.toThrow(/^https:\/\/example\.org\/release\.xlsx: is an HTML page, not a release in any known format/);
  });

  it('tells a record-level CSV (one row per detainer) from a jurisdiction table, and reads it as such', async () => {
    // Prepare
    const records = await file(
      'FY14.csv',
      'Prepare Date\tDetainer Lift Reason\tDetainer Detention Facility\tCity\tState\n10/01/13\tDetainer Declined by LEA\tCONTRA COSTA CO. JAIL\tMARTINEZ\tCA\n',
    );
    const npr = join(import.meta.dirname, '../resolve/fixtures/nprapps-sanctuary-cities/VISTA.csv');
    const observations: Observation[] = [];

    // Act
    const [recordFormat, tableFormat] = [await guessFormat(records), await guessFormat(npr)];
    const summary = await parseRelease(records, recordFormat, (o) => observations.push(o));

    // Assess
    expect([recordFormat, tableFormat]).toEqual(['ddp', 'table']);
    expect(summary).toMatchObject({ format: 'ddp', rowsKept: 1 });
    expect(observations[0]).toMatchObject({ place: { facility: 'CONTRA COSTA CO. JAIL', state: 'CA' }, date: '2013-10-01' });
  });

  it('recognises a legacy Excel 97–2003 workbook and says to save it as .xlsx or CSV', async () => {
    // Prepare: the OLE2 compound-file signature that begins every .xls
    const xls = await file('top50.xls', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]));

    // Act
    const [guess, asTable] = await Promise.all([rejectionOf(guessFormat(xls)), rejectionOf(parseRelease(xls, 'table', () => undefined))]);

    // Assess
    expect(guess.message).toMatch(/top50\.xls: is a legacy Excel 97–2003 workbook \(\.xls; save it as \.xlsx or CSV to ingest it\)/);
    expect(asTable.message).toMatch(/top50\.xls: is a legacy Excel 97–2003 workbook .*, not a CSV, XLSX or Parquet table/);
  });
});
