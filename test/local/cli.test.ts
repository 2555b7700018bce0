import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test/fixtures/releases');

/** The installed CLI, as a user runs it: its own process, its own embedded emulators. */
function cli(home: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'bin/detainer-watch.mjs'), ...args],
      { cwd: root, env: { ...process.env, DETAINER_WATCH_HOME: home }, timeout: 180_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('detainer-watch CLI contract', () => {
  let home: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'dw-cli-'));
  });

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('ingests a jurisdiction table and prints the resolution rate', async () => {
    // Act
    const result = await cli(home, 'ingest', join(fixtures, 'table-fy2017q1-top-jurisdictions.csv'), '--source', 'table');
    // Assess
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ingested/);
    expect(result.stdout).toMatch(/100\.0% resolved to counties/);
    expect(result.stdout).toContain('FY2017 Q1 new quarter');
  }, 200_000);

  it('prints rankings --json in the shape of DESIGN.md', async () => {
    // Act
    const result = await cli(home, 'rankings', '--source', 'table', '--quarter', 'FY2017Q1', '--top', '2', '--json');
    // Assess
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({
      source: 'table',
      quarter: 'FY2017Q1',
      complete: true,
      total: 480,
      by: 'declined',
      facilityTypes: ['local', 'police', 'state', 'federal', 'ice', 'other'],
      rows: [
        // A jurisdiction table has no denominator and names no facilities.
        {
          rank: 1,
          fips: '06111',
          name: 'Ventura County',
          state: 'CA',
          declined: 188,
          received: null,
          rate: null,
          previousRank: null,
          facilityTypes: null,
        },
        {
          rank: 2,
          fips: '12086',
          name: 'Miami-Dade County',
          state: 'FL',
          declined: 93,
          received: null,
          rate: null,
          previousRank: null,
          facilityTypes: null,
        },
      ],
    });
  }, 200_000);

  it('refuses a PDF named .xlsx with one line naming the file, and writes nothing', async () => {
    // Prepare
    const disguised = join(home, 'release.xlsx');
    await copyFile(join(fixtures, 'ddor-2017-02-04to02-10.pdf'), disguised);
    // Act
    const result = await cli(home, 'ingest', disguised, '--source', 'ddp');
    const after = await cli(home, 'rankings', '--source', 'ddp', '--json');
    // Assess
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^detainer-watch: .*release\.xlsx: .*PDF/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(after.stdout.trim()).toBe('');
  }, 300_000);

  it('follows one jurisdiction across quarters by name', async () => {
    // Act
    const result = await cli(home, 'history', 'Miami-Dade', '--json');
    // Assess
    expect(result.code).toBe(0);
    const history = JSON.parse(result.stdout) as { fips: string; quarters: { quarter: string; rank: number; declined: number }[] };
    expect(history.fips).toBe('12086');
    expect(history.quarters).toEqual([expect.objectContaining({ quarter: 'FY2017Q1', rank: 2, declined: 93 })]);
  }, 200_000);

  it('says which file is missing', async () => {
    // Act
    const result = await cli(home, 'ingest', join(home, 'nope.xlsx'));
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`detainer-watch: ${join(home, 'nope.xlsx')}: no such file`);
  }, 60_000);

  it('tells the format from the content when --source is left out: a CSV of detainer records is read record by record', async () => {
    // Prepare: NPR's FOIA record layout, tab-delimited, named .csv like a table would be
    const records = join(home, 'FY14.csv');
    await writeFile(
      records,
      [
        'Prepare Date\tDetainer Lift Reason\tDetainer Detention Facility\tCity\tState',
        '10/01/13\tDetainer Declined by LEA\tCONTRA COSTA CO. JAIL\tMARTINEZ\tCA',
        '10/02/13\tDetainer Declined by LEA\tCONTRA COSTA CO. JAIL\tMARTINEZ\tCA',
        '10/03/13\tBooked into Detention\tVISTA DETENTION FACILITY\tVISTA\tCA',
        '10/04/13\tDetainer Declined by LEA\tVISTA DETENTION FACILITY\tVISTA\tCA',
      ].join('\n'),
    );

    // Act
    const result = await cli(home, 'ingest', records);
    const rankings = await cli(home, 'rankings', '--source', 'ddp', '--quarter', 'FY2014Q1', '--json');

    // Assess
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/rows: 4 read, 3 declined detainers; 100\.0% resolved/);
    expect(JSON.parse(rankings.stdout).rows.map((r: { name: string; declined: number }) => [r.name, r.declined])).toEqual([
      ['Contra Costa County', 2],
      ['San Diego County', 1],
    ]);
  }, 300_000);

  it("drills into a county's facilities, narrows rankings by facility type, and lists what was not placed", async () => {
    // Act (on the FY2014 records ingested above)
    const history = await cli(home, 'history', 'Contra Costa', '--facilities', '--json');
    const stateOnly = await cli(home, 'rankings', '--source', 'ddp', '--quarter', 'FY2014Q1', '--facility-types', 'state', '--json');
    const unresolved = await cli(home, 'rankings', '--source', 'ddp', '--quarter', 'FY2014Q1', '--unresolved', '--json');
    const wrong = await cli(home, 'rankings', '--facility-types', 'jail');

    // Assess
    const point = (
      JSON.parse(history.stdout) as { quarters: { quarter: string; facilities: { name: string; type: string; declined: number }[] }[] }
    ).quarters[0];
    expect(point.quarter).toBe('FY2014Q1');
    expect(point.facilities).toEqual([expect.objectContaining({ name: 'CONTRA COSTA CO. JAIL', type: 'local', declined: 2 })]);
    expect(JSON.parse(stateOnly.stdout)).toMatchObject({ facilityTypes: ['state'], total: 0, rows: [] });
    expect(JSON.parse(unresolved.stdout)).toEqual({ source: 'ddp', quarter: 'FY2014Q1', unresolved: [] });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/facility types are local, police, state, federal, ice, other \(not jail\)/);
  }, 300_000);

  it("keeps another publisher's table apart with --as, where the same source would see schema drift", async () => {
    // Prepare: its own home with the top-jurisdictions table, then another publisher's table with other columns
    const own = await mkdtemp(join(tmpdir(), 'dw-cli-as-'));
    const other = join(own, 'sheriffs-fy2017q2.csv');
    await writeFile(other, 'Quarter\tCounty\tState\tDeclined\nFY2017 Q2\tTravis\tTX\t44\nFY2017 Q2\tCook\tIL\t30\n');
    expect((await cli(own, 'ingest', join(fixtures, 'table-fy2017q1-top-jurisdictions.csv'))).code).toBe(0);

    // Act
    const same = await cli(own, 'ingest', other, '--source', 'table');
    const apart = await cli(own, 'ingest', other, '--source', 'table', '--as', 'sheriffs');
    const rankings = await cli(own, 'rankings', '--source', 'sheriffs', '--json');
    await rm(own, { recursive: true, force: true });

    // Assess
    expect(same.code).toBe(1);
    expect(same.stderr.trim()).toMatch(
      /sheriffs-fy2017q2\.csv: schema drift: .* \(quarantined under source "table"; raw file kept in the archive; if it is another publisher's file, ingest it with --as NAME\)$/,
    );
    expect(apart.code).toBe(0);
    expect(JSON.parse(rankings.stdout)).toMatchObject({ source: 'sheriffs', quarter: 'FY2017Q2', total: 74 });
  }, 300_000);
});
