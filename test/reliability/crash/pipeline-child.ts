import type { BatchReport } from '../../../functions/deliver/deliver-batch';
import type { IngestReport } from '../../../functions/ingest/ingest';
import { demoSourceConfig } from '../../../local/demo/demo-source';
import { useSource } from '../../../local/demo-run';
import { openLocal } from '../../../local/runtime';

/**
 * One tick of the local chain (the CLI's own `openLocal`) in its own process, against the services
 * named by `AWS_ENDPOINT_URL_*` (the test's emulators, through its proxies), so the test can kill
 * it at any request without taking the emulators down. `DW_CLOCK_OFFSET_MS` runs it later than now
 * (a queue's visibility timeout or the send lease passed). Prints one JSON line when the tick finished.
 */
const sourceUrl = process.env.DW_DEMO_URL;
if (!sourceUrl) throw new Error('DW_DEMO_URL is not set');
const offset = Number(process.env.DW_CLOCK_OFFSET_MS ?? 0);
const local = await openLocal({ home: process.env.DETAINER_WATCH_HOME, clock: () => new Date(Date.now() + offset) });
try {
  const source = demoSourceConfig(sourceUrl);
  useSource(local, source);
  const polls = await local.composition.chain.tick({ sources: [source.name] });
  const events = local.composition.takeEvents();
  const ingests = events.filter((e) => e.step === 'ingest').map((e) => (e.report as IngestReport).outcome);
  const deliveries = events
    .filter((e) => e.step === 'deliver')
    .map((e) => e.report as BatchReport)
    .map(({ sent, alreadySent, inFlight, ambiguous, failed }) => ({ sent, alreadySent, inFlight, ambiguous, failed }));
  process.stdout.write(`${JSON.stringify({ archived: polls[0]?.archived.length ?? 0, ingests, deliveries })}\n`);
} finally {
  await local.stop();
}
