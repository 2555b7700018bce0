import type { PollEvent } from '../functions/poll/handler';
import { startHttpServer } from './http-server';
import { localContext } from './lambda-context';
import type { LocalRuntime } from './runtime';
import { nextRun } from './schedule';
import { removeServeState, writeServeState } from './serve-state';

export interface ServeOptions {
  port: number;
  out: (text: string) => void;
  /** Resolves when serve should stop (default: SIGINT or SIGTERM). */
  until?: Promise<void>;
}

function signalled(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/**
 * The long-lived local deployment: the emulators stay up, the poll runs on the stack's schedule,
 * the chain consumes the stream and the queues continuously, and one HTTP port serves the
 * subscription endpoint (`/api/…`) and the site. Stops cleanly on SIGINT/SIGTERM.
 */
export async function serve(local: LocalRuntime, options: ServeOptions): Promise<void> {
  const { composition, deps } = local;
  const server = await startHttpServer({
    subscription: composition.handlers.subscription,
    site: composition.site.serve,
    port: options.port,
    onError: (error) => deps.log.error('request failed', { error: String(error) }),
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    writeServeState(local.home, { pid: process.pid, url: server.url, endpoints: local.endpoints });
    composition.chain.start(1_000, (error) => deps.log.error('chain pass failed', { error: String(error) }));
    const { schedule, timeZone = 'UTC' } = deps.config;
    const arm = () => {
      if (!schedule) return;
      const at = nextRun(schedule, timeZone, new Date());
      timer = setTimeout(
        () => {
          // The poll handler alone; the running chain picks up what it archives.
          composition.handlers
            .poll({} satisfies PollEvent, localContext('poll', 600))
            .catch((error: unknown) => deps.log.error('scheduled poll failed', { error: String(error) }))
            .finally(() => {
              composition.chain.nudge();
              arm();
            });
        },
        Math.min(at.getTime() - Date.now(), 2 ** 31 - 1),
      );
      options.out(`Next poll ${at.toISOString()} (${schedule}, ${timeZone})`);
    };
    options.out(`detainer-watch serving at ${server.url} (site at /, subscription endpoint at /api/; Ctrl-C to stop)`);
    arm();
    await (options.until ?? signalled());
  } finally {
    clearTimeout(timer);
    await composition.chain.stop();
    await server.stop();
    removeServeState(local.home);
  }
}
