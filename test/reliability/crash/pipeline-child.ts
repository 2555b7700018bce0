import { demoSourceConfig } from '../../../local/demo/demo-source';
import { runCycle } from '../../../local/cycle';
import { openLocal } from '../../../local/runtime';

/**
 * One local poll → ingest → notify cycle in its own process, against the services named by
 * `AWS_ENDPOINT_URL_*` (the test's emulators, through its proxies), so the test can kill it at
 * any request without taking the emulators down. Prints one JSON line when the cycle finished.
 */
const sourceUrl = process.env.DW_DEMO_URL;
if (!sourceUrl) throw new Error('DW_DEMO_URL is not set');
const local = await openLocal({ home: process.env.DETAINER_WATCH_HOME });
try {
  const report = await runCycle(local.deps, demoSourceConfig(sourceUrl));
  process.stdout.write(`${JSON.stringify({ archived: report.poll?.archived.length ?? 0, ingests: report.ingests.map((i) => i.outcome), notifies: report.notifies.map(({ sent, alreadySent, inFlight, ambiguous, failed }) => ({ sent, alreadySent, inFlight, ambiguous, failed })) })}\n`);
} finally {
  await local.stop();
}
