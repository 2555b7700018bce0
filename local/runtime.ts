import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { createClients } from '../functions/commons/clients';
import type { RuntimeConfig, SourceConfig } from '../functions/commons/config';
import type { Deps, Log } from '../functions/commons/deps';
import { wireDeps } from '../functions/commons/wiring';
import { localSourceConfigSchema } from '../functions/commons/source-schema';
import { ensureBucket, ensureTable, type Emulators } from './emulators';
import { outboxMailer } from './outbox';
import { localEmulators, READ_ONLY_SERVICES } from './serve-info';

export const TABLE_NAME = 'detainer-watch';
export const BUCKET_NAME = 'detainer-watch-raw';
export const DEFAULT_SUBSCRIPTION_PORT = 8787;

export interface LocalRuntime {
  deps: Deps;
  home: string;
  outboxDir: string;
  endpoints: Emulators['endpoints'];
  stop(): Promise<void>;
}

const configSchema = z.object({
  sources: z.array(localSourceConfigSchema).default([]),
  sender: z.string().default('detainer-watch <alerts@detainer-watch.local>'),
  operatorEmail: z.string().default('operator@detainer-watch.local'),
  subscriptionUrl: z.string().url().default(`http://127.0.0.1:${DEFAULT_SUBSCRIPTION_PORT}`),
  topN: z.number().int().min(1).max(100).default(10),
  minResolutionRate: z.number().min(0).max(1).default(0.9),
  maxTotalDrop: z.number().min(0).max(1).default(0.5),
  sendRatePerSecond: z.number().positive().default(50),
});

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

/** The state folder: `--home`, else `$DETAINER_WATCH_HOME`, else `./.detainer-watch`. */
export function resolveHome(home?: string): string {
  return resolve(home ?? process.env.DETAINER_WATCH_HOME ?? '.detainer-watch');
}

/** `<home>/config.json`, all keys optional; one clear line naming the key when a value is wrong. */
export async function loadLocalConfig(home: string): Promise<RuntimeConfig> {
  const file = join(home, 'config.json');
  let raw: unknown = {};
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const names = new Set(parsed.data.sources.map((s) => s.name));
  return { ...parsed.data, sources: [...parsed.data.sources, ...KNOWN_SOURCES.filter((s) => !names.has(s.name))] };
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
  const write = (level: string) => (message: string, fields: Record<string, unknown> = {}) => {
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
  options: { home?: string; debug?: boolean; config?: Partial<RuntimeConfig>; readOnly?: boolean } = {},
): Promise<LocalRuntime> {
  const home = resolveHome(options.home);
  await mkdir(join(home, 'tmp'), { recursive: true });
  const config = { ...(await loadLocalConfig(home)), ...options.config };
  // A running `serve`'s emulators when there is one; a read-only command starts DynamoDB alone.
  const emulators = await localEmulators(home, { quiet: !options.debug, ...(options.readOnly ? { services: READ_ONLY_SERVICES } : {}) });
  try {
    const clients = createClients({ endpoints: emulators.endpoints });
    await ensureTable(clients.dynamodb, TABLE_NAME);
    if (emulators.started.includes('s3')) await ensureBucket(clients.s3, BUCKET_NAME);
    const secret = await tokenSecret(home);
    const outboxDir = join(home, 'outbox');
    const deps = wireDeps({
      clients,
      tableName: TABLE_NAME,
      bucket: BUCKET_NAME,
      config,
      tokenSecret: async () => secret,
      workDir: join(home, 'tmp'),
      log: fileLog(home, Boolean(options.debug)),
      archiveBaseUrl: `${emulators.endpoints.s3}/${BUCKET_NAME}/`,
      decorateMailer: (mailer) => outboxMailer(mailer, outboxDir),
    });
    return {
      deps,
      home,
      outboxDir,
      endpoints: emulators.endpoints,
      stop: async () => {
        clients.dynamodb.destroy();
        clients.s3.destroy();
        clients.ses.destroy();
        await emulators.stop();
      },
    };
  } catch (error) {
    await emulators.stop();
    throw error;
  }
}
