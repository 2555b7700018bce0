import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { archiveState, freePort, launchArgs, startJava } from '../../local/dynamodb-local.mjs';

const flagValue = (args: string[], prefix: string) => args.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);

async function classPath(jar: string): Promise<string[]> {
  const zip = await JSZip.loadAsync(readFileSync(jar));
  const manifest = (await zip.file('META-INF/MANIFEST.MF')!.async('string')).replace(/\r\n/g, '\n').replace(/\n /g, '');
  const line = manifest.split('\n').find((l) => l.startsWith('Class-Path:')) ?? '';
  return line.slice('Class-Path:'.length).trim().split(/\s+/);
}

// The test setup made the archive (prepareDynamoDbLocal), as `npm ci` does.
describe('DynamoDB Local class-data archive', () => {
  const archived = launchArgs(8000, ['-inMemory']);
  const plain = launchArgs(8000, ['-inMemory'], { archive: false });
  const copies: string[] = [];
  afterAll(() => {
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  it('is fresh after setup, and the launch uses it with the rewritten jar', () => {
    expect(archiveState()).toBe('fresh');
    expect(archived.archive).toBe(true);
    expect(flagValue(archived.args, '-XX:SharedArchiveFile=')).toMatch(/classes\.jsa$/);
    expect(archived.args).toEqual(expect.arrayContaining(['-inMemory', '-sharedDb', '-port', '8000']));
  });

  it('keeps only jars on the launcher jar class path, the same jars DynamoDB Local lists', async () => {
    const launcher = archived.args[archived.args.indexOf('-jar') + 1];
    const original = plain.args[plain.args.indexOf('-jar') + 1];
    expect(launcher).not.toBe(original);
    const [kept, listed] = await Promise.all([classPath(launcher), classPath(original)]);
    // What made Java refuse the archive: a directory and non-jar files on the class path.
    expect(listed).toEqual(expect.arrayContaining(['.', 'log4j2.xml']));
    expect(listed.some((entry) => entry.endsWith('.so'))).toBe(true);
    expect(kept.every((entry) => entry.endsWith('.jar'))).toBe(true);
    expect(kept).toEqual(listed.filter((entry) => entry.endsWith('.jar')));
  });

  it('is stale when another java or older launch flags made it, and missing without its files; the plain jar is used then', () => {
    const jar = archived.args[archived.args.indexOf('-jar') + 1];
    const cacheRoot = mkdtempSync(join(tmpdir(), 'dw-cds-'));
    copies.push(cacheRoot);
    const copy = join(cacheRoot, basename(dirname(jar)));
    cpSync(dirname(jar), copy, { recursive: true, verbatimSymlinks: true });
    expect(archiveState(cacheRoot)).toBe('fresh');
    const stamp = JSON.parse(readFileSync(join(copy, 'archive.json'), 'utf8'));
    writeFileSync(join(copy, 'archive.json'), JSON.stringify({ ...stamp, size: stamp.size + 1 }));
    expect(archiveState(cacheRoot)).toBe('stale');
    // One recorded before the launch flags changed is made again, not used for another start.
    writeFileSync(join(copy, 'archive.json'), JSON.stringify({ ...stamp, recipe: stamp.recipe - 1 }));
    expect(archiveState(cacheRoot)).toBe('stale');
    rmSync(join(copy, 'classes.jsa'));
    expect(archiveState(cacheRoot)).toBe('missing');
    expect(plain.archive).toBe(false);
    expect(flagValue(plain.args, '-XX:SharedArchiveFile=')).toBeUndefined();
    expect(plain.args[plain.args.indexOf('-jar') + 1]).toMatch(/dynamodb_local_[^/]+\/DynamoDBLocal\.jar$/);
  });
});

/**
 * Start DynamoDB Local from `launch` with java.io.tmpdir in a fresh folder, make it open SQLite
 * (CreateTable), kill it as a read-only command does (SIGKILL), and list what it left there.
 */
async function leftInTmpDir(launch: (port: number) => { args: string[]; cwd: string }): Promise<string[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'dw-ddb-tmp-'));
  try {
    const port = await freePort();
    const spec = launch(port);
    const at = spec.args.indexOf('-jar');
    const args = [...spec.args.slice(0, at), `-Djava.io.tmpdir=${tmp}`, ...spec.args.slice(at)];
    const { java, exited } = await startJava({ args, cwd: spec.cwd }, port);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.CreateTable',
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
        },
        body: JSON.stringify({
          TableName: 'sqlite-check',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      });
      expect(response.status, await response.clone().text()).toBe(200);
    } finally {
      java.kill('SIGKILL');
      await exited;
    }
    return readdirSync(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe('DynamoDB Local and its SQLite library', () => {
  it('loads the library DynamoDBLocal_lib holds: a killed JVM leaves no copy behind in the temp folder', async () => {
    const flags = launchArgs(8000, ['-inMemory']).args.filter((arg) => arg.startsWith('-Dorg.sqlite.lib.'));
    expect(flags).toHaveLength(2);
    expect(await leftInTmpDir((port) => launchArgs(port, ['-inMemory']))).toEqual([]);
    // Without the two flags, DynamoDB Local copies the library out of its jar at every start and
    // deletes it only on an orderly exit: each killed JVM leaves 0.9 MB in /tmp.
    const unflagged = await leftInTmpDir((port) => {
      const spec = launchArgs(port, ['-inMemory'], { archive: false });
      return { ...spec, args: spec.args.filter((arg) => !arg.startsWith('-Dorg.sqlite.lib.')) };
    });
    expect(unflagged).toEqual([expect.stringMatching(/^sqlite-.*libsqlite4java\.so$/)]);
  }, 60_000);
});
