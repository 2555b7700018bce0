import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The installed CLI, as a user runs it: its own process, its own embedded emulators. */
function cli(home: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'bin/detainer-watch.mjs'), ...args],
      { cwd: root, env: { ...process.env, DETAINER_WATCH_HOME: home }, timeout: 240_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('detainer-watch ingest of the formats records are shared in', () => {
  let home: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'dw-cli-formats-'));
  });

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it.each([
    [
      'detainers-latest.dta',
      '<stata_dta><header><release>118</release>',
      /Stata data file \(\.dta\), which detainer-watch does not read: use the Parquet/,
    ],
    ['detainers-latest.sav', '$FL2@(#) IBM SPSS STATISTICS', /SPSS data file \(\.sav\)/],
    ['detainers-latest.feather', 'ARROW1\0\0', /Feather\/Arrow file/],
  ])(
    'refuses %s in one line, exit 1, nothing written',
    async (name, bytes, message) => {
      // Prepare
      const file = join(home, name);
      await writeFile(file, bytes);

      // Act
      const result = await cli(home, 'ingest', file, '--source', 'ddp');

      // Assess
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
      expect((await readdir(home)).filter((f) => !f.startsWith('detainers-latest'))).toEqual([]);
    },
    60_000,
  );

  it("ingests the republished CSV a new user tried (date, lift_reason, det_facility, city, state, detainer_type) and the DDP's Parquet, told from their content", async () => {
    // Prepare: one state's detainers as a newsroom republished them, and the same records as Parquet
    const rows = [
      ['2014-07-03 00:00:00', 'Detainer Declined by LEA', 'CONTRA COSTA CO. JAIL', 'MARTINEZ', 'CALIFORNIA', 'Detainer'],
      ['2014-07-08 00:00:00', 'Booked into Detention', 'CONTRA COSTA CO. JAIL', 'MARTINEZ', 'CALIFORNIA', 'Detainer'],
      ['2014-08-19 00:00:00', 'Detainer Declined by LEA', 'VISTA DETENTION FACILITY', 'VISTA', 'CALIFORNIA', 'Detainer'],
      ['2014-09-02 00:00:00', '', 'VISTA DETENTION FACILITY', 'VISTA', 'CALIFORNIA', 'Detainer'],
    ];
    const csv = join(home, 'ca-detainers.csv');
    await writeFile(csv, ['date,lift_reason,det_facility,city,state,detainer_type', ...rows.map((r) => r.join(','))].join('\n'));
    const names = [
      'detainer_prepare_date',
      'detainer_lift_reason',
      'detention_facility',
      'facility_city',
      'facility_state',
      'detainer_type',
    ];
    const parquet = join(home, 'detainers-latest.parquet');
    const columnData = names.map((name, i) => ({
      name,
      data: rows.map((r) => (i === 0 ? new Date(`${r[0].slice(0, 10)}T00:00:00Z`) : r[i])),
      type: i === 0 ? ('TIMESTAMP' as const) : ('STRING' as const),
    }));
    await writeFile(parquet, Buffer.from(parquetWriteBuffer({ columnData })));

    // Act
    const fromCsv = await cli(home, 'ingest', csv, '--as', 'npr');
    const fromParquet = await cli(home, 'ingest', parquet);
    const rankings = await cli(home, 'rankings', '--source', 'ddp', '--json');

    // Assess
    expect(fromCsv.stderr).toBe('');
    expect(fromCsv.stdout).toMatch(/rows: 4 read, 2 declined detainers/);
    expect(fromParquet.stderr).toBe('');
    expect(fromParquet.stdout).toMatch(/rows: 4 read, 2 declined detainers/);
    const quarters = rankings.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { quarter: string; rows: Array<{ name: string; declined: number }> });
    expect(quarters.flatMap((q) => q.rows.map((r) => [q.quarter, r.name, r.declined]))).toEqual([
      ['FY2014Q4', 'Contra Costa County', 1],
      ['FY2014Q4', 'San Diego County', 1],
    ]);
  }, 400_000);
});
