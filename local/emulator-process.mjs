// One emulator in its own process: `node emulator-process.mjs dynamodb|s3|ses DIR`.
// Prints one JSON line `{"port":N}` once the service answers (or `{"error":"..."}`), then serves
// until its stdin closes: the parent holds the pipe open, so the emulator dies with the parent
// however the parent ends (even SIGKILL), and never lingers as an orphan listener.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { answers, freePort, launchArgs } from './dynamodb-local.mjs';

const require = createRequire(import.meta.url);
// DIR '-' keeps DynamoDB Local's tables in memory (tests).
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

/** DynamoDB Local (Java). It binds every interface and cannot take port 0, so a free port is chosen first. */
async function startDynamoDb() {
  const storage = dir === '-' ? ['-inMemory'] : ['-dbPath', dir];
  if (dir !== '-') mkdirSync(dir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    // With the class-data archive when it matches this java (an archive the JVM cannot use is ignored).
    const spec = launchArgs(port, storage);
    const java = spawn('java', spec.args, { cwd: spec.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let exited = false;
    java.stdout.on('data', (chunk) => (output += chunk));
    java.stderr.on('data', (chunk) => (output += chunk));
    java.on('error', (error) => {
      exited = true;
      output += error.code === 'ENOENT' ? 'JAVA_MISSING' : String(error);
    });
    java.on('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + 60_000;
    // A refused connection answers in well under a millisecond: polling often costs nothing and
    // takes up to 100 ms off every start.
    while (!exited && Date.now() < deadline && !(await answers(`http://127.0.0.1:${port}/`, 1_000))) {
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    if (!exited && Date.now() < deadline) {
      java.on('exit', () => void shutdown(1));
      stops.push(
        () =>
          new Promise((resolve) => {
            if (java.exitCode !== null || java.signalCode !== null) return resolve();
            const force = setTimeout(() => java.kill('SIGKILL'), 3_000);
            java.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            java.kill('SIGTERM');
          }),
      );
      return port;
    }
    java.kill('SIGKILL');
    if (output.includes('JAVA_MISSING')) throw new Error('Java is required for DynamoDB Local: apt-get install openjdk-17-jre-headless');
    if (attempt < 3 && /address already in use|BindException/i.test(output)) continue;
    throw new Error(`DynamoDB Local did not start: ${output.trim().split('\n').slice(-3).join(' | ') || 'no answer within 60 s'}`);
  }
}

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

const starters = { dynamodb: startDynamoDb, s3: startS3, ses: startSes };

try {
  if (!starters[kind]) throw new Error(`unknown emulator "${kind}"`);
  report({ port: await starters[kind]() });
} catch (error) {
  report({ error: error instanceof Error ? error.message : String(error) });
  await shutdown(1);
}
