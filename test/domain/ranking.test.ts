import { describe, expect, it } from 'vitest';
import { hashRanking, rankTallies } from '../../functions/domain/ranking';
import { CLARK, DENVER, EVERGLADES, LOS_ANGELES, MIAMI_DADE, q1, ranking, VENTURA } from '../fixtures/fy2017-change-sets';

describe('rankTallies', () => {
  it('gives tied counts the same rank and skips the next ones (1, 2, 2, 4)', () => {
    // Prepare
    const tallies = [
      { jurisdiction: DENVER, declined: 74 },
      { jurisdiction: VENTURA, declined: 188 },
      { jurisdiction: CLARK, declined: 74 },
      { jurisdiction: LOS_ANGELES, declined: 57 },
    ];

    // Act
    const rows = rankTallies(tallies);

    // Assess
    expect(rows.map((r) => [r.rank, r.jurisdiction.name])).toEqual([
      [1, 'Ventura County'],
      [2, 'Clark County'],
      [2, 'Denver County'],
      [4, 'Los Angeles County'],
    ]);
  });

  it('drops zero counts and keeps unresolved facilities as rows', () => {
    // Prepare
    const tallies = [
      { jurisdiction: MIAMI_DADE, declined: 0 },
      { jurisdiction: EVERGLADES, declined: 3 },
    ];

    // Act
    const rows = rankTallies(tallies);

    // Assess
    expect(rows).toEqual([{ rank: 1, jurisdiction: EVERGLADES, declined: 3 }]);
  });
});

describe('hashRanking', () => {
  it('is the same for the same numbers from another release, in another row order', () => {
    // Prepare
    const a = q1();
    const b = { ...q1(), release: 'f'.repeat(64), rows: [...q1().rows].reverse() };

    // Act + Assess
    expect(hashRanking(b)).toBe(hashRanking(a));
    expect(hashRanking(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when one count or the complete flag changes', () => {
    // Prepare
    const base = ranking('FY2017Q1', [
      [VENTURA, 188],
      [DENVER, 74],
    ]);
    const revised = ranking('FY2017Q1', [
      [VENTURA, 188],
      [DENVER, 73],
    ]);
    const partial = ranking(
      'FY2017Q1',
      [
        [VENTURA, 188],
        [DENVER, 74],
      ],
      { complete: false },
    );

    // Act
    const hashes = new Set([hashRanking(base), hashRanking(revised), hashRanking(partial)]);

    // Assess
    expect(hashes.size).toBe(3);
  });
});
