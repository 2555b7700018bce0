import { vi } from 'vitest';
import type { Deps } from '../../functions/commons/deps';

// Handlers log failures on purpose in these tests; keep the output readable.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'DetainerWatch/test';

/** The part of Deps a handler touches itself; the use cases are mocked in handler tests, which hand these deps to the handler factory as a composition root would. */
export function fakeDeps(): Deps {
  return {
    config: {
      sources: [
        {
          name: 'ddp',
          url: 'https://deportationdata.org/data/ice.html',
          linkPattern: '\\.xlsx$',
          allowedHosts: ['deportationdata.org'],
          parser: 'ddp',
        },
        { name: 'table', url: 'https://www.ice.gov/statistics', linkPattern: '\\.xlsx$', allowedHosts: ['www.ice.gov'], parser: 'table' },
      ],
      sender: 'alerts@news.example.org',
      operatorEmail: 'ops@news.example.org',
      subscriptionUrl: 'https://configured.example.org',
      topN: 10,
      minResolutionRate: 0.9,
      maxTotalDrop: 0.25,
      sendRatePerSecond: 7,
      deliveryBatchSize: 2,
      deliveryConcurrency: 2,
      deliverTimeoutSeconds: 120,
    },
    deliveryQueue: { enqueue: vi.fn(async () => undefined) },
    channels: [],
    count: vi.fn(),
    report: vi.fn(),
    rankings: { markChangeNotified: vi.fn(async () => undefined) },
    log: { info: vi.fn(), warn: vi.fn(), error: vi.fn() },
  } as unknown as Deps;
}

/** A Lambda context good enough for Powertools' logger. */
export const context = {
  functionName: 'test',
  awsRequestId: 'request-1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test',
  memoryLimitInMB: '512',
  functionVersion: '$LATEST',
  getRemainingTimeInMillis: () => 60_000,
} as never;
