import type { Deps } from '../functions/commons/deps';
import { createSubscriptionHandler } from '../functions/subscription/handler';
import { startHttpServer } from './http-server';

/** The subscription handler alone on a local port, as its Function URL (tests; `serve` adds the site). */
export function startSubscriptionServer(deps: Deps, port = 0): Promise<{ url: string; stop(): Promise<void> }> {
  return startHttpServer({ subscription: createSubscriptionHandler(deps), port });
}
