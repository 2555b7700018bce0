import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Every AWS service the code calls; each client of one gets the same settings from `clientSettings`. */
export type Service = 'dynamodb' | 'dynamodbstreams' | 's3' | 'ses' | 'sqs' | 'ssm' | 'secretsmanager';

/** The SDK's own variable per service (`AWS_ENDPOINT_URL_<ID>`, the service id in upper snake case). */
const ENDPOINT_VARIABLE: Record<Service, string> = {
  dynamodb: 'DYNAMODB',
  dynamodbstreams: 'DYNAMODB_STREAMS',
  s3: 'S3',
  ses: 'SES',
  sqs: 'SQS',
  ssm: 'SSM',
  secretsmanager: 'SECRETS_MANAGER',
};

interface ClientTimeouts {
  /** TCP connect. */
  connectionMs: number;
  /** Whole request and response; throws `TimeoutError` (the SDK default is no limit at all). */
  requestMs: number;
}

export interface ClientOptions {
  region?: string;
  /**
   * Explicit endpoints (local mode). When absent the SDK itself reads `AWS_ENDPOINT_URL_DYNAMODB`,
   * `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL_SES` (and `AWS_ENDPOINT_URL`), so the same code runs
   * against AWS, the embedded emulators or a proxy.
   */
  endpoints?: Partial<Record<Service, string>>;
  timeouts?: Partial<Record<Service, Partial<ClientTimeouts>>>;
  /** Attempts per call, first one included; the pipeline's own step retries carry the rest. */
  maxAttempts?: number;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * Deliberate defaults. A stalled DynamoDB or SES answer fails after seconds instead of hanging a
 * Lambda until its own timeout; S3 gets a longer request budget because release files are large.
 */
const DEFAULT_TIMEOUTS: Record<Service, ClientTimeouts> = {
  dynamodb: { connectionMs: 2_000, requestMs: 5_000 },
  dynamodbstreams: { connectionMs: 2_000, requestMs: 5_000 },
  s3: { connectionMs: 2_000, requestMs: 60_000 },
  ses: { connectionMs: 2_000, requestMs: 10_000 },
  sqs: { connectionMs: 2_000, requestMs: 5_000 },
  ssm: { connectionMs: 2_000, requestMs: 5_000 },
  secretsmanager: { connectionMs: 2_000, requestMs: 5_000 },
};

/** Standard retry mode: 4 attempts with jittered backoff, and throttling errors retried. */
export const DEFAULT_MAX_ATTEMPTS = 4;
const RETRY_MODE = 'standard';

/** Credentials that every emulator accepts (s3rver checks for exactly these). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

function requestHandler(timeouts: ClientTimeouts): NodeHttpHandler {
  return new NodeHttpHandler({
    connectionTimeout: timeouts.connectionMs,
    requestTimeout: timeouts.requestMs,
    throwOnRequestTimeout: true,
  });
}

function effectiveEndpoint(explicit: string | undefined, service: string): string | undefined {
  return explicit ?? process.env[`AWS_ENDPOINT_URL_${service}`] ?? process.env.AWS_ENDPOINT_URL;
}

function isLoopback(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * Settings every client of one service gets: region, bounded retries, timeouts that throw, and
 * the emulator credentials when the endpoint is on this machine (s3rver refuses any other key).
 */
export function clientSettings(service: Service, options: ClientOptions = {}) {
  const envName = ENDPOINT_VARIABLE[service];
  const explicit = options.endpoints?.[service];
  const credentials = options.credentials ?? (isLoopback(effectiveEndpoint(explicit, envName)) ? LOCAL_CREDENTIALS : undefined);
  return {
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: RETRY_MODE,
    endpoint: explicit,
    ...(credentials ? { credentials } : {}),
    requestHandler: requestHandler({ ...DEFAULT_TIMEOUTS[service], ...options.timeouts?.[service] }),
  };
}

/** True when the client talks to an endpoint other than AWS's own (path-style S3 then). */
export function hasCustomEndpoint(service: Service, options: ClientOptions = {}): boolean {
  return Boolean(effectiveEndpoint(options.endpoints?.[service], ENDPOINT_VARIABLE[service]));
}
