/**
 * Section 6: a monthly AWS bill from the measured invocations, durations, requests and bytes,
 * at hourly polling, 1,000 subscribers and four releases a year. Unit prices are AWS's published
 * on-demand prices (us-east-1, ARM Lambda), free tiers left out; each is named in the output.
 */
import type { StackResources } from './stack-resources';

export const PRICES = {
  lambdaGbSecondArm: { usd: 0.0000133334, unit: 'Lambda GB-second, arm64' },
  lambdaRequest: { usd: 0.2 / 1e6, unit: 'Lambda request' },
  dynamoWriteUnit: { usd: 0.625 / 1e6, unit: 'DynamoDB on-demand write request unit' },
  dynamoReadUnit: { usd: 0.125 / 1e6, unit: 'DynamoDB on-demand read request unit' },
  dynamoStorageGbMonth: { usd: 0.25, unit: 'DynamoDB storage GB-month' },
  s3StorageGbMonth: { usd: 0.023, unit: 'S3 Standard GB-month' },
  s3Put: { usd: 0.005 / 1000, unit: 'S3 PUT/POST/LIST request' },
  s3Get: { usd: 0.0004 / 1000, unit: 'S3 GET/HEAD request' },
  sesMessage: { usd: 0.1 / 1000, unit: 'SES email' },
  sqsRequest: { usd: 0.4 / 1e6, unit: 'SQS standard request (64 KB chunk)' },
  schedulerInvocation: { usd: 1 / 1e6, unit: 'EventBridge Scheduler invocation' },
  alarmMonth: { usd: 0.1, unit: 'CloudWatch standard-resolution alarm-month' },
  logsIngestGb: { usd: 0.5, unit: 'CloudWatch Logs ingestion GB' },
  logsStorageGbMonth: { usd: 0.03, unit: 'CloudWatch Logs storage GB-month' },
  secretMonth: { usd: 0.4, unit: 'Secrets Manager secret-month' },
  secretCall: { usd: 0.05 / 10_000, unit: 'Secrets Manager API call' },
  kmsKeyMonth: { usd: 1, unit: 'KMS customer-managed key-month' },
  xrayTrace: { usd: 5 / 1e6, unit: 'X-Ray trace recorded' },
  cloudfrontTransferGb: { usd: 0.085, unit: 'CloudFront data transfer out GB (North America/Europe, first 10 TB)' },
  cloudfrontHttpsRequest: { usd: 0.01 / 10_000, unit: 'CloudFront HTTPS request' },
} as const;

export const ASSUMPTIONS = {
  hoursPerMonth: 730,
  sources: 1,
  subscribers: 1000,
  releasesPerYear: 4,
  /** A real DDP release (issue #7); the bench's generated file is smaller for the same rows. */
  releaseBytes: 100 * 1024 * 1024,
  /** Download speed of a release from the publisher, for the poll that fetches it. */
  downloadBytesPerSecond: 20 * 1024 * 1024,
  /** START/END/REPORT platform lines, the step's JSON log lines and its EMF metrics. */
  logBytesPerInvocation: 2_500,
  /**
   * Lambda's SQS event source long-polls an idle queue: about 5 pollers × 3 ReceiveMessage a
   * minute (20 s waits) per queue.
   */
  sqsIdleReceivesPerQueueMonth: 5 * 3 * 60 * 730,
  /**
   * In AWS each delivery batch reads its subscribers one by one (GetItem, consistent: 1 RCU each);
   * the bench's single-process fan-out lists them instead, so this is added to its measured reads.
   */
  deliverReadUnitsPerSubscriber: 1,
  /** Multipart part size of the archive (functions/archive/s3-archive.ts). */
  multipartBytes: 16 * 1024 * 1024,
  /** Site page views a month (readers of the rankings and county pages). */
  sitePageViews: 20_000,
  /** Requests per page view: the page itself; the hashed CSS, script and icon are cached by the browser for a year. */
  siteRequestsPerView: 1.3,
  /** Bytes transferred per view (compressed HTML, an occasional asset). */
  siteBytesPerView: 25 * 1024,
  /** Feed readers polling the feeds hourly, and the size of one feed response. */
  feedReaders: 200,
  feedBytes: 40 * 1024,
  /** Share of CloudFront requests that miss the cache and read S3 (pages and feeds are cached a minute per edge). */
  siteOriginMissRate: 0.1,
} as const;

/**
 * Rebuilding the site after a release (functions/site): one invocation that reads every quarter and
 * change and writes the files that differ. Not measured by the bench yet: building 40 quarters of
 * 3,000 counties took 3.8 s here (3,057 files, 101 MB); a new quarter changes every county page, so
 * all of them are written again (8 at a time).
 */
const SITE_PUBLISH_ASSUMED = { ms: 20_000, initMs: 400, readUnits: 400, objectsWritten: 3_100, siteBytes: 101 * 1024 * 1024 } as const;

export interface CostInputs {
  noChangePoll: { ms: number; readUnits: number; writeUnits: number };
  pollInitMs: number;
  ingest: { ms: number; initMs: number; readUnits: number; writeUnits: number };
  planner: { ms: number; readUnits: number; initMs: number };
  delivery: {
    msPerMessage: number;
    readUnitsPerMessage: number;
    writeUnitsPerMessage: number;
    initMs: number;
    batchSize: number;
    sendRatePerSecond: number;
    concurrency: number;
  };
  stack: Pick<StackResources, 'alarms' | 'secrets' | 'functions'> & { kmsKeys: number; sqsEventSources: number };
  /** One site rebuild per release: duration, table reads, files written, bytes kept in the site bucket. */
  sitePublish?: { ms: number; initMs: number; readUnits: number; objectsWritten: number; siteBytes: number };
  /** Which inputs were measured here and which fell back to an assumption. */
  provenance: Record<string, 'measured' | 'assumed'>;
}

export interface CostLine {
  service: string;
  item: string;
  quantity: number;
  unit: string;
  usd: number;
}

function memoryGb(stack: CostInputs['stack'], fragment: string, fallbackMb: number): number {
  return (stack.functions.find((f) => f.id.toLowerCase().startsWith(fragment))?.memoryMb ?? fallbackMb) / 1024;
}

export function monthlyCost(inputs: CostInputs): { lines: CostLine[]; totalUsd: number } {
  const a = ASSUMPTIONS;
  const polls = a.hoursPerMonth * a.sources;
  const releases = a.releasesPerYear / 12;
  const batches = Math.ceil(a.subscribers / inputs.delivery.batchSize);
  const lines: CostLine[] = [];
  const add = (service: string, item: string, quantity: number, price: { usd: number; unit: string }) =>
    lines.push({ service, item, quantity, unit: price.unit, usd: quantity * price.usd });

  // Lambda: every invocation is taken as a cold start (hourly polls outlive the idle container), and INIT is billed.
  const pollGb = memoryGb(inputs.stack, 'poll', 1024);
  const ingestGb = memoryGb(inputs.stack, 'ingest', 1024);
  const notifyGb = memoryGb(inputs.stack, 'notifyfunction', 512);
  const deliverGb = memoryGb(inputs.stack, 'notifydeliver', 512);
  const pollSeconds = (inputs.pollInitMs + inputs.noChangePoll.ms) / 1000;
  const releasePollExtraSeconds = a.releaseBytes / a.downloadBytesPerSecond;
  const ingestSeconds = (inputs.ingest.initMs + inputs.ingest.ms) / 1000;
  const plannerSeconds = (inputs.planner.initMs + inputs.planner.ms) / 1000;
  const perInvocationRate = inputs.delivery.sendRatePerSecond / inputs.delivery.concurrency;
  const batchSeconds =
    inputs.delivery.initMs / 1000 +
    Math.max(inputs.delivery.batchSize / perInvocationRate, (inputs.delivery.batchSize * inputs.delivery.msPerMessage) / 1000);
  const invocations = polls + releases * (1 + 1 + batches);
  add(
    'Lambda',
    `requests: ${polls} polls + ${releases.toFixed(2)} × (ingest + notify + ${batches} deliveries)`,
    invocations,
    PRICES.lambdaRequest,
  );
  add(
    'Lambda',
    `poll ${pollGb} GB × ${pollSeconds.toFixed(2)} s × ${polls} (+ ${releasePollExtraSeconds.toFixed(0)} s download per release)`,
    pollGb * (pollSeconds * polls + releasePollExtraSeconds * releases),
    PRICES.lambdaGbSecondArm,
  );
  add(
    'Lambda',
    `ingest ${ingestGb} GB × ${ingestSeconds.toFixed(1)} s × ${releases.toFixed(2)}`,
    ingestGb * ingestSeconds * releases,
    PRICES.lambdaGbSecondArm,
  );
  add(
    'Lambda',
    `notify ${notifyGb} GB × ${plannerSeconds.toFixed(2)} s + deliver ${deliverGb} GB × ${batchSeconds.toFixed(1)} s × ${batches}, × ${releases.toFixed(2)}`,
    (notifyGb * plannerSeconds + deliverGb * batchSeconds * batches) * releases,
    PRICES.lambdaGbSecondArm,
  );

  add(
    'DynamoDB',
    'read units: polls + ingest + planner + deliveries',
    polls * inputs.noChangePoll.readUnits +
      releases *
        (inputs.ingest.readUnits +
          inputs.planner.readUnits +
          a.subscribers * (inputs.delivery.readUnitsPerMessage + a.deliverReadUnitsPerSubscriber)),
    PRICES.dynamoReadUnit,
  );
  add(
    'DynamoDB',
    'write units: polls + ingest + deliveries (claim, mark sent)',
    polls * inputs.noChangePoll.writeUnits + releases * (inputs.ingest.writeUnits + a.subscribers * inputs.delivery.writeUnitsPerMessage),
    PRICES.dynamoWriteUnit,
  );

  const parts = Math.ceil(a.releaseBytes / a.multipartBytes);
  add('S3', `PUT: multipart upload (${parts} parts + create + complete) per release`, releases * (parts + 2), PRICES.s3Put);
  add('S3', 'GET/HEAD: exists check + ingest download per release', releases * 2, PRICES.s3Get);
  add(
    'S3',
    `storage: a year of releases kept (${a.releasesPerYear} × ${(a.releaseBytes / 1024 ** 3).toFixed(2)} GB), end of year one`,
    (a.releasesPerYear * a.releaseBytes) / 1024 ** 3,
    PRICES.s3StorageGbMonth,
  );

  add('SES', `${a.subscribers} alerts per release`, releases * a.subscribers, PRICES.sesMessage);
  add(
    'SQS',
    `idle long polling by ${inputs.stack.sqsEventSources} SQS event sources`,
    inputs.stack.sqsEventSources * a.sqsIdleReceivesPerQueueMonth,
    PRICES.sqsRequest,
  );
  add('SQS', 'release and delivery messages (send, receive, delete)', releases * 3 * (1 + batches), PRICES.sqsRequest);
  add('EventBridge Scheduler', 'hourly poll schedule', polls, PRICES.schedulerInvocation);
  add('CloudWatch', `${inputs.stack.alarms} alarms`, inputs.stack.alarms, PRICES.alarmMonth);
  const logGb = (invocations * a.logBytesPerInvocation) / 1024 ** 3;
  add('CloudWatch', 'log ingestion', logGb, PRICES.logsIngestGb);
  add('CloudWatch', 'log storage (90-day retention: three months of logs)', logGb * 3, PRICES.logsStorageGbMonth);
  add('X-Ray', 'one trace per invocation (tracing active)', invocations, PRICES.xrayTrace);
  add('Secrets Manager', `${inputs.stack.secrets} token secret`, inputs.stack.secrets, PRICES.secretMonth);
  add('Secrets Manager', 'GetSecretValue per delivery cold start', releases * batches, PRICES.secretCall);
  add('KMS', `${inputs.stack.kmsKeys} customer-managed key`, inputs.stack.kmsKeys, PRICES.kmsKeyMonth);
  lines.push(...siteCost(inputs, releases));
  return { lines, totalUsd: lines.reduce((sum, line) => sum + line.usd, 0) };
}

/**
 * The public site: one rebuild per release (Lambda, table reads, S3 PUTs of the changed files) and
 * what readers and feed readers fetch through CloudFront (requests, bytes out, cache misses to S3).
 */
function siteCost(inputs: CostInputs, releases: number): CostLine[] {
  const a = ASSUMPTIONS;
  const publish = inputs.sitePublish ?? SITE_PUBLISH_ASSUMED;
  const gb = memoryGb(inputs.stack, 'site', 1024);
  const seconds = (publish.initMs + publish.ms) / 1000;
  const feedPolls = a.feedReaders * a.hoursPerMonth;
  const requests = a.sitePageViews * a.siteRequestsPerView + feedPolls;
  const bytesOut = a.sitePageViews * a.siteBytesPerView + feedPolls * a.feedBytes;
  const line = (service: string, item: string, quantity: number, price: { usd: number; unit: string }): CostLine => ({
    service,
    item,
    quantity,
    unit: price.unit,
    usd: quantity * price.usd,
  });
  return [
    line(
      'Lambda',
      `site rebuild ${gb} GB × ${seconds.toFixed(1)} s × ${releases.toFixed(2)}`,
      gb * seconds * releases,
      PRICES.lambdaGbSecondArm,
    ),
    line('Lambda', 'site rebuild requests', releases, PRICES.lambdaRequest),
    line('DynamoDB', 'site rebuild reads (every quarter and change)', releases * publish.readUnits, PRICES.dynamoReadUnit),
    line('S3', `site PUT/LIST: ${publish.objectsWritten} changed files per rebuild`, releases * (publish.objectsWritten + 1), PRICES.s3Put),
    line('S3', 'site storage', publish.siteBytes / 1024 ** 3, PRICES.s3StorageGbMonth),
    line('S3', `site GET on CloudFront cache misses (${a.siteOriginMissRate * 100}%)`, requests * a.siteOriginMissRate, PRICES.s3Get),
    line(
      'CloudFront',
      `HTTPS requests: ${a.sitePageViews} views × ${a.siteRequestsPerView} + ${a.feedReaders} feed readers hourly`,
      requests,
      PRICES.cloudfrontHttpsRequest,
    ),
    line('CloudFront', 'data transfer out', bytesOut / 1024 ** 3, PRICES.cloudfrontTransferGb),
  ];
}

export function formatCost(cost: { lines: CostLine[]; totalUsd: number }, inputs: CostInputs): string {
  const rows = cost.lines.map((l) => [
    l.service,
    l.item,
    l.quantity < 10 ? l.quantity.toPrecision(3) : l.quantity.toFixed(0),
    `$${l.usd.toFixed(4)}`,
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const out = rows.map(
    (r) => `  ${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padStart(widths[2])}  ${r[3].padStart(widths[3])}`,
  );
  out.push(
    `  ${'total'.padEnd(widths[0])}  ${''.padEnd(widths[1])}  ${''.padStart(widths[2])}  ${`$${cost.totalUsd.toFixed(2)}`.padStart(widths[3])} per month`,
  );
  out.push('', '  Unit prices assumed (AWS published on-demand prices, us-east-1, free tiers left out):');
  for (const price of Object.values(PRICES))
    out.push(`    $${price.usd < 0.001 ? price.usd.toExponential(4) : price.usd} per ${price.unit}`);
  out.push('  Other assumptions:');
  for (const [name, value] of Object.entries(ASSUMPTIONS)) out.push(`    ${name}: ${value.toLocaleString('en-US')}`);
  out.push(
    `  Inputs: ${Object.entries(inputs.provenance)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  return out.join('\n');
}
