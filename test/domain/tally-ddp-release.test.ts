import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../functions/domain/release';
import { QuarterTallies } from '../../functions/domain/tally';
import { readXlsxRows, type XlsxCell } from '../../functions/ingest/parsers/xlsx-rows';
import { createResolver } from '../../functions/ingest/resolve/resolver';
import { type DdpGeneratorResult, generateDdpXlsx } from '../../scripts/generate-ddp-xlsx';

/**
 * Every record of a generated DDP workbook (real layout, real ICE facility names, every lift reason
 * including blank) as the record-level parser emits it: one observation per record, `count` 1 when
 * declined, `received: 1`, facility, city and state as written.
 */
async function recordsOf(file: string): Promise<Observation[]> {
  const out: Observation[] = [];
  let header: string[] | undefined;
  const at = (name: string) => header!.indexOf(name);
  await readXlsxRows(file, (cells: XlsxCell[]) => {
    if (!header) {
      if (cells.includes('Detainer Prepare Date')) header = cells.map((c) => String(c ?? ''));
      return;
    }
    const date = String(cells[at('Detainer Prepare Date')] ?? '').slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return;
    const text = (name: string) => (cells[at(name)] === undefined ? undefined : String(cells[at(name)]));
    out.push({
      place: { facility: text('Detention Facility'), city: text('Facility City'), state: text('Facility State') },
      count: text('Detainer Lift Reason') === 'Detainer Declined by LEA' ? 1 : 0,
      received: 1,
      date,
    });
  });
  return out;
}

describe('tally of every record of a DDP release', () => {
  let dir: string;
  let generated: DdpGeneratorResult;
  let records: Observation[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-tally-'));
    generated = await generateDdpXlsx({ rows: 3000, out: join(dir, 'release.xlsx'), seed: 11 });
    records = await recordsOf(generated.file);
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts every record as received and exactly the declined ones as declined, all placed in counties', () => {
    // Prepare
    const tallies = new QuarterTallies(createResolver());

    // Act
    for (const o of records) tallies.add(o);
    const rankings = tallies.rankings('ddp', 'r', generated.coverage);

    // Assess
    expect(records.length).toBe(generated.rows);
    expect(rankings.reduce((n, r) => n + r.total, 0)).toBe(generated.declined);
    expect(rankings.reduce((n, r) => n + (r.received ?? 0), 0)).toBe(generated.rows);
    expect(tallies.resolutionRate()).toBe(1);
    expect(tallies.unresolvedFacilities()).toEqual([]);
  });

  it("splits each county into its facilities, whose counts add up to the county's", () => {
    // Prepare
    const tallies = new QuarterTallies(createResolver());

    // Act
    for (const o of records) tallies.add(o);
    const rows = tallies.rankings('ddp', 'r', generated.coverage).flatMap((r) => r.rows);
    const miami = rows.find((row) => row.jurisdiction.kind === 'county' && row.jurisdiction.fips === '12086')!;

    // Assess
    for (const row of rows) {
      expect(row.facilities!.reduce((n, f) => n + f.declined, 0)).toBe(row.declined);
      expect(row.facilities!.reduce((n, f) => n + (f.received ?? 0), 0)).toBe(row.received);
    }
    expect(new Set(miami.facilities!.map((f) => f.type))).toEqual(new Set(['local', 'ice', 'state', 'federal']));
  });
});
