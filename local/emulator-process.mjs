// One emulator in its own process: `node emulator-process.mjs s3|ses DIR` (DynamoDB Local's java
// is watched by sh instead: emulators.ts).
// Prints one JSON line `{"port":N}` once the service answers (or `{"error":"..."}`), then serves
// until its stdin closes: the parent holds the pipe open, so the emulator dies with the parent
// however the parent ends (even SIGKILL), and never lingers as an orphan listener.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [kind, dir] = process.argv.slice(2);
const stops = [];

function report(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

let stopping = false;

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  // A server's close() waits for idle keep-alive connections; never outlive the parent for them.
  setTimeout(() => process.exit(code), 3_000);
  for (const stop of stops.splice(0)) await Promise.resolve(stop()).catch(() => undefined);
  process.exit(code);
}

process.stdin.on('end', () => void shutdown());
process.stdin.on('error', () => void shutdown());
process.stdin.resume();
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

async function startS3() {
  const S3rver = require('s3rver');
  mkdirSync(dir, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true });
  const address = await server.run();
  stops.push(() => {
    server.httpServer?.closeAllConnections?.();
    return server.close();
  });
  return address.port;
}

async function startSes() {
  const sesLocal = require('aws-ses-v2-local').default;
  const server = await sesLocal({ host: '127.0.0.1', port: 0 });
  stops.push(
    () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  );
  return server.address().port;
}

const starters = { s3: startS3, ses: startSes };

try {
  if (!starters[kind]) throw new Error(`unknown emulator "${kind}"`);
  report({ port: await starters[kind]() });
} catch (error) {
  report({ error: error instanceof Error ? error.message : String(error) });
  await shutdown(1);
}
