import { describe, expect, it } from 'vitest';
import type { ReleaseChange } from '../../functions/domain/change';
import { diffRanking } from '../../functions/domain/diff';
import { filterForSubscriber } from '../../functions/domain/filter';
import type { Jurisdiction } from '../../functions/domain/jurisdiction';
import { hashRanking } from '../../functions/domain/ranking';
import type { SubscriberFilters } from '../../functions/domain/subscriber';
import { DEFAULT_FILTERS } from '../../functions/domain/subscriber';
import {
  CLARK,
  DENVER,
  firstTrackingChange,
  LOS_ANGELES,
  MIAMI_DADE,
  mixedChange,
  NASSAU,
  newQuarterChange,
  ranking,
  revisionChange,
  SANTA_CLARA,
  VENTURA,
} from '../fixtures/fy2017-change-sets';

const filters = (f: Partial<SubscriberFilters>): SubscriberFilters => ({ ...DEFAULT_FILTERS, ...f });
const tableNames = (change: ReleaseChange | null, i = 0) => change!.quarters[i].after.rows.map((r) => r.jurisdiction.name);
const names = (list: { jurisdiction: Jurisdiction }[]) => list.map((m) => m.jurisdiction.name);

describe('filterForSubscriber: which jurisdictions', () => {
  it('keeps the national top 10 for default filters', () => {
    // Act
    const digest = filterForSubscriber(newQuarterChange(), DEFAULT_FILTERS);

    // Assess
    expect(tableNames(digest)).toHaveLength(10);
    expect(tableNames(digest)[0]).toBe('Ventura County');
    expect(names(digest!.quarters[0].entered)).toEqual(['Alameda County']);
    expect(names(digest!.quarters[0].left)).toEqual(['Nassau County']);
  });

  it('shows the top N within the subscriber states, keeping national ranks', () => {
    // Act
    const digest = filterForSubscriber(newQuarterChange(), filters({ states: ['co'] }));

    // Assess
    expect(digest!.quarters[0].after.rows.map((r) => [r.rank, r.jurisdiction.name])).toEqual([
      [2, 'Denver County'],
      [13, 'Adams County'],
      [15, 'Boulder County'],
    ]);
    expect(digest!.quarters[0].moved).toEqual([
      { jurisdiction: DENVER, from: 3, to: 2 },
      { jurisdiction: expect.objectContaining({ name: 'Adams County' }), from: 14, to: 13 },
    ]);
    expect(digest!.quarters[0].entered).toEqual([]);
    expect(digest!.quarters[0].left).toEqual([]);
  });

  it.each([['Denver'], ['Denver County'], ['denver county, co'], ['08031'], ['8031']])(
    'matches Denver County written as "%s"',
    (written) => {
      // Act
      const digest = filterForSubscriber(newQuarterChange(), filters({ jurisdictions: [written] }));

      // Assess
      expect(tableNames(digest)).toEqual(['Denver County']);
    },
  );

  it('matches "Miami-Dade" and "Miami Dade County" to Miami-Dade County, FL, and names outside the top N too', () => {
    // Act
    const digest = filterForSubscriber(newQuarterChange(), filters({ jurisdictions: ['Miami-Dade', 'Boulder'], topN: 5 }));
    const spaced = filterForSubscriber(newQuarterChange(), filters({ jurisdictions: ['Miami Dade County'] }));

    // Assess
    expect(tableNames(digest)).toEqual(['Miami-Dade County', 'Boulder County']);
    expect(tableNames(spaced)).toEqual(['Miami-Dade County']);
  });

  it('narrows a name by state: Clark County, WA is not Clark County, NV', () => {
    // Act
    const wrongState = filterForSubscriber(newQuarterChange(), filters({ jurisdictions: ['Clark County, WA'] }));
    const stateAndName = filterForSubscriber(newQuarterChange(), filters({ states: ['WA'], jurisdictions: ['Clark'] }));
    const right = filterForSubscriber(newQuarterChange(), filters({ jurisdictions: ['Clark County, NV'] }));

    // Assess
    expect(wrongState).toBeNull();
    expect(stateAndName).toBeNull();
    expect(tableNames(right)).toEqual(['Clark County']);
  });

  it('recomputes entered and left for the subscriber top N', () => {
    // Act
    const digest = filterForSubscriber(newQuarterChange(), filters({ topN: 8 }));

    // Assess
    expect(digest!.quarters[0].topN).toBe(8);
    expect(digest!.quarters[0].entered).toEqual([{ jurisdiction: SANTA_CLARA, from: 9, to: 8 }]);
    expect(digest!.quarters[0].left).toEqual([{ jurisdiction: NASSAU, from: 7, to: 14 }]);
    expect(tableNames(digest)).toHaveLength(8);
  });

  it('keeps unresolved facilities of the subscriber states only', () => {
    // Act
    const colorado = filterForSubscriber(newQuarterChange(), filters({ states: ['CO'] }));
    const florida = filterForSubscriber(newQuarterChange(), filters({ states: ['FL'] }));

    // Assess
    expect(colorado!.unresolved).toEqual([]);
    expect(florida!.unresolved.map((u) => u.name)).toEqual(['EVERGALDES CORR. INSTITUTION']);
  });
});

describe('filterForSubscriber: what is news', () => {
  it('sends a first-tracked quarter to anyone with a jurisdiction in it', () => {
    // Act
    const nevada = filterForSubscriber(firstTrackingChange(), filters({ states: ['NV'], minMove: 5, minDelta: 50 }));
    const vermont = filterForSubscriber(firstTrackingChange(), filters({ states: ['VT'] }));

    // Assess
    expect(tableNames(nevada)).toEqual(['Clark County']);
    expect(vermont).toBeNull();
  });

  it('sends a revision only to subscribers who watch what it changed', () => {
    // Act
    const colorado = filterForSubscriber(revisionChange(), filters({ states: ['CO'] }));
    const coloradoBigMoves = filterForSubscriber(revisionChange(), filters({ states: ['CO'], minMove: 2 }));
    const nevada = filterForSubscriber(revisionChange(), filters({ states: ['NV'] }));

    // Assess: Nassau's retraction lifts Adams County one place; that is a move in the Colorado table.
    expect(colorado!.quarters[0].deltas).toEqual([]);
    expect(colorado!.quarters[0].moved.map((m) => [m.jurisdiction.name, m.from, m.to])).toEqual([
      ['Adams County', 14, 13],
      ['Boulder County', 15, 14],
    ]);
    expect(coloradoBigMoves).toBeNull();
    expect(nevada!.quarters[0].deltas).toEqual([{ jurisdiction: CLARK, before: 68, after: 61 }]);
    expect(nevada!.quarters[0].retracted).toEqual([]);
  });

  it('applies the minimum count change to revisions and retractions', () => {
    // Act
    const ten = filterForSubscriber(revisionChange(), filters({ minDelta: 10, minMove: 5 }));
    const fifty = filterForSubscriber(revisionChange(), filters({ minDelta: 50, minMove: 5, topN: 20 }));

    // Assess
    expect(ten!.quarters[0].deltas).toEqual([]);
    expect(ten!.quarters[0].retracted).toEqual([{ jurisdiction: NASSAU, before: 38, after: 0 }]);
    expect(fifty).toBeNull();
  });

  it('applies the minimum rank move, but entering or leaving the top N is always news', () => {
    // Prepare: a stored FY2017 Q2 revised so that Los Angeles climbs one place into the top 4.
    const before = {
      ...ranking('FY2017Q2', [
        [VENTURA, 176],
        [DENVER, 112],
        [MIAMI_DADE, 97],
        [CLARK, 70],
        [LOS_ANGELES, 51],
      ]),
      hash: '',
      version: 1,
    };
    before.hash = hashRanking(before);
    const after = ranking('FY2017Q2', [
      [VENTURA, 176],
      [DENVER, 112],
      [MIAMI_DADE, 97],
      [CLARK, 70],
      [LOS_ANGELES, 71],
    ]);
    const change: ReleaseChange = {
      ...revisionChange(),
      quarters: [diffRanking({ before, after, afterHash: hashRanking(after), baseline: 'stored-version', topN: 10 })!],
    };

    // Act
    const bigMovesTop10 = filterForSubscriber(change, filters({ minMove: 2, minDelta: 100 }));
    const bigMovesTop3 = filterForSubscriber(change, filters({ minMove: 2, minDelta: 100, topN: 4 }));

    // Assess
    expect(bigMovesTop10).toBeNull();
    expect(bigMovesTop3!.quarters[0].entered).toEqual([{ jurisdiction: LOS_ANGELES, from: 5, to: 4 }]);
    expect(bigMovesTop3!.quarters[0].left).toEqual([{ jurisdiction: CLARK, from: 4, to: 5 }]);
    expect(bigMovesTop3!.quarters[0].moved).toEqual([]);
  });

  it('keeps only the quarters that matter to the subscriber, in the release order', () => {
    // Act
    const colorado = filterForSubscriber(mixedChange(), filters({ states: ['CO'], minMove: 2 }));
    const everyone = filterForSubscriber(mixedChange(), DEFAULT_FILTERS);

    // Assess
    expect(colorado!.quarters.map((q) => `${q.kind} ${q.quarter}`)).toEqual(['new-quarter FY2017Q2', 'partial-update FY2017Q3']);
    expect(everyone!.quarters.map((q) => `${q.kind} ${q.quarter}`)).toEqual([
      'new-quarter FY2017Q2',
      'revision FY2017Q1',
      'partial-update FY2017Q3',
    ]);
    expect(colorado!.id).toBe(everyone!.id);
  });
});
