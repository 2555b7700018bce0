/**
 * Child process of the ingest measurement: `ingestRelease` (read, filter, resolve, count, rank,
 * diff, write) against the running emulators, bundled like the ingest Lambda and run with plain
 * `node`, so its peak RSS is the handler's own.
 *
 *   BENCH_DYNAMODB=… BENCH_S3=… BENCH_SES=… BENCH_TABLE=… BENCH_BUCKET=… BENCH_WORKDIR=… node ddp-ingest.mjs ARCHIVE_KEY
 *
 * Prints one JSON line: work time, phases (archive download, commit) and what was read.
 */

import { s3ArchiveLoader } from '../../functions/archive/s3-archive-loader';
import { createClients } from '../../functions/commons/all-clients';
import { RUNTIME_DEFAULTS } from '../../functions/commons/config';
import type { Deps } from '../../functions/commons/deps';
import { composeDeps } from '../../functions/composition/compose-deps';
import { ingestRelease } from '../../functions/ingest/ingest';

const target = process.argv[2];
const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
// DynamoDB Local is far slower than DynamoDB on a loaded machine: more than the Lambda's 5 s before a call fails.
const clients = await createClients({
  endpoints: { dynamodb: env('BENCH_DYNAMODB'), s3: env('BENCH_S3'), ses: env('BENCH_SES') },
  timeouts: { dynamodb: { requestMs: 60_000 }, s3: { requestMs: 120_000 } },
});
const deps: Deps = composeDeps({
  clients,
  deliveryQueue: { enqueue: async () => undefined },
  archive: s3ArchiveLoader,
  tableName: env('BENCH_TABLE'),
  bucket: env('BENCH_BUCKET'),
  config: {
    sources: [],
    sender: 'bench@detainer-watch.local',
    operatorEmail: 'operator@detainer-watch.local',
    subscriptionUrl: 'http://127.0.0.1:8787',
    topN: 10,
    minResolutionRate: 0,
    maxTotalDrop: 1,
    sendRatePerSecond: 1000,
    deliveryBatchSize: 50,
    deliveryConcurrency: 2,
    deliverTimeoutSeconds: RUNTIME_DEFAULTS.deliverTimeoutSeconds,
  },
  tokenSecret: async () => 'bench',
  workDir: env('BENCH_WORKDIR'),
  log: { info: () => undefined, warn: () => undefined, error: () => undefined },
});
const phases = { downloadMs: 0, commitMs: 0 };
const timed =
  <A extends unknown[], R>(fn: (...args: A) => Promise<R>, phase: keyof typeof phases) =>
  async (...args: A): Promise<R> => {
    const t = performance.now();
    try {
      return await fn(...args);
    } finally {
      phases[phase] += performance.now() - t;
    }
  };
deps.archive.getToFile = timed(deps.archive.getToFile.bind(deps.archive), 'downloadMs');
deps.rankings.commitRelease = timed(deps.rankings.commitRelease.bind(deps.rankings), 'commitMs');
const t0 = performance.now();
const report = await ingestRelease(deps, target);
const workMs = performance.now() - t0;
for (const client of Object.values(clients) as Array<{ destroy?: () => void }>) client.destroy?.();
console.log(
  JSON.stringify({
    workMs,
    ...phases,
    outcome: report.outcome,
    rowsRead: report.rowsRead,
    declined: report.rowsKept,
    quarters: report.quarterItemsWritten,
    resolutionRate: report.resolutionRate,
    maxRssKb: process.resourceUsage().maxRSS,
  }),
);
