import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseKey } from '../../functions/archive/release-key';
import { ENVIRONMENT } from '../../functions/commons/environment';
import { DEFAULT_FILTERS } from '../../functions/domain/subscriber';
import { keys } from '../../functions/store/table-schema';
import { bundleStep } from '../../lib/lambda-bundle';
import { sesMessages, uniqueName, useEmulators } from '../support/emulators';

const RUNNER = fileURLToPath(new URL('./bundled/run-chain.ts', import.meta.url));
const RELEASE = fileURLToPath(new URL('../fixtures/releases/ddp-2026-400rows.xlsx', import.meta.url));

/**
 * The chain on the synthesized assets (what `lib/lambda-bundle.ts` builds for CDK), in plain Node:
 * an archived release reaches the ingest bundle through its S3 notification, the change the
 * notify bundle through the table's stream, each subscriber's alert the deliver bundle through the
 * delivery queue. A missing chunk, data file or external fails here, not in Lambda.
 */
describe('the chain on the built Lambda bundles', () => {
  const emulators = useEmulators();
  const tag = uniqueName('bundled');
  const readers = ['a', 'b', 'c'].map((name) => `${name}+${tag}@example.org`);
  let bundles: string;
  let result: { releases: { visible: number; hidden: number }; deliveries: { visible: number; hidden: number }; streamDeadLetters: number };
  let stderr = '';

  beforeAll(async () => {
    // Prepare: the bundles, a release in the archive, three confirmed subscribers.
    bundles = await mkdtemp(join(tmpdir(), 'dw-bundles-'));
    for (const step of ['ingest', 'notify', 'deliver'] as const) bundleStep(step, join(bundles, step));
    const bytes = await readFile(RELEASE);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await emulators.clients.s3.send(
      new PutObjectCommand({ Bucket: emulators.bucket, Key: releaseKey('ddp', sha256, 'xlsx'), Body: bytes }),
    );
    const now = new Date().toISOString();
    for (const email of readers) {
      await emulators.clients.dynamodb.send(
        new PutCommand({
          TableName: emulators.tableName,
          Item: {
            ...keys.subscriber(email),
            type: 'subscriber',
            gsi1pk: 'SUBSCRIBERS#confirmed',
            gsi1sk: email,
            email,
            status: 'confirmed',
            filters: DEFAULT_FILTERS,
            createdAt: now,
            confirmedAt: now,
          },
        }),
      );
    }

    // Act
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, bundles], {
      env: {
        ...process.env,
        AWS_LAMBDA_FUNCTION_NAME: 'detainer-watch-bundled-test',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
        AWS_ENDPOINT_URL_S3: emulators.endpoints.s3,
        AWS_ENDPOINT_URL_SES: emulators.endpoints.ses,
        [ENVIRONMENT.tableName]: emulators.tableName,
        [ENVIRONMENT.archiveBucket]: emulators.bucket,
        [ENVIRONMENT.sources]: '[]',
        [ENVIRONMENT.sender]: 'alerts@detainer-watch.local',
        [ENVIRONMENT.operatorEmail]: `operator+${tag}@detainer-watch.local`,
        [ENVIRONMENT.subscriptionUrl]: 'https://subscribe.example.org',
        [ENVIRONMENT.tokenSecretArn]: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:token',
        [ENVIRONMENT.minResolutionRate]: '0.5',
        [ENVIRONMENT.sendRatePerSecond]: '50',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        POWERTOOLS_METRICS_NAMESPACE: 'DetainerWatch/test',
        NODE_OPTIONS: '--enable-source-maps',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (code !== 0 || !line) throw new Error(`bundled chain exited ${code}: ${stderr.slice(-3000)}\n${stdout.slice(-3000)}`);
    result = JSON.parse(line.slice('RESULT '.length));
  }, 300_000);

  afterAll(async () => {
    if (bundles) await rm(bundles, { recursive: true, force: true });
  });

  it('leaves every queue empty and no stream record parked: each bundle handled its events', () => {
    // Assess
    expect(result.releases).toMatchObject({ visible: 0, hidden: 0 });
    expect(result.deliveries).toMatchObject({ visible: 0, hidden: 0 });
    expect(result.streamDeadLetters).toBe(0);
  });

  it('mails each subscriber the release alert exactly once, built by the deliver bundle', async () => {
    // Assess
    for (const reader of readers) {
      const mail = await sesMessages(emulators.endpoints.ses, reader);
      expect(mail, reader).toHaveLength(1);
      expect(mail[0].subject).toMatch(/declined detainers/);
      expect(mail[0].body.html ?? '').toContain('https://subscribe.example.org/unsubscribe?token=');
    }
  });
});
