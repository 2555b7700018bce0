/**
 * Section 4: DynamoDB items written per release, counted by SDK middleware while the real
 * `ingestRelease` runs in this process: a baseline, the same data re-released (new bytes), and a
 * one-row revision.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { releaseKey } from '../functions/archive/release-key';
import type { Deps } from '../functions/commons/deps';
import type { AwsCallCount } from './aws-calls';
import type { BenchServices } from './services';
import { ms, type Row } from './stats';

export interface WriteFigures {
  rows: number;
  releases: Array<{
    kind: 'baseline' | 'unchanged re-release' | 'one-row revision';
    outcome: string;
    quarterItems: number;
    itemsWritten: number;
    changeId?: string;
    changedQuarters: number;
    aws: AwsCallCount;
    ms: number;
    bytes: number;
  }>;
}

async function archiveAndIngest(services: BenchServices, deps: Deps, source: string, file: string) {
  const bytes = await readFile(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const key = releaseKey(source, sha256, 'xlsx');
  await deps.archive.putFile(key, file, { sha256 });
  const { ingestRelease } = await import('../functions/ingest/ingest');
  services.counter.reset();
  const started = performance.now();
  const report = await ingestRelease(deps, key);
  return { report, aws: services.counter.snapshot(), ms: performance.now() - started, bytes: (await stat(file)).size };
}

export async function measureWrites(
  services: BenchServices,
  files: { baseline: string; unchanged: string; oneRow: string },
  rows: number,
): Promise<WriteFigures> {
  const deps = await services.deps();
  const source = `bench-writes-${process.pid}`;
  const figures: WriteFigures = { rows, releases: [] };
  for (const [kind, file] of [
    ['baseline', files.baseline],
    ['unchanged re-release', files.unchanged],
    ['one-row revision', files.oneRow],
  ] as const) {
    const { report, aws, ms: took, bytes } = await archiveAndIngest(services, deps, source, file);
    figures.releases.push({
      kind,
      outcome: report.reason ? `${report.outcome} (${report.reason})` : report.outcome,
      quarterItems: report.quarterItemsWritten,
      itemsWritten: aws.itemsWritten,
      ...(report.change ? { changeId: report.change.id } : {}),
      changedQuarters: report.change?.quarters.length ?? 0,
      aws,
      ms: took,
      bytes,
    });
  }
  return figures;
}

export function writeRows(f: WriteFigures): Row[] {
  const section = '4 DynamoDB writes';
  return f.releases.map((r): Row => {
    const value = `${r.outcome}: ${r.quarterItems} quarter versions, ${r.itemsWritten} items written in all (${r.aws.writeUnits.toFixed(0)} WCU, ${r.aws.readUnits.toFixed(1)} RCU), ${ms(r.ms)}`;
    if (r.kind === 'unchanged re-release')
      return {
        section,
        measure: `${r.kind} (${f.rows.toLocaleString('en-US')} rows)`,
        value,
        target: '0 quarter items',
        pass: r.quarterItems === 0,
      };
    if (r.kind === 'one-row revision') return { section, measure: r.kind, value, target: '1 quarter changed', pass: r.quarterItems === 1 };
    return { section, measure: `${r.kind} (first ingest, for reference)`, value };
  });
}
