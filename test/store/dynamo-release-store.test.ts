import { describe, expect, it } from 'vitest';
import type { SourceState } from '../../functions/ports/store';
import { DynamoReleaseStore } from '../../functions/store/dynamo-release-store';
import { uniqueName, useEmulators } from '../support/emulators';
import { release } from './store-fixtures';

const env = useEmulators({ bucket: false });
const store = () => new DynamoReleaseStore(env.clients.dynamodb, env.tableName);

describe('DynamoReleaseStore', () => {
  it('keeps source state between runs, replacing it on save', async () => {
    // Prepare
    const releases = store();
    const source = uniqueName('src');
    const state: SourceState = {
      source,
      etag: '"abc"',
      files: { 'https://example.org/a.xlsx': { etag: '"f1"', sha256: 'f'.repeat(64) } },
      consecutiveFailures: 0,
      lastPolledAt: '2026-01-01T00:00:00.000Z',
    };

    // Act
    const missing = await releases.getSourceState(source);
    await releases.saveSourceState(state);
    await releases.saveSourceState({ ...state, etag: '"def"', consecutiveFailures: 2 });

    // Assess
    expect(missing).toBeUndefined();
    expect(await releases.getSourceState(source)).toEqual({ ...state, etag: '"def"', consecutiveFailures: 2 });
  });

  it("records a release once: the same bytes seen again are 'exists'", async () => {
    // Prepare
    const releases = store();
    const source = uniqueName('src');
    const first = release(source, 'c'.repeat(64), '2026-01-01T00:00:00.000Z');

    // Act
    const created = await releases.recordRelease(first);
    const again = await releases.recordRelease({ ...first, firstSeen: '2026-01-05T00:00:00.000Z', url: 'https://example.org/mirror.xlsx' });

    // Assess
    expect(created).toBe('created');
    expect(again).toBe('exists');
    expect(await releases.getRelease(source, first.sha256)).toEqual(first);
  });

  it("answers 'created' to its own retried put (a lost acknowledgement), not 'exists'", async () => {
    // Prepare
    const releases = store();
    const source = uniqueName('src');
    const rel = release(source, 'd'.repeat(64));
    await releases.recordRelease(rel);

    // Act
    const retried = await releases.recordRelease(rel);

    // Assess
    expect(retried).toBe('created');
  });

  it('sets and clears the status reason, and refuses an unknown release', async () => {
    // Prepare
    const releases = store();
    const source = uniqueName('src');
    const rel = release(source, 'e'.repeat(64));
    await releases.recordRelease(rel);

    // Act
    await releases.setReleaseStatus(source, rel.sha256, 'quarantined', 'sheet1.xml: required column "Detainer Lift Reason" missing');
    const quarantined = await releases.getRelease(source, rel.sha256);
    await releases.setReleaseStatus(source, rel.sha256, 'archived');

    // Assess
    expect(quarantined).toMatchObject({ status: 'quarantined', reason: 'sheet1.xml: required column "Detainer Lift Reason" missing' });
    expect(await releases.getRelease(source, rel.sha256)).toEqual(rel);
    await expect(releases.setReleaseStatus(source, '0'.repeat(64), 'held')).rejects.toThrow(/no release/);
  });

  it('lists releases oldest first, of one source or of all', async () => {
    // Prepare
    const releases = store();
    const sourceA = uniqueName('src');
    const sourceB = uniqueName('src');
    const late = release(sourceA, '1'.repeat(64), '2026-03-01T00:00:00.000Z');
    const early = release(sourceA, '2'.repeat(64), '2026-01-01T00:00:00.000Z');
    const other = release(sourceB, '3'.repeat(64), '2026-02-01T00:00:00.000Z');
    for (const rel of [late, early, other]) await releases.recordRelease(rel);

    // Act
    const ofA = await releases.listReleases(sourceA);
    const all = await releases.listReleases();

    // Assess
    expect(ofA.map((r) => r.sha256)).toEqual([early.sha256, late.sha256]);
    const mine = all.filter((r) => r.source === sourceA || r.source === sourceB);
    expect(mine.map((r) => r.sha256)).toEqual([early.sha256, other.sha256, late.sha256]);
  });
});
