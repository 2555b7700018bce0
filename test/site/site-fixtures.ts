/**
 * A store as three real releases leave it (FY2017, source `ddp`, the press figures of
 * `fy2017-change-sets.ts`): release 1 brings FY2017 Q1, release 2 FY2017 Q2 (with detainers
 * received, so a decline rate), release 3 revises Q1 (Clark 68 → 61, Nassau retracted) and starts a
 * partial Q3. Written through the real DynamoRankingStore, so the site reads what ingest writes.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { RankingChange, ReleaseChange } from '../../functions/domain/change';
import { diffRanking } from '../../functions/domain/diff';
import type { Jurisdiction } from '../../functions/domain/jurisdiction';
import { hashRanking, type Ranking } from '../../functions/domain/ranking';
import type { Release } from '../../functions/domain/release';
import type { RankingStore } from '../../functions/ports/store';
import { CHANGE_ITEM } from '../../functions/store/table-schema';
import {
  ALAMEDA,
  CLARK,
  DENVER,
  FY2017Q1_COUNTS,
  FY2017Q1_REVISED_COUNTS,
  FY2017Q2_COUNTS,
  LOS_ANGELES,
  MIAMI_DADE,
  RELEASE_1,
  RELEASE_2,
  RELEASE_3,
  ranking,
  SOURCE,
  VENTURA,
} from '../fixtures/fy2017-change-sets';

/** Detainers received in FY2017 Q2 by some counties (the rest have none recorded: "—"). */
export const Q2_RECEIVED: Record<string, number> = { '06111': 400, '08031': 224, '12086': 970 };

function withReceived(r: Ranking, received: Record<string, number>): Ranking {
  return {
    ...r,
    rows: r.rows.map((row) => {
      const n = row.jurisdiction.kind === 'county' ? received[row.jurisdiction.fips] : undefined;
      return n === undefined ? row : { ...row, received: n, rate: row.declined / n };
    }),
  };
}

const Q3_COUNTS: [Jurisdiction, number][] = [
  [VENTURA, 70],
  [DENVER, 61],
  [MIAMI_DADE, 38],
  [CLARK, 30],
  [ALAMEDA, 17],
  [LOS_ANGELES, 16],
];

function releaseOf(sha: string, firstSeen: string): Release {
  return {
    source: SOURCE,
    sha256: sha,
    url: `https://deportationdata.org/data/ice/${sha.slice(0, 8)}.xlsx`,
    archiveKey: `raw/${SOURCE}/${sha}.xlsx`,
    bytes: 1000,
    format: 'ddp',
    firstSeen,
    status: 'archived',
  };
}

function changeOf(rel: Release, createdAt: string, quarters: RankingChange[]): ReleaseChange {
  return {
    id: `${SOURCE}#${rel.sha256}`,
    source: SOURCE,
    release: rel.sha256,
    url: rel.url,
    archiveKey: rel.archiveKey,
    publishedAt: createdAt.slice(0, 10),
    firstSeen: rel.firstSeen,
    createdAt,
    quarters,
    unresolved: [{ name: 'EVERGALDES CORR. INSTITUTION', state: 'FL', declined: 3 }],
    resolutionRate: 0.995,
  };
}

/** Commits the three releases in order; returns the change ids, oldest first. */
export async function seedFy2017(store: RankingStore): Promise<string[]> {
  const q1 = ranking('FY2017Q1', FY2017Q1_COUNTS, { release: RELEASE_1 });
  const q2 = withReceived(ranking('FY2017Q2', FY2017Q2_COUNTS, { release: RELEASE_2 }), Q2_RECEIVED);
  const q1r = ranking('FY2017Q1', FY2017Q1_REVISED_COUNTS, { release: RELEASE_3 });
  const q3 = ranking('FY2017Q3', Q3_COUNTS, { release: RELEASE_3, complete: false, coverage: { from: '2016-10-01', to: '2017-05-15' } });
  const steps = [
    {
      rel: releaseOf(RELEASE_1, '2026-11-01T04:00:00.000Z'),
      at: '2026-11-01T04:00:05.000Z',
      writes: [{ ranking: q1, expectedVersion: null }],
      diffs: [diffRanking({ after: q1, afterHash: hashRanking(q1), baseline: 'none', topN: 10 })!],
    },
    {
      rel: releaseOf(RELEASE_2, '2026-11-15T04:00:00.000Z'),
      at: '2026-11-15T04:00:05.000Z',
      writes: [{ ranking: q2, expectedVersion: null }],
      diffs: [
        diffRanking({
          before: q1,
          after: q2,
          afterHash: hashRanking(q2),
          baseline: 'previous-quarter',
          baselineQuarter: 'FY2017Q1',
          topN: 10,
        })!,
      ],
    },
    {
      rel: releaseOf(RELEASE_3, '2026-11-29T04:00:00.000Z'),
      at: '2026-11-29T04:00:05.000Z',
      writes: [
        { ranking: q1r, expectedVersion: 1 },
        { ranking: q3, expectedVersion: null },
      ],
      diffs: [
        diffRanking({
          before: q2,
          after: q3,
          afterHash: hashRanking(q3),
          baseline: 'previous-quarter',
          baselineQuarter: 'FY2017Q2',
          topN: 10,
        })!,
        diffRanking({
          before: { ...q1, hash: hashRanking(q1), version: 1 },
          after: q1r,
          afterHash: hashRanking(q1r),
          baseline: 'stored-version',
          topN: 10,
          history: [{ version: 1, hash: hashRanking(q1) }],
        })!,
      ],
    },
  ];
  const ids: string[] = [];
  for (const step of steps) {
    const change = changeOf(step.rel, step.at, step.diffs);
    await store.commitRelease({
      release: step.rel,
      quarters: step.writes.map((w) => ({ ranking: w.ranking, hash: hashRanking(w.ranking), expectedVersion: w.expectedVersion })),
      change,
      token: `seed-${step.rel.sha256.slice(0, 6)}`,
    });
    ids.push(change.id);
  }
  return ids;
}

/** A DynamoDB Streams event as Lambda delivers it: the inserted change records (and any other record given). */
export function streamEvent(records: { pk: string; sk: string; eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' }[]): DynamoDBStreamEvent {
  return {
    Records: records.map((r, i) => ({
      eventID: `event-${i}`,
      eventName: r.eventName ?? 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/dw/stream/2026-11-01T00:00:00.000',
      dynamodb: {
        Keys: { pk: { S: r.pk }, sk: { S: r.sk } },
        NewImage: { pk: { S: r.pk }, sk: { S: r.sk } },
        SequenceNumber: String(1000 + i),
        SizeBytes: 100,
        StreamViewType: 'NEW_IMAGE',
      },
    })),
  };
}

export function changeRecord(id: string): { pk: string; sk: string } {
  return { pk: `${CHANGE_ITEM.pkPrefix}${id}`, sk: CHANGE_ITEM.sk };
}
