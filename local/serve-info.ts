import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { answers } from './dynamodb-local.mjs';
import { type Emulators, type Service, startEmulators } from './emulators';

/** What a running `detainer-watch serve` publishes in `<home>/serve.json` while it runs. */
export interface ServeInfo {
  pid: number;
  url: string;
  endpoints: Record<Service, string>;
}

const SERVE_FILE = 'serve.json';
/**
 * The endpoint of a service a read-only command did not start: a closed local port, so a call
 * that should not happen fails at once here instead of going to the SDK's default, AWS itself.
 */
const NOT_STARTED = 'http://127.0.0.1:1';
/** What `rankings` and `history` need: DynamoDB alone; s3rver and SES would only compete with the JVM's start. */
export const READ_ONLY_SERVICES: Service[] = ['dynamodb'];
/** DynamoDB Local answers in a few ms when it is up; a serve that is not answering is not reused. */
const PROBE_TIMEOUT_MS = 500;

function parseServeInfo(text: string): ServeInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<ServeInfo>;
    const endpoints = value.endpoints as Partial<Record<Service, unknown>> | undefined;
    if (!Number.isInteger(value.pid) || typeof value.url !== 'string' || !endpoints) return undefined;
    if (typeof endpoints.dynamodb !== 'string' || typeof endpoints.s3 !== 'string' || typeof endpoints.ses !== 'string') return undefined;
    return value as ServeInfo;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The serve running on this home, if its process is alive and its DynamoDB answers; otherwise
 * undefined (no file, a file left by a serve that was killed, or one that is not answering).
 */
export async function readLiveServe(home: string): Promise<ServeInfo | undefined> {
  const text = await readFile(join(home, SERVE_FILE), 'utf8').catch(() => undefined);
  const info = text === undefined ? undefined : parseServeInfo(text);
  if (!info || !alive(info.pid)) return undefined;
  return (await answers(info.endpoints.dynamodb, PROBE_TIMEOUT_MS)) ? info : undefined;
}

/**
 * The emulators a command uses: those of a running `serve` on the same home when there is one
 * (a second DynamoDB Local on the same files would fight the first one for them, and reuse skips
 * the JVM's start), else freshly started ones. `stop()` leaves a serve's emulators running.
 */
export async function localEmulators(
  home: string,
  options: { quiet: boolean; services?: Service[] },
): Promise<Emulators & { reused: boolean; started: Service[] }> {
  const all: Service[] = ['dynamodb', 's3', 'ses'];
  const serve = await readLiveServe(home);
  if (serve) return { endpoints: serve.endpoints, startupMs: {}, stop: async () => undefined, reused: true, started: all };
  const started = options.services ?? all;
  const emulators = await startEmulators({ home, quiet: options.quiet, services: started });
  const endpoints = { ...emulators.endpoints };
  for (const service of all) if (!started.includes(service)) endpoints[service] = NOT_STARTED;
  return { ...emulators, endpoints, reused: false, started };
}
