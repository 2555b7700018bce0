import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

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
    // DynamoDB Local's java under its node guardian.
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

async function startOne(service: Service, dir: string, quiet: boolean): Promise<{ child: ChildProcess; port: number }> {
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
