import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { SourceConfig } from '../functions/commons/config';
import type { SubscriberFilters } from '../functions/domain/subscriber';
import { demoSourceConfig, startDemoSource } from './demo/demo-source';
import { startHttpServer } from './http-server';
import { localContext } from './lambda-context';
import { listOutbox } from './outbox';
import type { LocalRuntime } from './runtime';
import { chainReport, describeChain } from './summary';

const DEMO_PORT = 8788;

/** Three readers with different interests, so the outbox shows what filters do. */
export const DEMO_SUBSCRIBERS: { email: string; filters: Partial<SubscriberFilters> }[] = [
  { email: 'newsroom@example.org', filters: { topN: 10 } },
  { email: 'ca-desk@example.org', filters: { states: ['CA'], topN: 5 } },
  { email: 'denver-council@example.org', filters: { jurisdictions: ['Denver County'], minMove: 1 } },
];

/**
 * Subscribe the demo readers the way a person would: the subscription handler (the operator's
 * subscribe command) sends a confirmation email, and the link in it is followed over HTTP
 * against the local subscription endpoint.
 */
async function ensureDemoSubscribers(local: LocalRuntime, out: (text: string) => void): Promise<void> {
  const missing = [];
  for (const reader of DEMO_SUBSCRIBERS) {
    if (!(await local.deps.subscribers.getSubscriber(reader.email))) missing.push(reader);
  }
  if (!missing.length) return;
  const { handlers } = local.composition;
  const server = await startHttpServer({ subscription: handlers.subscription });
  try {
    for (const reader of missing) {
      await handlers.subscription({ subscribe: reader.email, filters: reader.filters }, localContext('subscription', 10));
      const confirmation = (await listOutbox(local.outboxDir)).filter((e) => e.to === reader.email && e.html).at(-1);
      const html = confirmation?.html ? await readFile(confirmation.html, 'utf8') : '';
      const link = /\/confirm\?token=([A-Za-z0-9_\-.%]+)/.exec(html);
      if (!link) throw new Error(`confirmation email to ${reader.email} has no confirm link`);
      const response = await fetch(`${server.url}/api/confirm?token=${link[1]}`);
      if (response.status !== 200) throw new Error(`confirming ${reader.email} answered ${response.status}`);
      out(`subscribed and confirmed ${reader.email} (${describeFilters(reader.filters)})`);
    }
  } finally {
    await server.stop();
  }
}

function describeFilters(filters: Partial<SubscriberFilters>): string {
  const parts = [];
  if (filters.states?.length) parts.push(`states ${filters.states.join(',')}`);
  if (filters.jurisdictions?.length) parts.push(`jurisdictions ${filters.jurisdictions.join(',')}`);
  parts.push(`top ${filters.topN ?? 10}`);
  if (filters.minMove) parts.push(`moves of ${filters.minMove}+`);
  return parts.join(', ');
}

/** Make a source part of the running configuration (the demo's URL is known once its server is up). */
export function useSource(local: LocalRuntime, source: SourceConfig): void {
  const config = local.deps.config;
  config.sources = [...config.sources.filter((s) => s.name !== source.name), source];
}

/** One tick of the local chain for one source, described for a person. */
export async function runTick(local: LocalRuntime, source: SourceConfig): Promise<string> {
  const { chain, takeEvents, queues } = local.composition;
  takeEvents();
  await chain.tick({ sources: [source.name] });
  return describeChain(chainReport(takeEvents()), local.outboxDir, queues.deliveries.stats().hidden);
}

/**
 * `npm start`: replay the bundled demo releases in order through a local HTTP source; each
 * release goes through the chain the stack runs (poll → S3 → ingest → stream → notify → queue → deliver).
 */
export async function runDemo(local: LocalRuntime, out: (text: string) => void): Promise<void> {
  await ensureDemoSubscribers(local, out);
  // A stable port keeps release URLs, and so their stored ETags, the same from run to run:
  // a second `npm start` then downloads no release bytes at all.
  const demo = await startDemoSource({ published: 0, port: DEMO_PORT }).catch(() => startDemoSource({ published: 0 }));
  try {
    const source = demoSourceConfig(demo.url);
    useSource(local, source);
    for (let n = 1; n <= demo.releases.length; n++) {
      demo.publish(n);
      out(`\nRelease ${n} of ${demo.releases.length}: ${basename(demo.releases[n - 1].file)}`);
      out(await runTick(local, source));
    }
  } finally {
    await demo.stop();
  }
  out(`\nRankings: npx detainer-watch rankings --source demo   Mail: npx detainer-watch outbox   State: ${local.home}`);
}
