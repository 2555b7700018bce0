import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { FacilityTally, Ranking } from '../../functions/domain/ranking';
import { rankTallies } from '../../functions/domain/ranking';
import { ConflictError } from '../../functions/store/conflict-error';
import { DynamoRankingStore, packRows } from '../../functions/store/dynamo-ranking-store';
import { DynamoReleaseStore } from '../../functions/store/dynamo-release-store';
import { keys } from '../../functions/store/table-schema';
import { uniqueName, useEmulators } from '../support/emulators';
import { counties, county, ranking, release, releaseChange } from './store-fixtures';

const env = useEmulators({ bucket: false });

function stores() {
  return {
    rankings: new DynamoRankingStore(env.clients.dynamodb, env.tableName),
    releases: new DynamoReleaseStore(env.clients.dynamodb, env.tableName),
  };
}

const ventura = county('06111', 'Ventura County', 'CA');
const denver = county('08031', 'Denver County', 'CO');
const dade = county('12086', 'Miami-Dade County', 'FL');

async function itemsOf(pk: string) {
  const { Items } = await env.clients.dynamodb.send(
    new QueryCommand({
      TableName: env.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

describe('DynamoRankingStore.commitRelease', () => {
  it('stores new quarters, the change record and the ingested status in one commit', async () => {
    // Prepare
    const { rankings, releases } = stores();
    const source = uniqueName('src');
    const rel = release(source, '1'.repeat(64));
    await releases.recordRelease(rel);
    const q1 = ranking(
      source,
      'FY2017Q1',
      [
        [ventura, 188],
        [denver, 120],
        [dade, 120],
      ],
      rel.sha256,
    );
    const q2 = ranking(
      source,
      'FY2017Q2',
      [
        [denver, 90],
        [ventura, 40],
      ],
      rel.sha256,
    );
    const change = releaseChange(rel, [q1, q2]);

    // Act
    const outcome = await rankings.commitRelease({
      release: rel,
      quarters: [
        { ranking: q1, hash: 'h1', expectedVersion: null },
        { ranking: q2, hash: 'h2', expectedVersion: null },
      ],
      change,
      token: 'attempt-1',
    });

    // Assess
    expect(outcome).toBe('committed');
    const stored = await rankings.getQuarter(source, 'FY2017Q1');
    expect(stored).toMatchObject({ version: 1, hash: 'h1', total: 428, complete: true, release: rel.sha256 });
    expect(stored?.rows.map((row) => [row.rank, row.jurisdiction.kind === 'county' && row.jurisdiction.fips, row.declined])).toEqual([
      [1, '06111', 188],
      [2, '08031', 120],
      [2, '12086', 120],
    ]);
    expect((await rankings.listQuarters(source)).map((q) => q.quarter)).toEqual(['FY2017Q1', 'FY2017Q2']);
    expect((await releases.getRelease(source, rel.sha256))?.status).toBe('ingested');
    const readBack = await rankings.getChange(change.id);
    expect(readBack).toEqual(change);
  });

  it('writes nothing at all when a quarter moved past the expected version', async () => {
    // Prepare
    const { rankings, releases } = stores();
    const source = uniqueName('src');
    const first = release(source, '2'.repeat(64));
    const q1 = ranking(source, 'FY2017Q1', [[ventura, 10]], first.sha256);
    await releases.recordRelease(first);
    await rankings.commitRelease({
      release: first,
      quarters: [{ ranking: q1, hash: 'v1', expectedVersion: null }],
      change: releaseChange(first, [q1]),
      token: 't1',
    });
    const second = release(source, '3'.repeat(64));
    await releases.recordRelease(second);
    const revisedQ1 = ranking(source, 'FY2017Q1', [[ventura, 12]], second.sha256);
    const newQ2 = ranking(source, 'FY2017Q2', [[denver, 5]], second.sha256);

    // Act
    const attempt = rankings.commitRelease({
      release: second,
      quarters: [
        { ranking: newQ2, hash: 'q2', expectedVersion: null },
        { ranking: revisedQ1, hash: 'v2', expectedVersion: 7 },
      ],
      change: releaseChange(second, [newQ2, revisedQ1]),
      token: 't2',
    });

    // Assess
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow(/FY2017Q1 is at version 1, expected 7/);
    expect(await rankings.getQuarter(source, 'FY2017Q2')).toBeUndefined();
    expect((await rankings.getQuarter(source, 'FY2017Q1'))?.hash).toBe('v1');
    expect(await rankings.getChange(`${source}#${second.sha256}`)).toBeUndefined();
    expect((await releases.getRelease(source, second.sha256))?.status).toBe('archived');
  });

  it("recognises its own earlier commit (a lost acknowledgement) as 'already-committed'", async () => {
    // Prepare
    const { rankings, releases } = stores();
    const source = uniqueName('src');
    const rel = release(source, '4'.repeat(64));
    await releases.recordRelease(rel);
    const q1 = ranking(source, 'FY2018Q1', [[dade, 3]], rel.sha256);
    const input = {
      release: rel,
      quarters: [{ ranking: q1, hash: 'x', expectedVersion: null }],
      change: releaseChange(rel, [q1]),
      token: 'same-token',
    };
    await rankings.commitRelease(input);

    // Act
    const retried = await rankings.commitRelease(input);

    // Assess
    expect(retried).toBe('already-committed');
    expect(await rankings.quarterHistory(source, 'FY2018Q1')).toHaveLength(1);
  });

  it('refuses the same commit from a different attempt as a conflict, not as its own', async () => {
    // Prepare
    const { rankings, releases } = stores();
    const source = uniqueName('src');
    const rel = release(source, '5'.repeat(64));
    await releases.recordRelease(rel);
    const q1 = ranking(source, 'FY2018Q1', [[dade, 3]], rel.sha256);
    const input = { release: rel, quarters: [{ ranking: q1, hash: 'x', expectedVersion: null }], change: releaseChange(rel, [q1]) };
    await rankings.commitRelease({ ...input, token: 'first-attempt' });

    // Act
    const other = rankings.commitRelease({ ...input, token: 'other-attempt' });

    // Assess
    await expect(other).rejects.toThrow(ConflictError);
    await expect(other).rejects.toThrow(/already recorded by another attempt/);
  });

  it('keeps every version, newest as current, and writes nothing for unchanged quarters', async () => {
    // Prepare
    const { rankings, releases } = stores();
    const source = uniqueName('src');
    const a = release(source, '6'.repeat(64), '2026-01-01T00:00:00.000Z');
    const b = release(source, '7'.repeat(64), '2026-02-01T00:00:00.000Z');
    const c = release(source, '8'.repeat(64), '2026-03-01T00:00:00.000Z');
    for (const rel of [a, b, c]) await releases.recordRelease(rel);
    const v1 = ranking(
      source,
      'FY2017Q1',
      [
        [ventura, 10],
        [denver, 8],
      ],
      a.sha256,
    );
    const v2 = ranking(
      source,
      'FY2017Q1',
      [
        [ventura, 10],
        [denver, 11],
      ],
      b.sha256,
    );
    await rankings.commitRelease({
      release: a,
      quarters: [{ ranking: v1, hash: 'A', expectedVersion: null }],
      change: releaseChange(a, [v1]),
      token: 'a',
    });
    await rankings.commitRelease({
      release: b,
      quarters: [{ ranking: v2, hash: 'B', expectedVersion: 1 }],
      change: releaseChange(b, [v2]),
      token: 'b',
    });
    const before = (await itemsOf(keys.quarterHead(source, 'FY2017Q1').pk)).length;

    // Act
    const unchanged = await rankings.commitRelease({ release: c, quarters: [], change: null, token: 'c' });

    // Assess
    expect(unchanged).toBe('committed');
    expect((await itemsOf(keys.quarterHead(source, 'FY2017Q1').pk)).length).toBe(before);
    const history = await rankings.quarterHistory(source, 'FY2017Q1');
    expect(history.map((q) => [q.version, q.hash, q.release])).toEqual([
      [1, 'A', a.sha256],
      [2, 'B', b.sha256],
    ]);
    expect((await rankings.getQuarter(source, 'FY2017Q1'))?.version).toBe(2);
    expect((await releases.getRelease(source, c.sha256))?.status).toBe('ingested');
    expect((await releases.listReleases(source)).map((r) => r.sha256)).toEqual([a.sha256, b.sha256, c.sha256]);
  });

  it('stores a change too big for one item in parts and reads it back whole', async () => {
    // Prepare
    const { rankings, releases } = stores();
    const source = uniqueName('src');
    const rel = release(source, '9'.repeat(64));
    await releases.recordRelease(rel);
    const places = counties(3200);
    const quarters = (['FY2017Q1', 'FY2017Q2', 'FY2017Q3', 'FY2017Q4', 'FY2018Q1', 'FY2018Q2', 'FY2018Q3', 'FY2018Q4'] as const).map(
      (quarter, q) =>
        ranking(
          source,
          quarter,
          places.map((place, i) => [place, ((i * 7919 + q * 104729) % 5000) + 1] as [typeof place, number]),
          rel.sha256,
        ),
    );
    const change = releaseChange(rel, quarters);
    change.quarters.forEach((quarterChange) => {
      quarterChange.moved = quarterChange.after.rows.map((row) => ({ jurisdiction: row.jurisdiction, from: row.rank + 1, to: row.rank }));
    });

    // Act
    await rankings.commitRelease({
      release: rel,
      quarters: quarters.map((r) => ({ ranking: r, hash: r.quarter, expectedVersion: null })),
      change,
      token: 'big',
    });

    // Assess
    const stored = await env.clients.dynamodb.send(new GetCommand({ TableName: env.tableName, Key: keys.change(change.id) }));
    expect(stored.Item?.parts).toBeGreaterThan(1);
    expect(stored.Item).toMatchObject({ sk: 'CHANGE', type: 'change' });
    expect(await rankings.getChange(change.id)).toEqual(change);
    expect((await rankings.getQuarter(source, 'FY2018Q4'))?.rows).toHaveLength(3200);
  });
});

describe('DynamoRankingStore pending changes', () => {
  it('lists changes until they are marked notified, oldest first', async () => {
    // Prepare
    const { rankings, releases } = stores();
    const source = uniqueName('src');
    const a = release(source, 'a'.repeat(64));
    const b = release(source, 'b'.repeat(64));
    for (const rel of [a, b]) await releases.recordRelease(rel);
    const qa = ranking(source, 'FY2019Q1', [[ventura, 1]], a.sha256);
    const qb = ranking(source, 'FY2019Q2', [[ventura, 2]], b.sha256);
    const changeA = { ...releaseChange(a, [qa]), createdAt: '2026-01-01T00:00:00.000Z' };
    const changeB = { ...releaseChange(b, [qb]), createdAt: '2026-01-02T00:00:00.000Z' };
    await rankings.commitRelease({
      release: b,
      quarters: [{ ranking: qb, hash: 'b', expectedVersion: null }],
      change: changeB,
      token: 'b',
    });
    await rankings.commitRelease({
      release: a,
      quarters: [{ ranking: qa, hash: 'a', expectedVersion: null }],
      change: changeA,
      token: 'a',
    });
    const mine = async () => (await rankings.listPendingChanges()).filter((c) => c.source === source).map((c) => c.id);
    const pendingBefore = await mine();

    // Act
    await rankings.markChangeNotified(changeA.id);

    // Assess
    expect(pendingBefore).toEqual([changeA.id, changeB.id]);
    expect(await mine()).toEqual([changeB.id]);
    expect(await rankings.getChange(changeA.id)).toEqual(changeA);
    await expect(rankings.markChangeNotified(`${source}#missing`)).rejects.toThrow(/no change/);
  });
});

describe('DynamoRankingStore with received counts and facilities', () => {
  const withFacilities = (source: string, release: string): Ranking => {
    const rows = rankTallies([
      {
        jurisdiction: denver,
        declined: 33,
        received: 90,
        facilities: [
          { name: 'DENVER JUSTICE CENTER', type: 'local', received: 62, declined: 30 },
          { name: 'DENVER COUNTY JAIL', type: 'local', received: 23, declined: 3 },
          { name: 'US MARSHALS, COLORADO', type: 'federal', received: 5, declined: 0 },
        ],
      },
      {
        jurisdiction: dade,
        declined: 12,
        received: 52,
        facilities: [{ name: 'TURNER GUIFORD KNIGHT (TGK) JAIL', type: 'local', received: 12, declined: 12 }],
      },
      { jurisdiction: ventura, declined: 5, facilities: [{ name: 'VENTURA CO JAIL', type: 'local', declined: 5 }] },
    ]);
    return { source, quarter: 'FY2017Q1', complete: true, total: 50, rows, received: 151, release };
  };

  it("reads back each row's received count and facility split, and the quarter's received total", async () => {
    // Prepare
    const { rankings, releases } = stores();
    const source = uniqueName('src');
    const rel = release(source, '7'.repeat(64));
    await releases.recordRelease(rel);
    const q1 = withFacilities(source, rel.sha256);

    // Act
    await rankings.commitRelease({ release: rel, quarters: [{ ranking: q1, hash: 'h', expectedVersion: null }], change: null, token: 't' });
    const stored = await rankings.getQuarter(source, 'FY2017Q1');
    const listed = (await rankings.listQuarters(source))[0];

    // Assess
    expect(stored?.rows).toEqual(q1.rows);
    expect(stored?.received).toBe(151);
    expect(listed.rows[2].facilities).toEqual([{ name: 'VENTURA CO JAIL', type: 'local', declined: 5 }]);
  });

  it('packs a 3,000-county quarter with five facilities each well inside one 400 KB item', () => {
    // Prepare
    const tallies = Array.from({ length: 3000 }, (_, i) => {
      const facilities: FacilityTally[] = Array.from({ length: 5 }, (_, f) => ({
        name: `COUNTY ${i} ${['CNTY JAIL', 'CO. DET. CTR', 'POLICE DIST.', 'CORR.FAC.', 'U.S. MARSHALS'][f]}`,
        type: (['local', 'local', 'police', 'state', 'federal'] as const)[f],
        received: 40 + ((i * 7 + f * 13) % 900),
        declined: (i * 3 + f) % 17,
      }));
      return {
        jurisdiction: county(String(1001 + i).padStart(5, '0'), `County ${i}`, 'TX'),
        declined: facilities.reduce((n, f) => n + f.declined, 0) + 1,
        received: facilities.reduce((n, f) => n + (f.received ?? 0), 0),
        facilities,
      };
    });

    // Act
    const bytes = packRows(rankTallies(tallies)).byteLength;

    // Assess
    console.info(`3,000 counties x 5 facilities packed: ${(bytes / 1024).toFixed(0)} KB`);
    expect(bytes).toBeLessThan(300_000);
  });
});
