import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseKey } from '../../functions/archive/release-key';
import type { Deps } from '../../functions/commons/deps';
import { deliverBatch } from '../../functions/deliver/deliver-batch';
import { handleSesEvent } from '../../functions/feedback/feedback';
import { ingestRelease } from '../../functions/ingest/ingest';
import { subscribe } from '../../functions/subscription/subscribe';
import { startSubscriptionServer } from '../../local/subscription-server';
import { composeTestDeps } from '../support/compose-test-deps';
import { sesMessages, uniqueName, useEmulators } from '../support/emulators';

const fixture = fileURLToPath(new URL('../fixtures/releases/table-fy2017q1-top-jurisdictions.csv', import.meta.url));

/** Double opt-in, one-click unsubscribe and bounce suppression through the real adapters and the local endpoint. */
describe('consent: only confirmed, unsuppressed addresses get alerts', () => {
  const env = useEmulators();
  let deps: Deps;
  let server: { url: string; stop(): Promise<void> };
  const tag = uniqueName('consent');
  const reader = `${tag}-reader@example.org`;
  const bouncer = `${tag}-bouncer@example.org`;

  beforeAll(async () => {
    await mkdir(join(env.workDir, 'tmp'), { recursive: true });
    deps = composeTestDeps(env, {
      secret: 'test-secret-of-this-suite',
      bucket: env.bucket,
      config: { operatorEmail: `${tag}-operator@example.org`, subscriptionUrl: 'http://127.0.0.1:8787' },
    });
    server = await startSubscriptionServer(deps);
  });

  afterAll(async () => {
    await server?.stop();
  });

  async function confirmLink(address: string): Promise<string> {
    const [confirmation] = await sesMessages(env.endpoints.ses, address);
    const token = /\/confirm\?token=([\w.%-]+)/.exec(confirmation?.body.html ?? '')?.[1];
    if (!token) throw new Error(`no confirm link mailed to ${address}`);
    return `${server.url}/confirm?token=${token}`;
  }

  it('keeps a new subscriber pending, mails a confirmation, and sends no alert until confirmed', async () => {
    // Prepare
    await subscribe(deps, reader, { states: ['CA'] });
    const sha256 = 'a'.repeat(64);
    const archiveKey = releaseKey('table', sha256, 'csv');
    const copy = join(env.workDir, 'release.csv');
    await copyFile(fixture, copy);
    await deps.archive.putFile(archiveKey, copy, { sha256 });
    await deps.releases.recordRelease({
      source: 'table',
      sha256,
      url: 'file:///release.csv',
      archiveKey,
      bytes: 1,
      format: 'table',
      firstSeen: new Date().toISOString(),
      status: 'archived',
    });
    // Act
    const ingest = await ingestRelease(deps, archiveKey);
    const report = await deliverBatch(deps, { changeId: ingest.change!.id, emails: [reader] });
    // Assess
    expect((await deps.subscribers.getSubscriber(reader))?.status).toBe('pending');
    expect(report.sent).toBe(0);
    expect((await sesMessages(env.endpoints.ses, reader)).map((m) => m.subject)).toEqual(['Confirm your detainer-watch subscription']);
  });

  it('confirms through the emailed link, once, and the next alert arrives', async () => {
    // Act
    const link = await confirmLink(reader);
    const first = await fetch(link);
    const again = await fetch(link);
    const report = await deliverBatch(deps, { changeId: `table#${'a'.repeat(64)}`, emails: [reader] });
    // Assess
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect((await deps.subscribers.getSubscriber(reader))?.status).toBe('confirmed');
    expect(report.sent).toBe(1);
    expect((await sesMessages(env.endpoints.ses, reader)).at(-1)?.subject).toMatch(/^FY2017 Q1 declined detainers: Ventura County, CA/);
  });

  it('refuses a forged unsubscribe token and changes nothing', async () => {
    // Act
    const response = await fetch(`${server.url}/unsubscribe?token=eyJlIjoiYSJ9.forged`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    // Assess
    expect(response.status).toBe(403);
    expect((await deps.subscribers.getSubscriber(reader))?.status).toBe('confirmed');
  });

  it('unsubscribes with one RFC 8058 POST from the List-Unsubscribe header, and a second POST is fine', async () => {
    // Prepare
    const alert = (await sesMessages(env.endpoints.ses, reader)).at(-1);
    const url = /href="(http:\/\/127\.0\.0\.1:8787\/unsubscribe\?token=[^"]+)"/.exec(alert?.body.html ?? '')?.[1]?.replace(/&amp;/g, '&');
    expect(url).toBeDefined();
    const local = url!.replace('http://127.0.0.1:8787', server.url);
    const oneClick = () =>
      fetch(local, {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    // Act
    const first = await oneClick();
    const second = await oneClick();
    // Assess
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((await deps.subscribers.getSubscriber(reader))?.status).toBe('unsubscribed');
  });

  it('suppresses a permanently bounced address: never mailed again, cannot be re-subscribed', async () => {
    // Prepare
    await subscribe(deps, bouncer);
    expect((await fetch(await confirmLink(bouncer))).status).toBe(200);
    // Act
    const feedback = await handleSesEvent(
      deps,
      JSON.stringify({ eventType: 'Bounce', bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: bouncer }] } }),
    );
    // Assess
    expect(feedback.suppressed).toEqual([bouncer]);
    expect((await deps.subscribers.getSubscriber(bouncer))?.status).toBe('suppressed');
    await expect(subscribe(deps, bouncer)).rejects.toThrow(/suppressed/);
    expect((await deps.subscribers.listSubscribers('confirmed')).map((s) => s.email)).not.toContain(bouncer);
  });
});
