import { describe, expect, it } from 'vitest';
import { diffRanking } from '../../functions/domain/diff';
import { hashRanking, type Ranking } from '../../functions/domain/ranking';
import { describeQuarterChange } from '../../local/summary';
import { DENVER, MIAMI_DADE, q1, ranking, VENTURA } from '../fixtures/fy2017-change-sets';

const firstSeen = (after: Ranking) => diffRanking({ after, afterHash: hashRanking(after), baseline: 'none', topN: 10 })!;

describe('describeQuarterChange', () => {
  it('names the single leader with its count', () => {
    // Act
    const text = describeQuarterChange(firstSeen(q1()));

    // Assess
    expect(text).toContain('#1 Ventura County, CA (188)');
  });

  it('names every jurisdiction tied at #1 instead of picking one', () => {
    // Prepare
    const tied = ranking('FY2014Q1', [
      [MIAMI_DADE, 1],
      [VENTURA, 1],
      [DENVER, 1],
    ]);

    // Act
    const text = describeQuarterChange(firstSeen(tied));

    // Assess
    expect(text).toMatch(/#1 tied at 1: .*Miami-Dade County, FL/);
    expect(text).toContain('Ventura County, CA');
    expect(text).toContain('Denver County, CO');
  });
});
