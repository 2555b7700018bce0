import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { answers, freePort, launchArgs } from './dynamodb-local.mjs';

export type Service = 'dynamodb' | 's3' | 'ses';

export interface Emulators {
  endpoints: Record<Service, string>;
  /** Milliseconds each embedded emulator took to answer; absent for external endpoints. */
  startupMs: Partial<Record<Service, number>>;
  /**
   * Stop them and wait until they are gone; `{ now: true }` kills them at once instead, for a
   * command that only read (DynamoDB Local has nothing unwritten after its last answer, and its
   * orderly stop takes ~0.3 s).
   */
  stop(options?: { now?: boolean }): Promise<void>;
}

/** The standard variables that point local mode at an external service instead. */
export const ENDPOINT_ENV: Record<Service, string> = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  s3: 'AWS_ENDPOINT_URL_S3',
  ses: 'AWS_ENDPOINT_URL_SES',
};

const EMULATOR_PROCESS = fileURLToPath(new URL('./emulator-process.mjs', import.meta.url));
const STARTUP_TIMEOUT_MS = 90_000;

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Negative PID: the emulator's own process group (it was spawned detached), which includes
    // DynamoDB Local's java under its sh guardian.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/**
 * sh watches java the way emulator-process.mjs watches the node emulators, without a second Node
 * start before the JVM's (~0.1-0.2 s on a loaded machine, on the path of every cold command).
 * java runs in the background; a second background job reads sh's stdin, the pipe this process
 * holds (the `read` builtin: no PATH needed), and kills java when the pipe closes (this process
 * ended, however it ended). sh itself ignores TERM and INT and waits for java, so a stop, which
 * signals the whole group, returns once java has made its orderly exit; and sh exits with java,
 * so a JVM that failed to start is seen at once.
 */
const JAVA_GUARD = [
  'exec 3<&0',
  'java "$@" </dev/null 1>&2 & j=$!',
  '{ while read -r _; do :; done; kill $j 2>/dev/null; } <&3 & w=$!',
  'exec 3<&-',
  "trap '' TERM INT",
  'wait $j; s=$?; kill $w 2>/dev/null; exit $s',
].join('\n');
/** Keep the last lines of the JVM's output: the reason a start failed. */
const OUTPUT_TAIL_CHARS = 4_000;

/** DynamoDB Local (Java). It binds every interface and cannot take port 0, so a free port is chosen first. */
async function startDynamoDb(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const storage = dir === '-' ? ['-inMemory'] : ['-dbPath', dir];
  if (dir !== '-') await mkdir(dir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    // With the class-data archive when it matches this java (one the JVM cannot use is ignored).
    const spec = launchArgs(port, storage);
    const child = spawn('/bin/sh', ['-c', JAVA_GUARD, 'sh', ...spec.args], {
      cwd: spec.cwd,
      detached: true,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    running.add(child);
    child.on('exit', () => running.delete(child));
    let output = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      output = (output + chunk).slice(-OUTPUT_TAIL_CHARS);
    });
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    // The output read to its end (after 'exit' there may be more): the reason a start failed.
    const outputRead = new Promise((resolve) => child.stderr!.once('close', resolve));
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    // A refused connection answers at once: polling often costs nothing and takes up to 100 ms off every start.
    while (!exited && Date.now() < deadline && !(await answers(`http://127.0.0.1:${port}/`, 1_000))) {
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    if (!exited && Date.now() < deadline) {
      // Let a CLI that forgot stop() still exit; the exit hook and the stdin pipe take java down.
      child.unref();
      for (const stream of [child.stdin, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
      return { child, port };
    }
    killGroup(child, 'SIGKILL');
    await outputRead;
    if (/java: not found|java: No such file/i.test(output)) {
      throw new Error('Java is required for DynamoDB Local: apt-get install openjdk-17-jre-headless');
    }
    if (attempt < 3 && /address already in use|BindException/i.test(output)) continue;
    throw new Error(
      `DynamoDB Local did not start: ${output.trim().split('\n').slice(-3).join(' | ') || `no answer within ${STARTUP_TIMEOUT_MS / 1000} s`}`,
    );
  }
}

async function startOne(service: Service, dir: string, quiet: boolean): Promise<{ child: ChildProcess; port: number }> {
  if (service === 'dynamodb') return startDynamoDb(dir);
  // s3rver's paginated listings use a hash Node 17+ only offers through the legacy provider.
  const nodeArgs = service === 's3' ? ['--openssl-legacy-provider'] : [];
  const child = spawn(process.execPath, [...nodeArgs, EMULATOR_PROCESS, service, dir], {
    detached: true,
    stdio: ['pipe', 'pipe', quiet ? 'ignore' : 'inherit'],
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${service} emulator gave no answer within ${STARTUP_TIMEOUT_MS / 1000} s`)),
      STARTUP_TIMEOUT_MS,
    );
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${service} emulator exited (code ${code}) before it was ready`));
    });
    child.once('error', reject);
  }).catch((error: Error) => {
    killGroup(child, 'SIGKILL');
    throw error;
  });
  lines.close();
  const message = JSON.parse(first) as { port?: number; error?: string };
  if (!message.port) {
    killGroup(child, 'SIGKILL');
    throw new Error(message.error ?? `${service} emulator failed to start`);
  }
  // Let a CLI that forgot stop() still exit; the exit hook and the stdin pipe take the child down.
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  return { child, port: message.port };
}

/**
 * Start DynamoDB Local (state in `<home>/dynamodb`), s3rver (`<home>/s3`) and aws-ses-v2-local,
 * each as a child process on a free 127.0.0.1 port, in parallel. A service whose
 * `AWS_ENDPOINT_URL_*` variable is set is not started; that endpoint is returned instead.
 */
export async function startEmulators(options: {
  home: string;
  quiet?: boolean;
  /** false: DynamoDB Local keeps its tables in memory (tests; much faster writes). Default true. */
  persist?: boolean;
  /** Start only these (default all); the others' endpoints are ''. */
  services?: Service[];
}): Promise<Emulators> {
  const quiet = options.quiet ?? true;
  const dirs: Record<Service, string> = {
    dynamodb: options.persist === false ? '-' : join(options.home, 'dynamodb'),
    s3: join(options.home, 's3'),
    ses: join(options.home, 'ses'),
  };
  const children: ChildProcess[] = [];
  const startupMs: Partial<Record<Service, number>> = {};
  const services: Service[] = ['dynamodb', 's3', 'ses'];
  const results = await Promise.allSettled(
    services.map(async (service) => {
      if (options.services && !options.services.includes(service)) return '';
      const external = process.env[ENDPOINT_ENV[service]];
      if (external) return external;
      const started = Date.now();
      const { child, port } = await startOne(service, dirs[service], quiet);
      children.push(child);
      startupMs[service] = Date.now() - started;
      return `http://127.0.0.1:${port}`;
    }),
  );
  const stop = async (stopOptions?: { now?: boolean }): Promise<void> => {
    if (stopOptions?.now) {
      for (const child of children) killGroup(child, 'SIGKILL');
      return;
    }
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const force = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            killGroup(child, 'SIGTERM');
          }),
      ),
    );
  };
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const [dynamodb, s3, ses] = results.map((r) => (r as PromiseFulfilledResult<string>).value);
  return { endpoints: { dynamodb, s3, ses }, startupMs, stop };
}
