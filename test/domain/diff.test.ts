import { describe, expect, it } from 'vitest';
import type { RankingChange } from '../../functions/domain/change';
import { diffRanking, orderQuarterChanges } from '../../functions/domain/diff';
import type { Jurisdiction } from '../../functions/domain/jurisdiction';
import { jurisdictionKey } from '../../functions/domain/jurisdiction';
import type { Ranking } from '../../functions/domain/ranking';
import { hashRanking, rankTallies } from '../../functions/domain/ranking';
import {
  ALAMEDA,
  CLARK,
  DENVER,
  LOS_ANGELES,
  MIAMI_DADE,
  NASSAU,
  q1,
  q1Revised,
  q2,
  ranking,
  VENTURA,
} from '../fixtures/fy2017-change-sets';

const names = (list: { jurisdiction: Jurisdiction }[]) => list.map((m) => m.jurisdiction.name);
const stored = (r: Ranking, version: number) => ({ ...r, hash: hashRanking(r), version });

describe('diffRanking against the previous quarter (a new quarter)', () => {
  // Prepare
  const change = diffRanking({
    before: q1(),
    after: q2(),
    afterHash: hashRanking(q2()),
    baseline: 'previous-quarter',
    baselineQuarter: 'FY2017Q1',
    topN: 10,
  })!;

  it('is a new quarter measured against FY2017 Q1', () => {
    // Assess
    expect(change).toMatchObject({
      kind: 'new-quarter',
      baseline: 'previous-quarter',
      baselineQuarter: 'FY2017Q1',
      quarter: 'FY2017Q2',
      complete: true,
      totalBefore: 727,
      totalAfter: 714,
    });
    expect(change.previousComplete).toBeUndefined();
  });

  it('lists who entered and who left the top 10, with ranks from → to', () => {
    // Assess
    expect(change.entered).toEqual([{ jurisdiction: ALAMEDA, from: 12, to: 9 }]);
    expect(change.left).toEqual([{ jurisdiction: NASSAU, from: 7, to: 14 }]);
  });

  it('lists rank moves among jurisdictions ranked in both', () => {
    // Assess
    expect(change.moved).toContainEqual({ jurisdiction: DENVER, from: 3, to: 2 });
    expect(change.moved).toContainEqual({ jurisdiction: MIAMI_DADE, from: 2, to: 3 });
    expect(names(change.moved)).not.toContain('Ventura County');
  });

  it('lists count deltas, biggest first, and keeps previous ranks on the rows', () => {
    // Assess
    expect(change.deltas[0]).toEqual({ jurisdiction: DENVER, before: 74, after: 112 });
    expect(change.deltas).toContainEqual({ jurisdiction: VENTURA, before: 188, after: 176 });
    const denver = change.after.rows.find((r) => r.jurisdiction === DENVER) as (typeof change.after.rows)[number] & {
      previousRank: number | null;
      previousDeclined?: number;
    };
    expect(denver).toMatchObject({ rank: 2, previousRank: 3, previousDeclined: 74 });
    expect(change.previousRanks[jurisdictionKey(NASSAU)]).toBe(7);
    expect(change.retracted).toEqual([]);
  });
});

describe('diffRanking against the stored version (a revision)', () => {
  it('reports the corrected count and the retracted jurisdiction', () => {
    // Prepare
    const before = stored(q1(), 1);

    // Act
    const change = diffRanking({
      before,
      after: q1Revised(),
      afterHash: hashRanking(q1Revised()),
      baseline: 'stored-version',
      topN: 10,
      history: [{ version: 1, hash: before.hash }],
    })!;

    // Assess
    expect(change).toMatchObject({
      kind: 'revision',
      baseline: 'stored-version',
      baselineQuarter: 'FY2017Q1',
      previousComplete: true,
      totalBefore: 727,
      totalAfter: 682,
    });
    expect(change.deltas).toEqual([{ jurisdiction: CLARK, before: 68, after: 61 }]);
    expect(change.retracted).toEqual([{ jurisdiction: NASSAU, before: 38, after: 0 }]);
    expect(change.left).toEqual([{ jurisdiction: NASSAU, from: 7, to: null }]);
    expect(change.revertsTo).toBeUndefined();
  });

  it('returns null when the stored version has the same numbers', () => {
    // Prepare
    const before = stored(q1(), 3);
    const again = { ...q1(), release: 'e'.repeat(64) };

    // Act
    const change = diffRanking({ before, after: again, afterHash: hashRanking(again), baseline: 'stored-version', topN: 10 });

    // Assess
    expect(change).toBeNull();
  });

  it('reports a revert A → B → A as a change that returns to v1', () => {
    // Prepare
    const v1 = stored(q1(), 1);
    const v2 = stored(q1Revised(), 2);
    const history = [
      { version: 1, hash: v1.hash },
      { version: 2, hash: v2.hash },
    ];

    // Act
    const change = diffRanking({ before: v2, after: q1(), afterHash: hashRanking(q1()), baseline: 'stored-version', topN: 10, history })!;

    // Assess
    expect(change.kind).toBe('revision');
    expect(change.revertsTo).toBe('v1');
    expect(change.deltas).toEqual([
      { jurisdiction: NASSAU, before: 0, after: 38 },
      { jurisdiction: CLARK, before: 61, after: 68 },
    ]);
    expect(change.entered).toEqual([{ jurisdiction: NASSAU, from: null, to: 7 }]);
  });

  it('needs the stored ranking for a stored-version baseline', () => {
    // Act + Assess
    expect(() => diffRanking({ after: q1(), afterHash: hashRanking(q1()), baseline: 'stored-version', topN: 10 })).toThrow(
      /needs the stored ranking/,
    );
  });
});

describe('diffRanking of a partial quarter', () => {
  const partialQ2 = (counts: [Jurisdiction, number][]) =>
    ranking('FY2017Q2', counts, { complete: false, coverage: { from: '2016-10-01', to: '2017-02-15' } });

  it('does not report a lower count or a missing jurisdiction as a drop', () => {
    // Prepare
    const before = stored(
      partialQ2([
        [VENTURA, 90],
        [DENVER, 60],
        [CLARK, 40],
        [LOS_ANGELES, 12],
      ]),
      1,
    );
    const after = partialQ2([
      [VENTURA, 120],
      [DENVER, 55],
      [CLARK, 58],
    ]);

    // Act
    const change = diffRanking({ before, after, afterHash: hashRanking(after), baseline: 'stored-version', topN: 3 })!;

    // Assess
    expect(change.kind).toBe('partial-update');
    expect(change.deltas).toEqual([
      { jurisdiction: VENTURA, before: 90, after: 120 },
      { jurisdiction: CLARK, before: 40, after: 58 },
    ]);
    expect(change.retracted).toEqual([]);
    expect(change.left).toEqual([]);
    expect(change.moved).toEqual([
      { jurisdiction: CLARK, from: 3, to: 2 },
      { jurisdiction: DENVER, from: 2, to: 3 },
    ]);
  });

  it('is a partial update when a new partial quarter is compared with the complete one before', () => {
    // Prepare
    const after = partialQ2([
      [VENTURA, 30],
      [DENVER, 41],
    ]);

    // Act
    const change = diffRanking({
      before: q1(),
      after,
      afterHash: hashRanking(after),
      baseline: 'previous-quarter',
      baselineQuarter: 'FY2017Q1',
      topN: 2,
    })!;

    // Assess
    expect(change).toMatchObject({ kind: 'partial-update', baseline: 'previous-quarter', complete: false });
    expect(change.deltas).toEqual([]);
    expect(change.left).toEqual([]);
    expect(change.entered).toEqual([{ jurisdiction: DENVER, from: 3, to: 1 }]);
  });

  it('is a partial update when a partial stored quarter becomes complete', () => {
    // Prepare
    const before = stored(ranking('FY2017Q1', [[VENTURA, 150]], { complete: false }), 1);

    // Act
    const change = diffRanking({ before, after: q1(), afterHash: hashRanking(q1()), baseline: 'stored-version', topN: 10 })!;

    // Assess
    expect(change).toMatchObject({ kind: 'partial-update', complete: true, previousComplete: false });
    expect(change.deltas).toContainEqual({ jurisdiction: VENTURA, before: 150, after: 188 });
    expect(change.deltas).toContainEqual({ jurisdiction: MIAMI_DADE, before: 0, after: 93 });
  });
});

describe('diffRanking without a baseline', () => {
  it('is a new quarter with nothing entered, moved or changed', () => {
    // Act
    const change = diffRanking({ after: q1(), afterHash: hashRanking(q1()), baseline: 'none', topN: 10 })!;

    // Assess
    expect(change).toMatchObject({ kind: 'new-quarter', baseline: 'none', totalBefore: null, totalAfter: 727 });
    expect(change.baselineQuarter).toBeUndefined();
    expect([change.entered, change.left, change.moved, change.deltas, change.retracted]).toEqual([[], [], [], [], []]);
    expect(Object.values(change.previousRanks).every((r) => r === null)).toBe(true);
  });

  it('re-ranks rows itself instead of trusting the ranks it is given', () => {
    // Prepare
    const scrambled = { ...q1(), rows: q1().rows.map((r) => ({ ...r, rank: 99 })) };

    // Act
    const change = diffRanking({ after: scrambled, afterHash: hashRanking(scrambled), baseline: 'none', topN: 10 })!;

    // Assess
    expect(change.after.rows.slice(0, 3).map((r) => r.rank)).toEqual([1, 2, 3]);
  });
});

describe('orderQuarterChanges', () => {
  it('puts new quarters first, then revisions, then partial updates, each by quarter', () => {
    // Prepare
    const c = (kind: RankingChange['kind'], quarter: RankingChange['quarter']) => ({ kind, quarter, source: 'ddp' });
    const changes = [
      c('partial-update', 'FY2017Q3'),
      c('revision', 'FY2017Q1'),
      c('new-quarter', 'FY2017Q2'),
      c('revision', 'FY2016Q4'),
      c('new-quarter', 'FY2016Q3'),
    ];

    // Act
    const ordered = orderQuarterChanges(changes);

    // Assess
    expect(ordered.map((x) => `${x.kind} ${x.quarter}`)).toEqual([
      'new-quarter FY2016Q3',
      'new-quarter FY2017Q2',
      'revision FY2016Q4',
      'revision FY2017Q1',
      'partial-update FY2017Q3',
    ]);
  });
});

describe('diffRanking names the facilities behind a move', () => {
  const facilityRanking = (
    quarter: Ranking['quarter'],
    rows: [Jurisdiction, [string, 'local' | 'federal' | 'ice', number][]][],
  ): Ranking => {
    const tallies = rows.map(([jurisdiction, facilities]) => ({
      jurisdiction,
      declined: facilities.reduce((n, [, , d]) => n + d, 0),
      facilities: facilities.map(([name, type, declined]) => ({ name, type, declined })),
    }));
    const ranked = rankTallies(tallies);
    return { source: 'ddp', quarter, complete: true, total: ranked.reduce((n, r) => n + r.declined, 0), rows: ranked, release: 'r' };
  };

  it('lists, for a county that rose, the facilities whose counts changed most, largest first', () => {
    // Prepare
    const before = facilityRanking('FY2017Q1', [
      [VENTURA, [['VENTURA CO PRE-TRIAL DETENTION', 'local', 188]]],
      [
        DENVER,
        [
          ['DENVER JUSTICE CENTER', 'local', 60],
          ['DENVER COUNTY JAIL', 'local', 14],
        ],
      ],
    ]);
    const after = facilityRanking('FY2017Q2', [
      [VENTURA, [['VENTURA CO PRE-TRIAL DETENTION', 'local', 150]]],
      [
        DENVER,
        [
          ['DENVER JUSTICE CENTER', 'local', 150],
          ['DENVER COUNTY JAIL', 'local', 4],
          ['US MARSHALS, COLORADO', 'federal', 7],
        ],
      ],
    ]);

    // Act
    const change = diffRanking({ before, after, afterHash: hashRanking(after), baseline: 'previous-quarter', topN: 10 });

    // Assess
    expect(change?.facilityChanges?.[DENVER.fips]).toEqual([
      { name: 'DENVER JUSTICE CENTER', type: 'local', before: 60, after: 150 },
      { name: 'DENVER COUNTY JAIL', type: 'local', before: 14, after: 4 },
      { name: 'US MARSHALS, COLORADO', type: 'federal', before: 0, after: 7 },
    ]);
    expect(change?.facilityChanges?.[VENTURA.fips]).toEqual([
      { name: 'VENTURA CO PRE-TRIAL DETENTION', type: 'local', before: 188, after: 150 },
    ]);
    expect(change?.after.rows[0].facilities).toHaveLength(3);
  });

  it('names nothing for a county that kept its rank, nor for a source without facilities', () => {
    // Prepare
    const before = facilityRanking('FY2017Q1', [[VENTURA, [['VENTURA CO PRE-TRIAL DETENTION', 'local', 188]]]]);
    const after = facilityRanking('FY2017Q2', [[VENTURA, [['VENTURA CO PRE-TRIAL DETENTION', 'local', 190]]]]);

    // Act
    const kept = diffRanking({ before, after, afterHash: hashRanking(after), baseline: 'previous-quarter', topN: 10 });
    const table = diffRanking({ before: q1(), after: q2(), afterHash: hashRanking(q2()), baseline: 'previous-quarter', topN: 10 });

    // Assess
    expect(kept?.facilityChanges).toBeUndefined();
    expect(table?.facilityChanges).toBeUndefined();
  });
});
