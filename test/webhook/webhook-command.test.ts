import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../local/cli';
import { openLocal } from '../../local/runtime';
import { uniqueName, useEmulators } from '../support/emulators';

/** `detainer-watch webhook` in process, with local mode reaching the test's emulators through AWS_ENDPOINT_URL_*. */
describe('detainer-watch webhook', () => {
  const env = useEmulators();
  const email = `${uniqueName('cli-hook')}@example.org`;
  let home: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'dw-cli-hook-'));
    process.env.AWS_ENDPOINT_URL_DYNAMODB = env.endpoints.dynamodb;
    process.env.AWS_ENDPOINT_URL_S3 = env.endpoints.s3;
    process.env.AWS_ENDPOINT_URL_SES = env.endpoints.ses;
  });

  afterAll(async () => {
    process.env = saved;
    await rm(home, { recursive: true, force: true });
  });

  async function run(...args: string[]): Promise<string[]> {
    const lines: string[] = [];
    const program = buildProgram((line) => lines.push(line));
    program.exitOverride();
    await program.parseAsync(['node', 'detainer-watch', '--home', home, ...args]);
    return lines;
  }

  async function stored() {
    const local = await openLocal({ home });
    try {
      return await local.deps.subscribers.getSubscriber(email);
    } finally {
      await local.stop();
    }
  }

  it('refuses a private address in one line and stores nothing', async () => {
    // Prepare
    await run('subscribe', email);

    // Act + Assess
    await expect(run('webhook', email, 'https://10.0.0.7/hook')).rejects.toThrow(
      'https://10.0.0.7/hook: The webhook address points to a private or reserved network (10.0.0.7 is a private address).',
    );
    expect((await stored())?.webhook).toBeUndefined();
  }, 120_000);

  it('registers a public https URL, prints its secret once, and removes it', async () => {
    // Act
    const added = await run('webhook', email, 'https://93.184.215.14/hooks/dw');
    const registered = (await stored())?.webhook;
    const removed = await run('webhook', email, '--remove');

    // Assess
    expect(added[0]).toBe(`${email}: alerts will also be POSTed to https://93.184.215.14/hooks/dw`);
    expect(added[1]).toBe(`signing secret (shown once, keep it to check X-Detainer-Watch-Signature): ${registered?.secret}`);
    expect(registered?.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(removed).toEqual([`${email}: webhook removed.`]);
    expect((await stored())?.webhook).toBeUndefined();
  }, 120_000);
});
