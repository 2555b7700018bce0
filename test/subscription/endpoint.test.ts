import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../../functions/commons/deps';
import { formToken, subscriberId } from '../../functions/domain/subscriber-links';
import { SUBSCRIPTION_METRIC } from '../../functions/subscription/request-guard';
import { composeTestDeps } from '../support/compose-test-deps';
import { sesMessages, uniqueName, useEmulators } from '../support/emulators';
import { startSiteWithEndpoint } from './endpoint-server';

const SECRET = 'endpoint-suite-secret';

/** The public endpoint through HTTP, DynamoDB Local and aws-ses-v2-local: what a person's browser meets. */
describe('subscription endpoint', () => {
  const env = useEmulators({ bucket: false });
  const tag = uniqueName('endpoint');
  const counted: string[] = [];
  let deps: Deps;
  let site: { url: string; stop(): Promise<void> };
  let origin: string;

  beforeAll(async () => {
    await mkdir(join(env.workDir, 'tmp'), { recursive: true });
    deps = composeTestDeps(env, {
      secret: SECRET,
      config: { operatorEmail: `${tag}-ops@example.org`, subscriptionUrl: 'http://placeholder/api' },
      count: (metric, value = 1) => {
        for (let i = 0; i < value; i++) counted.push(metric);
      },
    });
    site = await startSiteWithEndpoint(deps, {
      limits: {
        client: { limit: 1000, windowSeconds: 3600 },
        connection: { limit: 1000, windowSeconds: 3600 },
        address: { limit: 3, windowSeconds: 3600 },
      },
    });
    deps.config.subscriptionUrl = `${site.url}/api`;
    origin = site.url;
  });

  afterAll(async () => {
    await site?.stop();
  });

  beforeEach(() => {
    counted.length = 0;
  });

  const address = (name: string) => `${tag}-${name}@example.org`;
  const rejections = () => counted.filter((m) => m === SUBSCRIPTION_METRIC.rejected).length;

  async function freshToken(): Promise<string> {
    const answer = await fetch(`${site.url}/api/subscribe/token`);
    return ((await answer.json()) as { token: string }).token;
  }

  async function post(
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = { origin },
  ): Promise<{ status: number; text: string }> {
    const answer = await fetch(`${site.url}${path}`, {
      method: 'POST',
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
    return { status: answer.status, text: await answer.text() };
  }

  async function subscribeForm(fields: Record<string, string>, headers?: Record<string, string>) {
    return post('/api/subscribe', { token: await freshToken(), website: '', ...fields }, headers);
  }

  function linkIn(html: string | undefined, path: string): string {
    const href = new RegExp(`href="([^"]*/api/${path}\\?token=[^"]+)"`).exec(html ?? '')?.[1];
    if (!href) throw new Error(`no ${path} link in the message`);
    return href.replace(/&amp;/g, '&');
  }

  it('serves the form without JavaScript, with a signed form token, and subscribes through it', async () => {
    // Prepare
    const page = await (await fetch(`${site.url}/api/subscribe`)).text();
    const token = /name="token" value="([^"]+)"/.exec(page)?.[1];

    // Act
    const answer = await post('/api/subscribe', {
      token: token ?? '',
      email: address('reader'),
      states: 'ca, tx',
      counties: 'Ventura County, CA\n48201',
      topN: '5',
      minMove: '2',
      minDelta: '10',
      website: '',
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Check your inbox');
    const stored = await deps.subscribers.getSubscriber(address('reader'));
    expect(stored).toMatchObject({
      status: 'pending',
      id: subscriberId(SECRET, address('reader')),
      filters: { states: ['CA', 'TX'], jurisdictions: ['06111', '48201'], topN: 5, minMove: 2, minDelta: 10 },
    });
    const [mail] = await sesMessages(env.endpoints.ses, address('reader'));
    expect(mail.subject).toBe('Confirm your detainer-watch subscription');
    expect(linkIn(mail.body.html, 'confirm')).not.toContain(tag);
    expect(counted).toContain(SUBSCRIPTION_METRIC.requested);
  });

  it('confirms through the mailed link, and the confirmation page links the preferences page', async () => {
    // Prepare
    const [mail] = await sesMessages(env.endpoints.ses, address('reader'));

    // Act
    const first = await fetch(linkIn(mail.body.html, 'confirm'));
    const page = await first.text();
    const again = await fetch(linkIn(mail.body.html, 'confirm'));

    // Assess
    expect([first.status, again.status]).toEqual([200, 200]);
    expect((await deps.subscribers.getSubscriber(address('reader')))?.status).toBe('confirmed');
    expect(linkIn(page, 'preferences')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/preferences\?token=/);
  });

  it('answers a confirmed, a suppressed and an unknown address alike, and changes no confirmed filters', async () => {
    // Prepare
    await deps.subscribers.setSubscriberStatus(address('bounced'), 'suppressed', 'bounce');

    // Act
    const answers = await Promise.all(
      [address('reader'), address('bounced'), address('newcomer')].map((email) => subscribeForm({ email, states: 'NY' })),
    );

    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect((await deps.subscribers.getSubscriber(address('reader')))?.filters.states).toEqual(['CA', 'TX']);
    expect((await sesMessages(env.endpoints.ses, address('reader'))).at(-1)?.subject).toBe('Your detainer-watch subscription');
    expect(await sesMessages(env.endpoints.ses, address('bounced'))).toEqual([]);
    expect((await deps.subscribers.getSubscriber(address('bounced')))?.status).toBe('suppressed');
  });

  it.each([
    ['an invalid address', { email: 'not-an-address' }, 400, /Enter an email address like name@example.org/],
    [
      'an unknown county',
      { email: 'x@example.org', counties: 'Atlantis County, CA' },
      400,
      /Unknown county: &quot;Atlantis County, CA&quot;/,
    ],
    ['a county name found in several states', { email: 'x@example.org', counties: 'Washington County' }, 400, /is in several states/],
    ['an unknown state', { email: 'x@example.org', states: 'CA, ZZ' }, 400, /Not a US state or territory code: ZZ/],
    ['a top N out of bounds', { email: 'x@example.org', topN: '5000' }, 400, /Top N must be a whole number from 1 to 100/],
  ])('refuses %s with one message on the form, stores nothing, counts it', async (_name, fields, status, message) => {
    // Act
    const answer = await subscribeForm({ ...fields, email: fields.email.replace('x@', `${tag}-bad@`) });

    // Assess
    expect(answer.status).toBe(status);
    expect(answer.text).toMatch(message);
    expect(answer.text).toContain('role="alert"');
    expect(await deps.subscribers.getSubscriber(`${tag}-bad@example.org`)).toBeUndefined();
    expect(rejections()).toBe(1);
  });

  it('refuses a post from another origin, a forged or expired form token, and an oversized body', async () => {
    // Prepare
    const expired = formToken(SECRET, 'old', new Date(Date.now() - 3 * 3_600_000));
    const email = address('forged');

    // Act
    const answers = [
      await subscribeForm({ email }, { origin: 'https://evil.example' }),
      await subscribeForm({ email }, { 'sec-fetch-site': 'cross-site' }),
      await post('/api/subscribe', { token: 'eyJzIjoieCJ9.Zm9yZ2Vk', email }),
      await post('/api/subscribe', { token: expired, email }),
      await post('/api/subscribe', { token: await freshToken(), email, counties: 'x'.repeat(20_000) }),
    ];

    // Assess
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 413]);
    expect(answers[2].text).toContain('This form had expired');
    expect(answers[4].text).toContain('larger than this page accepts');
    expect(await deps.subscribers.getSubscriber(email)).toBeUndefined();
    expect(await sesMessages(env.endpoints.ses, email)).toEqual([]);
    expect(rejections()).toBe(5);
  });

  it('answers a filled honeypot like a success, but stores and mails nothing', async () => {
    // Act
    const answer = await subscribeForm({ email: address('bot'), website: 'https://spam.example' });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Check your inbox');
    expect(await deps.subscribers.getSubscriber(address('bot'))).toBeUndefined();
    expect(rejections()).toBe(1);
  });

  it('limits mails per address: the fourth request within the hour gets 429 and no mail', async () => {
    // Act
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await subscribeForm({ email: address('eager') })).status);

    // Assess
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await sesMessages(env.endpoints.ses, address('eager'))).toHaveLength(3);
    expect(rejections()).toBe(1);
  });

  async function postThrough(server: { url: string }, name: string, viewer: string): Promise<number> {
    const body = new URLSearchParams({ token: await freshToken(), email: address(name), website: '' }).toString();
    const answer = await fetch(`${server.url}/api/subscribe`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin, 'cloudfront-viewer-address': viewer },
    });
    return answer.status;
  }

  it('limits posts per client: past the limit every post gets 429, whatever the address', async () => {
    // Prepare
    const strict = await startSiteWithEndpoint(
      deps,
      {
        limits: {
          client: { limit: 2, windowSeconds: 3600 },
          connection: { limit: 1000, windowSeconds: 3600 },
          address: { limit: 3, windowSeconds: 3600 },
        },
      },
      0,
      '192.0.2.10',
    );

    // Act
    const statuses = [
      await postThrough(strict, 'c1', '198.51.100.7:4431'),
      await postThrough(strict, 'c2', '198.51.100.7:4432'),
      await postThrough(strict, 'c3', '198.51.100.7:4433'),
    ];
    await strict.stop();

    // Assess
    expect(statuses).toEqual([200, 200, 429]);
    expect(await deps.subscribers.getSubscriber(address('c3'))).toBeUndefined();
    expect(rejections()).toBe(1);
  });

  it('holds a caller that forges a new viewer address each time to the connection limit', async () => {
    // Prepare
    const strict = await startSiteWithEndpoint(
      deps,
      {
        limits: {
          client: { limit: 1000, windowSeconds: 3600 },
          connection: { limit: 2, windowSeconds: 3600 },
          address: { limit: 3, windowSeconds: 3600 },
        },
      },
      0,
      '192.0.2.20',
    );

    // Act
    const statuses = [
      await postThrough(strict, 'f1', '203.0.113.1:1'),
      await postThrough(strict, 'f2', '203.0.113.2:1'),
      await postThrough(strict, 'f3', '203.0.113.3:1'),
    ];
    await strict.stop();

    // Assess
    expect(statuses).toEqual([200, 200, 429]);
    expect(await deps.subscribers.getSubscriber(address('f3'))).toBeUndefined();
  });

  it('changes filters on the preferences page, refuses a private webhook address, and stops everything', async () => {
    // Prepare
    const [mail] = await sesMessages(env.endpoints.ses, address('reader'));
    const confirmed = await (await fetch(linkIn(mail.body.html, 'confirm'))).text();
    const preferences = linkIn(confirmed, 'preferences');
    const token = new URL(preferences).searchParams.get('token') ?? '';
    const page = await (await fetch(preferences)).text();

    // Act
    const saved = await post('/api/preferences', {
      token,
      action: 'save',
      states: 'CA',
      counties: 'Ventura County, CA',
      topN: '3',
      minMove: '0',
      minDelta: '0',
      webhook: '',
    });
    const privateHook = await post('/api/preferences', {
      token,
      action: 'save',
      states: 'CA',
      counties: '',
      topN: '3',
      minMove: '0',
      minDelta: '0',
      webhook: 'https://10.1.2.3/hook',
    });
    const forged = await post('/api/preferences', { token: `${token}x`, action: 'stop' });
    const crossSite = await post('/api/preferences', { token, action: 'stop' }, { origin: 'https://evil.example' });
    const afterRefusals = await deps.subscribers.getSubscriber(address('reader'));
    const stopped = await post('/api/preferences', { token, action: 'stop' });

    // Assess
    expect(page).toContain('Ventura County, CA');
    expect(saved.status).toBe(200);
    expect(privateHook.status).toBe(400);
    expect(privateHook.text).toContain('private or reserved network');
    expect([forged.status, crossSite.status]).toEqual([403, 403]);
    expect(afterRefusals).toMatchObject({ status: 'confirmed', filters: { states: ['CA'], jurisdictions: ['06111'], topN: 3 } });
    expect(afterRefusals?.webhook).toBeUndefined();
    expect(stopped.status).toBe(200);
    expect((await deps.subscribers.getSubscriber(address('reader')))?.status).toBe('unsubscribed');
    expect(rejections()).toBe(3);
  });

  it('shows a button on GET /unsubscribe and unsubscribes only on the RFC 8058 POST', async () => {
    // Prepare
    const email = address('leaver');
    await subscribeForm({ email });
    const [mail] = await sesMessages(env.endpoints.ses, email);
    await fetch(linkIn(mail.body.html, 'confirm'));
    const { unsubscribeUrl } = await import('../../functions/domain/subscriber-links');
    const link = unsubscribeUrl(SECRET, deps.config.subscriptionUrl, { email });

    // Act
    const page = await fetch(link);
    const statusAfterGet = (await deps.subscribers.getSubscriber(email))?.status;
    const oneClick = await fetch(link, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    // Assess
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<button type="submit">Unsubscribe</button>');
    expect(statusAfterGet).toBe('confirmed');
    expect(oneClick.status).toBe(200);
    expect((await deps.subscribers.getSubscriber(email))?.status).toBe('unsubscribed');
  });
});
