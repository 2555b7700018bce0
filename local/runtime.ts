import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Clients, createClients } from '../functions/commons/all-clients';
import { parseRuntimeConfig, type RuntimeConfig, type SourceConfig } from '../functions/commons/config';
import type { Deps, Log } from '../functions/commons/deps';
import { LOCAL_SITE_BUCKET } from '../functions/site/s3-site-publisher';
import { composeLocal, type LocalComposition } from './composition';
import type { Emulators } from './emulators';
import { DEFAULT_SUBSCRIPTION_PORT, resolveHome, TABLE_NAME } from './home';
import { outboxMailer } from './outbox';
import { ensureBucket, ensureTable } from './provision';

import { localEmulators, READ_ONLY_SERVICES } from './serve-info';
import { createStreamsClient } from './streams-client';

export const BUCKET_NAME = 'detainer-watch-raw';
/** The static site's bucket (what CloudFront serves in AWS); `serve` serves it at `/`. */
export const SITE_BUCKET_NAME = LOCAL_SITE_BUCKET;

export interface LocalRuntime {
  deps: Deps;
  /** The handlers and the local event chain, built once. */
  composition: LocalComposition;
  clients: Clients;
  home: string;
  outboxDir: string;
  endpoints: Emulators['endpoints'];
  stop(): Promise<void>;
}

/** Keys local mode takes from the stack's own defaults (`cdk.json`), so both poll, rank and send alike. */
const SHARED_KEYS = [
  'schedule',
  'timeZone',
  'topN',
  'minResolutionRate',
  'maxTotalDrop',
  'sendRatePerSecond',
  'deliveryBatchSize',
  'deliveryConcurrency',
];

function stackDefaults(): Record<string, unknown> {
  try {
    const cdk = JSON.parse(readFileSync(fileURLToPath(new URL('../cdk.json', import.meta.url)), 'utf8')) as {
      context?: Record<string, Record<string, unknown>>;
    };
    const defaults = cdk.context?.['detainer-watch:defaults'] ?? {};
    return Object.fromEntries(SHARED_KEYS.filter((key) => key in defaults).map((key) => [key, defaults[key]]));
  } catch {
    return {};
  }
}

/** Local values of the keys only a deployment has (an SES identity, a Function URL); the rest come from `cdk.json`. */
const LOCAL_DEFAULTS = {
  sender: 'detainer-watch <alerts@detainer-watch.local>',
  operatorEmail: 'operator@detainer-watch.local',
  subscriptionUrl: `http://127.0.0.1:${DEFAULT_SUBSCRIPTION_PORT}/api`,
};

/** Real sources a user may poll from this machine; the demo source is added by `run --source demo`. */
export const KNOWN_SOURCES: SourceConfig[] = [
  {
    // Same as the stack's default in cdk.json. The project's data page lists each table's current
    // workbook in its section ("Detainers"), inside the JSON of a reactable widget, as a Box link
    // whose text is "xlsx"; Box hands the bytes out from *.boxcloud.com. Past datasets sit in a
    // collapsed <details> and are left alone.
    name: 'ddp',
    url: 'https://deportationdata.org/data/ice.html',
    section: 'detainers',
    linkPattern: 'box\\.com/',
    linkText: '^xlsx$',
    allowedHosts: ['deportationdata.org', 'www.deportationdata.org', 'ucla.app.box.com', 'ucla.box.com', '*.boxcloud.com'],
    parser: 'ddp',
  },
];

/** `<home>/config.json`, all keys optional; one clear line naming the key when a value is wrong. */
export async function loadLocalConfig(home: string): Promise<RuntimeConfig> {
  const file = join(home, 'config.json');
  let raw: unknown = {};
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = parseRuntimeConfig({ ...stackDefaults(), ...LOCAL_DEFAULTS, ...(raw as object) }, file, { local: true });
  const names = new Set(parsed.sources.map((s) => s.name));
  return { ...parsed, sources: [...parsed.sources, ...KNOWN_SOURCES.filter((s) => !names.has(s.name))] };
}

/** The HMAC key for subscription tokens: generated once, kept under the home, never printed. */
async function tokenSecret(home: string): Promise<string> {
  const file = join(home, 'secret.key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(32).toString('hex');
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    return (await readFile(file, 'utf8')).trim();
  }
}

/** JSON lines in `<home>/logs/detainer-watch.log`, so the CLI's own output stays readable. */
function fileLog(home: string, debug: boolean): Log {
  const dir = join(home, 'logs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'detainer-watch.log');
  const write =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
      appendFileSync(file, `${line}\n`);
      if (debug) process.stderr.write(`${line}\n`);
    };
  return { info: write('INFO'), warn: write('WARN'), error: write('ERROR') };
}

/**
 * Local mode: start (or reach, through `AWS_ENDPOINT_URL_*`) DynamoDB, S3 and SES, and wire the
 * same adapters the Lambdas use. State lives under `home` and survives runs.
 */
export async function openLocal(
  options: { home?: string; debug?: boolean; config?: Partial<RuntimeConfig>; clock?: () => Date; readOnly?: boolean } = {},
): Promise<LocalRuntime> {
  const home = resolveHome(options.home);
  await mkdir(join(home, 'tmp'), { recursive: true });
  const config = { ...(await loadLocalConfig(home)), ...options.config };
  // A running `serve`'s emulators when there is one; a read-only command starts DynamoDB alone.
  const emulators = await localEmulators(home, { quiet: !options.debug, ...(options.readOnly ? { services: READ_ONLY_SERVICES } : {}) });
  try {
    const clients = await createClients({ endpoints: emulators.endpoints });
    const streams = createStreamsClient({ endpoints: { dynamodbstreams: emulators.endpoints.dynamodb } });
    await ensureTable(clients.dynamodb, TABLE_NAME);
    if (emulators.started.includes('s3'))
      await Promise.all([ensureBucket(clients.s3, BUCKET_NAME), ensureBucket(clients.s3, SITE_BUCKET_NAME)]);
    const secret = await tokenSecret(home);
    const outboxDir = join(home, 'outbox');
    const composition = composeLocal({
      clients,
      eventSources: { streams },
      tableName: TABLE_NAME,
      bucket: BUCKET_NAME,
      config,
      tokenSecret: async () => secret,
      workDir: join(home, 'tmp'),
      log: fileLog(home, Boolean(options.debug)),
      stateDir: join(home, 'queues'),
      archiveBaseUrl: `${emulators.endpoints.s3}/${BUCKET_NAME}/`,
      decorateMailer: (mailer) => outboxMailer(mailer, outboxDir),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    // A new home's stream mappings begin here, before this command writes anything.
    await composition.stream.begin();
    return {
      deps: composition.deps,
      composition,
      clients,
      home,
      outboxDir,
      endpoints: emulators.endpoints,
      stop: async () => {
        clients.dynamodb.destroy();
        clients.s3.destroy();
        clients.ses.destroy();
        streams.destroy();
        await emulators.stop();
      },
    };
  } catch (error) {
    await emulators.stop();
    throw error;
  }
}
