import { describe, expect, it } from 'vitest';
import { filterForSubscriber } from '../../functions/domain/filter';
import { isSlackWebhook, webhookBody } from '../../functions/webhook/webhook-payload';
import { checkWebhookUrl, WebhookUrlRefused } from '../../functions/webhook/webhook-url';
import { backfillChange, HOSTILE_COUNTY_NAME } from '../fixtures/backfill-change';
import { newQuarterChange } from '../fixtures/fy2017-change-sets';

const publicDns = async () => [{ address: '93.184.215.14', family: 4 }];

describe("webhook URL policy (the fetcher's SSRF rules)", () => {
  it.each([
    ['http://hooks.example.org/x', /must start with https/],
    ['https://user:pw@hooks.example.org/x', /user name or password/],
    ['ftp://hooks.example.org/x', /must start with https/],
    ['not a url', /not a valid URL/],
    ['https://10.0.0.7/hook', /10\.0\.0\.7 is a private address/],
    ['https://[::ffff:169.254.169.254]/hook', /link-local/],
    ['https://127.0.0.1/hook', /loopback/],
    ['http://127.0.0.1:9/hook', /must start with https/],
  ])('refuses %s', async (url, message) => {
    // Act + Assess
    await expect(checkWebhookUrl(url, { resolve: publicDns })).rejects.toThrow(message);
  });

  it('refuses a name that resolves to a private address, or to nothing', async () => {
    // Act + Assess
    await expect(
      checkWebhookUrl('https://intranet.example.org/hook', {
        resolve: async () => [
          { address: '93.184.215.14', family: 4 },
          { address: '192.168.1.10', family: 4 },
        ],
      }),
    ).rejects.toThrow(/resolves to a private or reserved network/);
    await expect(
      checkWebhookUrl('https://nowhere.example.org/hook', {
        resolve: async () => {
          throw new Error('ENOTFOUND');
        },
      }),
    ).rejects.toThrow(WebhookUrlRefused);
  });

  it('accepts a public https URL, and loopback http only when explicitly allowed', async () => {
    // Act + Assess
    expect((await checkWebhookUrl('https://hooks.example.org/x', { resolve: publicDns })).href).toBe('https://hooks.example.org/x');
    expect((await checkWebhookUrl('http://127.0.0.1:9/hook', { allowLoopback: true })).port).toBe('9');
  });
});

describe('webhook payload', () => {
  const change = newQuarterChange();
  const delivery = {
    digest: filterForSubscriber(change, { states: [], jurisdictions: [], topN: 3, minMove: 0, minDelta: 0 })!,
    subscriber: {
      email: 'a@example.org',
      status: 'confirmed' as const,
      filters: { states: [], jurisdictions: [], topN: 3, minMove: 0, minDelta: 0 },
      createdAt: '',
    },
    idempotencyKey: 'k-1',
  };

  it("sends Slack's { text, blocks } to a Slack incoming webhook, the JSON document elsewhere", () => {
    // Act
    const slack = JSON.parse(webhookBody(delivery, new URL('https://hooks.slack.com/services/T0/B0/xyz')));
    const plain = JSON.parse(webhookBody(delivery, new URL('https://hooks.example.org/x')));

    // Assess
    expect(isSlackWebhook(new URL('https://HOOKS.slack.com/x'))).toBe(true);
    expect(Object.keys(slack)).toEqual(['text', 'blocks']);
    expect(slack.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(slack.blocks[1].text.text).toMatch(/^\*FY2017Q\d\*/);
    expect(slack.blocks[1].text.text).toMatch(/\n1\. .+, [A-Z]{2}: \d+/);
    expect(plain.type).toBe('rankings.changed');
  });

  it('escapes Slack markup in place names', () => {
    // Prepare
    const hostile = backfillChange({ quarters: 1, counties: 50 });
    const digest = filterForSubscriber(hostile, { states: [], jurisdictions: [], topN: 50, minMove: 0, minDelta: 0 })!;

    // Act
    const text = JSON.stringify(JSON.parse(webhookBody({ ...delivery, digest }, new URL('https://hooks.slack.com/services/x'))).blocks);

    // Assess
    expect(HOSTILE_COUNTY_NAME).toContain('<script>');
    expect(text).toContain('&lt;script&gt;');
    expect(text).not.toContain('<script>');
  });
});
