import { resolve } from 'node:path';

/** Local mode's table (DynamoDB Local keeps it under the home). */
export const TABLE_NAME = 'detainer-watch';

/** `serve`'s port, and the subscription endpoint's in local mode's default config. */
export const DEFAULT_SUBSCRIPTION_PORT = 8787;

/** The state folder: `--home`, else `$DETAINER_WATCH_HOME`, else `./.detainer-watch`. */
export function resolveHome(home?: string): string {
  return resolve(home ?? process.env.DETAINER_WATCH_HOME ?? '.detainer-watch');
}
