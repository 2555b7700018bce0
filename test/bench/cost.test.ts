import { describe, expect, it } from 'vitest';
import { ASSUMPTIONS, type CostInputs, monthlyCost, PRICES } from '../../bench/cost';

function inputs(overrides: Partial<CostInputs> = {}): CostInputs {
  return {
    noChangePoll: { ms: 100, readUnits: 1, writeUnits: 1 },
    pollInitMs: 200,
    ingest: { ms: 10_000, initMs: 200, readUnits: 20, writeUnits: 40 },
    planner: { ms: 500, readUnits: 50, initMs: 200 },
    delivery: {
      msPerMessage: 50,
      readUnitsPerMessage: 1,
      writeUnitsPerMessage: 2,
      initMs: 200,
      batchSize: 50,
      sendRatePerSecond: 14,
      concurrency: 2,
    },
    stack: { alarms: 13, secrets: 1, functions: [], kmsKeys: 1, sqsEventSources: 2 },
    provenance: {},
    ...overrides,
  };
}

describe('monthlyCost', () => {
  it('charges SES per alert: subscribers × releases a month at the named price', () => {
    // Act
    const cost = monthlyCost(inputs());

    // Assess
    const ses = cost.lines.find((line) => line.service === 'SES');
    const expected = ASSUMPTIONS.subscribers * (ASSUMPTIONS.releasesPerYear / 12) * PRICES.sesMessage.usd;
    expect(ses?.usd).toBeCloseTo(expected, 10);
    expect(cost.totalUsd).toBeCloseTo(
      cost.lines.reduce((sum, line) => sum + line.usd, 0),
      10,
    );
  });

  it('grows with the measured poll duration, since polls run every hour', () => {
    // Act
    const fast = monthlyCost(inputs());
    const slow = monthlyCost(inputs({ noChangePoll: { ms: 10_100, readUnits: 1, writeUnits: 1 } }));

    // Assess
    const extraGbSeconds = (10_000 / 1000) * ASSUMPTIONS.hoursPerMonth * 1; // 1 GB poll function by default
    expect(slow.totalUsd - fast.totalUsd).toBeCloseTo(extraGbSeconds * PRICES.lambdaGbSecondArm.usd, 8);
  });

  it('counts each alarm, secret and key of the stack at its monthly price', () => {
    // Act
    const none = monthlyCost(inputs({ stack: { alarms: 0, secrets: 0, functions: [], kmsKeys: 0, sqsEventSources: 0 } }));
    const some = monthlyCost(inputs({ stack: { alarms: 10, secrets: 1, functions: [], kmsKeys: 1, sqsEventSources: 0 } }));

    // Assess
    expect(some.totalUsd - none.totalUsd).toBeCloseTo(10 * PRICES.alarmMonth.usd + PRICES.secretMonth.usd + PRICES.kmsKeyMonth.usd, 8);
  });
});

describe('monthlyCost: the site', () => {
  it('charges CloudFront for page views and hourly feed polls at the named prices', () => {
    // Act
    const cost = monthlyCost(inputs());

    // Assess
    const requests = cost.lines.find((line) => line.service === 'CloudFront' && line.item.startsWith('HTTPS requests'));
    const expected = ASSUMPTIONS.sitePageViews * ASSUMPTIONS.siteRequestsPerView + ASSUMPTIONS.feedReaders * ASSUMPTIONS.hoursPerMonth;
    expect(requests?.quantity).toBeCloseTo(expected, 6);
    expect(requests?.usd).toBeCloseTo(expected * PRICES.cloudfrontHttpsRequest.usd, 10);
    const transfer = cost.lines.find((line) => line.service === 'CloudFront' && line.item === 'data transfer out');
    expect(transfer?.usd).toBeGreaterThan(0);
  });

  it('grows with the files a rebuild writes, one S3 PUT each per release', () => {
    // Act
    const few = monthlyCost(inputs({ sitePublish: { ms: 1000, initMs: 100, readUnits: 10, objectsWritten: 10, siteBytes: 1e6 } }));
    const many = monthlyCost(inputs({ sitePublish: { ms: 1000, initMs: 100, readUnits: 10, objectsWritten: 10_010, siteBytes: 1e6 } }));

    // Assess
    expect(many.totalUsd - few.totalUsd).toBeCloseTo((ASSUMPTIONS.releasesPerYear / 12) * 10_000 * PRICES.s3Put.usd, 10);
  });
});
