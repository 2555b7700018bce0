import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { context, fakeDeps } from './fake-deps';

vi.mock('../../functions/subscription/subscription', () => ({
  handleSubscriptionRequest: vi.fn(async () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<p>Confirmed</p>' })),
}));
vi.mock('../../functions/subscription/subscribe', () => ({
  subscribe: vi.fn(async () => ({ subscriber: { status: 'pending' }, confirmationSent: true })),
}));
process.env.SUBSCRIPTION_URL_PARAMETER = '/detainer-watch/dev/subscription-url';

const ssm = mockClient(SSMClient);
ssm
  .on(GetParameterCommand, { Name: '/detainer-watch/dev/subscription-url' })
  .resolves({ Parameter: { Value: 'https://site.example.org/api/' } });
const { createSubscriptionHandler, parameterReader, toHttpRequest } = await import('../../functions/subscription/handler');
const deps = fakeDeps();
const handler = createSubscriptionHandler(
  deps,
  parameterReader(() => process.env.SUBSCRIPTION_URL_PARAMETER ?? ''),
);
const { handleSubscriptionRequest } = await import('../../functions/subscription/subscription');
const { subscribe } = await import('../../functions/subscription/subscribe');

const urlEvent = (overrides: Record<string, unknown> = {}) => ({
  rawPath: '/confirm',
  rawQueryString: 'token=abc%2B1',
  headers: { 'user-agent': 'mail-client' },
  requestContext: { domainName: 'abc123.lambda-url.us-east-1.on.aws', http: { method: 'GET' } },
  isBase64Encoded: false,
  ...overrides,
});

describe('subscription handler', () => {
  afterEach(() => {
    vi.mocked(handleSubscriptionRequest).mockClear();
  });

  it('maps a Function URL request to the use case, with links built on the public URL kept in SSM', async () => {
    // Act
    const response = await handler(urlEvent() as never, context);

    // Assess
    const [deps, request] = vi.mocked(handleSubscriptionRequest).mock.calls[0];
    expect(deps.config.subscriptionUrl).toBe('https://site.example.org/api');
    expect(request).toEqual({ method: 'GET', path: '/confirm', query: { token: 'abc+1' }, headers: { 'user-agent': 'mail-client' } });
    expect(response).toEqual({ statusCode: 200, headers: { 'content-type': 'text/html' }, body: '<p>Confirmed</p>' });
  });

  it('decodes a base64 body of a one-click unsubscribe POST and keeps the client address', () => {
    // Act
    const request = toHttpRequest(
      urlEvent({
        rawPath: '/api/unsubscribe',
        body: Buffer.from('List-Unsubscribe=One-Click').toString('base64'),
        isBase64Encoded: true,
        requestContext: { domainName: 'x', http: { method: 'POST', sourceIp: '203.0.113.9' } },
      }) as never,
    );

    // Assess
    expect(request).toMatchObject({
      method: 'POST',
      path: '/api/unsubscribe',
      body: 'List-Unsubscribe=One-Click',
      sourceIp: '203.0.113.9',
    });
  });

  it('subscribes an address the operator names, with links on the URL kept in SSM (read once per container)', async () => {
    // Act
    const first = await handler({ subscribe: 'reporter@news.example.org', filters: { states: ['CA'] } } as never, context);
    await handler({ subscribe: 'editor@news.example.org' } as never, context);

    // Assess
    expect(first).toEqual({ status: 'pending', confirmationSent: true });
    const [deps, email, filters] = vi.mocked(subscribe).mock.calls[0];
    expect(deps.config.subscriptionUrl).toBe('https://site.example.org/api');
    expect([email, filters]).toEqual(['reporter@news.example.org', { states: ['CA'] }]);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });
});
