import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { SourceConfig } from '../functions/commons/config';
import type { SubscriberFilters } from '../functions/domain/subscriber';
import { subscribe } from '../functions/subscription/subscribe';
import { runCycle } from './cycle';
import { demoSourceConfig, startDemoSource } from './demo/demo-source';
import { listOutbox } from './outbox';
import type { LocalRuntime } from './runtime';
import { describeCycle } from './summary';
import { startSubscriptionServer } from './subscription-server';

const DEMO_PORT = 8788;

/** Three readers with different interests, so the outbox shows what filters do. */
export const DEMO_SUBSCRIBERS: { email: string; filters: Partial<SubscriberFilters> }[] = [
  { email: 'newsroom@example.org', filters: { topN: 10 } },
  { email: 'ca-desk@example.org', filters: { states: ['CA'], topN: 5 } },
  { email: 'denver-council@example.org', filters: { jurisdictions: ['Denver County'], minMove: 1 } },
];

/**
 * Subscribe the demo readers the way a person would: the subscription sends a confirmation
 * email, and the link in that email is followed over HTTP against the local subscription endpoint.
 */
async function ensureDemoSubscribers(local: LocalRuntime, out: (text: string) => void): Promise<void> {
  const missing = [];
  for (const reader of DEMO_SUBSCRIBERS) {
    if (!(await local.deps.subscribers.getSubscriber(reader.email))) missing.push(reader);
  }
  if (!missing.length) return;
  const server = await startSubscriptionServer(local.deps);
  try {
    for (const reader of missing) {
      await subscribe(local.deps, reader.email, reader.filters);
      const confirmation = (await listOutbox(local.outboxDir)).filter((e) => e.to === reader.email && e.html).at(-1);
      const html = confirmation?.html ? await readFile(confirmation.html, 'utf8') : '';
      const link = /\/confirm\?token=([A-Za-z0-9_\-.%]+)/.exec(html);
      if (!link) throw new Error(`confirmation email to ${reader.email} has no confirm link`);
      const response = await fetch(`${server.url}/confirm?token=${link[1]}`);
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

/**
 * `npm start`: replay the bundled demo releases in order through a local HTTP source, so
 * discovery, conditional GET, download, archive, ingest and notify all run for real.
 */
export async function runDemo(local: LocalRuntime, out: (text: string) => void): Promise<void> {
  await ensureDemoSubscribers(local, out);
  // A stable port keeps release URLs, and so their stored ETags, the same from run to run:
  // a second `npm start` then downloads no release bytes at all.
  const demo = await startDemoSource({ published: 0, port: DEMO_PORT }).catch(() => startDemoSource({ published: 0 }));
  try {
    const source: SourceConfig = demoSourceConfig(demo.url);
    for (let n = 1; n <= demo.releases.length; n++) {
      demo.publish(n);
      out(`\nRelease ${n} of ${demo.releases.length}: ${basename(demo.releases[n - 1].file)}`);
      out(describeCycle(await runCycle(local.deps, source), local.outboxDir));
    }
  } finally {
    await demo.stop();
  }
  out(`\nRankings: npx detainer-watch rankings --source demo   Mail: npx detainer-watch outbox   State: ${local.home}`);
}
