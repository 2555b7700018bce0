import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { type Clients, createClients } from '../../functions/commons/all-clients';
import { type Emulators, type Service, startEmulators } from '../../local/emulators';
import { ensureBucket, ensureTable } from '../../local/provision';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoints of emulators started once for the whole run by `emulators-global-setup.ts`, when configured. */
    dwEmulatorEndpoints?: Emulators['endpoints'];
  }
}

export interface EmulatorContext {
  endpoints: Emulators['endpoints'];
  /** SDK clients built by the production `createClients`, pointed at the emulators. */
  clients: Clients;
  /** A table (schema of `table-schema.ts`) and a bucket no other suite uses. */
  tableName: string;
  bucket: string;
  /** Where this suite may keep files; removed after the suite. */
  workDir: string;
}

const TEST_TIMEOUTS = { dynamodb: { requestMs: 30_000 }, s3: { requestMs: 60_000 }, ses: { requestMs: 30_000 } };

/** A short unique name, valid as a table name and an S3 bucket name. */
export function uniqueName(prefix = 'dw'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/**
 * Real DynamoDB Local, s3rver and aws-ses-v2-local for a test file (DynamoDB Local only with a
 * table, s3rver only with a bucket): started in `beforeAll` (or
 * reused when the global setup provides them, or taken from `AWS_ENDPOINT_URL_*`), stopped in
 * `afterAll`, with a fresh table and bucket. Read the context inside hooks and tests, not at
 * collection time.
 */
export function useEmulators(options: { table?: boolean; bucket?: boolean } = {}): EmulatorContext {
  const context = {} as EmulatorContext;
  let emulators: Emulators | undefined;
  beforeAll(async () => {
    context.workDir = await mkdtemp(join(tmpdir(), 'dw-test-'));
    const shared = inject('dwEmulatorEndpoints');
    if (shared) {
      context.endpoints = shared;
    } else {
      const services: Service[] = [
        ...(options.table === false ? [] : ['dynamodb' as const]),
        ...(options.bucket === false ? [] : ['s3' as const]),
        'ses',
      ];
      emulators = await startEmulators({ home: join(context.workDir, 'emulators'), quiet: true, persist: false, services });
      context.endpoints = emulators.endpoints;
    }
    // The machine runs many suites at once; a loaded emulator may take longer than AWS ever would.
    const { dynamodb, s3, ses } = context.endpoints;
    context.clients = await createClients({
      endpoints: { dynamodb: dynamodb || undefined, s3: s3 || undefined, ses: ses || undefined },
      timeouts: TEST_TIMEOUTS,
    });
    context.tableName = uniqueName('dw-table');
    context.bucket = uniqueName('dw-bucket');
    await Promise.all([
      options.table === false ? undefined : ensureTable(context.clients.dynamodb, context.tableName),
      options.bucket === false ? undefined : ensureBucket(context.clients.s3, context.bucket),
    ]);
  });
  afterAll(async () => {
    context.clients?.dynamodb.destroy();
    context.clients?.s3.destroy();
    context.clients?.ses.destroy();
    await emulators?.stop();
    if (context.workDir) await rm(context.workDir, { recursive: true, force: true });
  });
  return context;
}

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

/** Messages aws-ses-v2-local has accepted, optionally only those to one address (suites share the emulator). */
export async function sesMessages(sesEndpoint: string, to?: string): Promise<StoredEmail[]> {
  const response = await fetch(`${sesEndpoint}/store`);
  if (!response.ok) throw new Error(`GET ${sesEndpoint}/store: HTTP ${response.status}`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  if (!to) return emails;
  const wanted = to.toLowerCase();
  return emails.filter((email) => email.destination.to.some((address) => address.toLowerCase().includes(wanted)));
}
