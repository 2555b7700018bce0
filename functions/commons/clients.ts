import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface ClientTimeouts {
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
  endpoints?: { dynamodb?: string; s3?: string; ses?: string };
  timeouts?: Partial<Record<'dynamodb' | 's3' | 'ses', Partial<ClientTimeouts>>>;
  /** Attempts per call, first one included; the pipeline's own step retries carry the rest. */
  maxAttempts?: number;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface Clients {
  dynamodb: DynamoDBDocumentClient;
  s3: S3Client;
  ses: SESClient;
}

/**
 * Deliberate defaults. A stalled DynamoDB or SES answer fails after seconds instead of hanging a
 * Lambda until its own timeout; S3 gets a longer request budget because release files are large.
 */
export const DEFAULT_TIMEOUTS: Record<'dynamodb' | 's3' | 'ses', ClientTimeouts> = {
  dynamodb: { connectionMs: 2_000, requestMs: 5_000 },
  s3: { connectionMs: 2_000, requestMs: 60_000 },
  ses: { connectionMs: 2_000, requestMs: 10_000 },
};

/** Standard retry mode: 4 attempts with jittered backoff, and throttling errors retried. */
export const DEFAULT_MAX_ATTEMPTS = 4;
export const RETRY_MODE = 'standard';

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
 * The one place SDK clients are built. Created once per Lambda container (module scope of the
 * handler) or once per CLI run.
 */
export function createClients(options: ClientOptions = {}): Clients {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const endpoints = options.endpoints ?? {};
  const timeouts = (service: 'dynamodb' | 's3' | 'ses'): ClientTimeouts => ({ ...DEFAULT_TIMEOUTS[service], ...options.timeouts?.[service] });
  // An emulator (or a test proxy) on this machine gets the emulator credentials even when real
  // ones are in the environment: s3rver refuses any other key.
  const common = (explicit: string | undefined, service: string) => {
    const credentials = options.credentials ?? (isLoopback(effectiveEndpoint(explicit, service)) ? LOCAL_CREDENTIALS : undefined);
    return { region, maxAttempts, retryMode: RETRY_MODE, endpoint: explicit, ...(credentials ? { credentials } : {}) };
  };

  const dynamodb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...common(endpoints.dynamodb, 'DYNAMODB'), requestHandler: requestHandler(timeouts('dynamodb')) }),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
  );
  const s3 = new S3Client({
    ...common(endpoints.s3, 'S3'),
    forcePathStyle: Boolean(effectiveEndpoint(endpoints.s3, 'S3')),
    // s3rver stores stream uploads with the aws-chunked framing otherwise; AWS needs no checksum for PutObject.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: requestHandler(timeouts('s3')),
  });
  const ses = new SESClient({ ...common(endpoints.ses, 'SES'), requestHandler: requestHandler(timeouts('ses')) });
  return { dynamodb, s3, ses };
}
