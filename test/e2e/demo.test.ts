import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jurisdictionKey } from '../../functions/domain/jurisdiction';
import { runDemo } from '../../local/demo-run';
import { listOutbox } from '../../local/outbox';
import { type LocalRuntime, openLocal } from '../../local/runtime';

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

async function sesStore(local: LocalRuntime): Promise<StoredEmail[]> {
  const response = await fetch(`${local.endpoints.ses}/store`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}

const subjectsTo = (emails: StoredEmail[], to: string) => emails.filter((e) => e.destination.to.includes(to)).map((e) => e.subject);

/**
 * The walking skeleton end to end: the demo publisher, DynamoDB Local, s3rver and
 * aws-ses-v2-local, the real adapters, three releases replayed in order.
 */
describe('npm start: the demo replay through the real pipeline', () => {
  let home: string;
  let local: LocalRuntime;
  const printed: string[] = [];
  let afterFirstRun: StoredEmail[] = [];

  beforeAll(async () => {
    // Prepare
    home = await mkdtemp(join(tmpdir(), 'dw-e2e-'));
    local = await openLocal({ home });
    // Act
    await runDemo(local, (line) => printed.push(line));
    afterFirstRun = await sesStore(local);
  }, 300_000);

  afterAll(async () => {
    await local?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('confirms each demo subscriber through the link in their confirmation email', async () => {
    // Assess
    const confirmations = afterFirstRun.filter((e) => e.subject === 'Confirm your detainer-watch subscription');
    expect(confirmations.map((e) => e.destination.to[0]).sort()).toEqual([
      'ca-desk@example.org',
      'denver-council@example.org',
      'newsroom@example.org',
    ]);
    const subscribers = await local.deps.subscribers.listSubscribers('confirmed');
    expect(subscribers).toHaveLength(3);
  });

  it('sends each subscriber one digest per release, with the headline in the subject', () => {
    // Assess
    const alerts = afterFirstRun.filter((e) => !e.subject.startsWith('Confirm'));
    expect(subjectsTo(alerts, 'newsroom@example.org')).toEqual([
      'FY2017 Q1 declined detainers: Ventura County, CA is #1 with 188 (25% of 751)',
      'FY2017 Q2 declined detainers: Denver County, CO rises to #2; Ventura County, CA stays #1',
      'Revised: FY2017 Q1 declined detainers: Clark County, NV revised 68 → 61; Nassau County, NY removed (was 38)',
    ]);
    // Denver's reader follows one county: the revision of Q1 did not touch Denver's rank or count.
    expect(subjectsTo(alerts, 'denver-council@example.org')).toEqual([
      'FY2017 Q1 declined detainers: Denver County, CO is #3 with 74 (23.5% of 315)',
      'FY2017 Q2 declined detainers: Denver County, CO rises to #2',
    ]);
    const california = subjectsTo(alerts, 'ca-desk@example.org');
    expect(california).toHaveLength(3);
    expect(california[2]).toMatch(/^Revised: FY2017 Q1 declined detainers: /);
    expect(california.join('\n')).not.toMatch(/Denver|Nassau|Clark/);
  });

  it('puts the revised numbers and the retraction in the body, in both parts', () => {
    // Assess
    const revision = afterFirstRun.find((e) => e.destination.to.includes('newsroom@example.org') && e.subject.startsWith('Revised'));
    for (const part of [revision?.body.text ?? '', revision?.body.html ?? '']) {
      expect(part).toContain('Clark County, NV');
      expect(part).toMatch(/68\s*(→|&rarr;)\s*61/);
      expect(part).toContain('Nassau County, NY');
    }
  });

  it('keeps every sent message in the outbox as MIME with one-click unsubscribe headers', async () => {
    // Assess
    const outbox = await listOutbox(local.outboxDir);
    expect(outbox).toHaveLength(afterFirstRun.length);
    const alert = outbox.find((e) => e.subject.startsWith('FY2017 Q2') && e.to === 'newsroom@example.org');
    const parsed = await simpleParser(await readFile(alert!.file));
    expect(parsed.subject).toBe(alert!.subject);
    expect(parsed.text).toContain('Denver County, CO');
    expect(parsed.html).toContain('<table');
    const header = (name: string) => parsed.headerLines.find((h) => h.key === name)?.line;
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(header('list-unsubscribe')).toMatch(/^List-Unsubscribe: <http:\/\/127\.0\.0\.1:\d+\/api\/unsubscribe\?token=[\w.-]+>$/);
  });

  it('stores the final rankings: the revision applied, the retraction gone, Q2 intact', async () => {
    // Assess
    const q1 = await local.deps.rankings.getQuarter('demo', 'FY2017Q1');
    const q2 = await local.deps.rankings.getQuarter('demo', 'FY2017Q2');
    const count = (rows: typeof q1, fips: string) => rows?.rows.find((r) => jurisdictionKey(r.jurisdiction) === fips);
    expect(count(q1, '32003')?.declined).toBe(61);
    expect(count(q1, '36059')).toBeUndefined();
    expect(q1?.version).toBe(2);
    expect(q1?.total).toBe(661);
    expect(count(q2, '08031')?.rank).toBe(2);
    expect(q2?.version).toBe(1);
    expect(printed.join('\n')).toContain('Release 3 of 3');
  });

  it('changes nothing and sends nothing when run again', async () => {
    // Act
    const again: string[] = [];
    await runDemo(local, (line) => again.push(line));
    // Assess
    expect(await sesStore(local)).toHaveLength(afterFirstRun.length);
    expect((await local.deps.rankings.getQuarter('demo', 'FY2017Q1'))?.version).toBe(2);
    expect(again.join('\n')).not.toMatch(/new release\b|[1-9]\d* emails? sent/);
  }, 300_000);
});
