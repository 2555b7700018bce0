import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServeState {
  pid: number;
  url: string;
  endpoints: { dynamodb: string; s3: string; ses: string };
}

/** `<home>/serve.json` while `serve` is up: read-only commands reuse its emulators through it. */
export function serveStateFile(home: string): string {
  return join(home, 'serve.json');
}

export function writeServeState(home: string, state: ServeState): void {
  writeFileSync(serveStateFile(home), `${JSON.stringify(state, null, 2)}\n`);
}

export function removeServeState(home: string): void {
  rmSync(serveStateFile(home), { force: true });
}
