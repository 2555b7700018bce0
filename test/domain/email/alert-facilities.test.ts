import { describe, expect, it } from 'vitest';
import type { ReleaseChange } from '../../../functions/domain/change';
import { diffRanking } from '../../../functions/domain/diff';
import { composeAlert } from '../../../functions/domain/email';
import { filterForSubscriber } from '../../../functions/domain/filter';
import { hashRanking } from '../../../functions/domain/ranking';
import type { Observation } from '../../../functions/domain/release';
import { DEFAULT_FILTERS } from '../../../functions/domain/subscriber';
import { QuarterTallies } from '../../../functions/domain/tally';
import { createResolver } from '../../../functions/ingest/resolve/resolver';

type Spec = [facility: string, city: string, state: string, declined: number, received: number];

/** Two quarters of record-level data through the real tally, the second diffed against the first. */
function changeOf(q1: Spec[], q2: Spec[]): ReleaseChange {
  const tallies = new QuarterTallies(createResolver());
  const months: [string, Spec[]][] = [
    ['2016-11', q1],
    ['2017-02', q2],
  ];
  for (const [month, specs] of months) {
    for (const [facility, city, state, declined, received] of specs) {
      for (let i = 0; i < received; i++) {
        const o: Observation = { place: { facility, city, state }, count: i < declined ? 1 : 0, received: 1, date: `${month}-1${i % 9}` };
        tallies.add(o);
      }
    }
  }
  tallies.add({
    place: { facility: 'NOWHERE HOLDING', city: 'NOWHERE SPRINGS', state: 'TEXAS' },
    count: 1,
    received: 1,
    date: '2017-02-11',
  });
  tallies.add({
    place: { facility: 'ELSEWHERE LOCKUP', city: 'NOWHERE SPRINGS', state: 'TEXAS' },
    count: 0,
    received: 1,
    date: '2017-02-11',
  });
  const [before, after] = tallies.rankings('ddp', 'r'.repeat(64), { from: '2016-10-01', to: '2017-03-31' });
  const quarter = diffRanking({
    before,
    after,
    afterHash: hashRanking(after),
    baseline: 'previous-quarter',
    baselineQuarter: 'FY2017Q1',
    topN: 10,
  })!;
  return {
    id: 'ddp#r',
    source: 'ddp',
    release: 'r'.repeat(64),
    url: 'https://example.org/release.xlsx',
    archiveKey: 'raw/ddp/r.xlsx',
    firstSeen: '2026-12-04T00:00:00.000Z',
    createdAt: '2026-12-04T00:00:00.000Z',
    quarters: [quarter],
    unresolved: tallies.unresolvedFacilities(),
    resolutionRate: tallies.resolutionRate(),
  };
}

const Q1: Spec[] = [
  ['VENTURA CO PRE-TRIAL DETENTION', 'VENTURA', 'CALIFORNIA', 50, 60],
  ['TRAVIS CNTY JAIL, TX', 'AUSTIN', 'TEXAS', 40, 80],
  ['DENVER JUSTICE CENTER', 'DENVER', 'COLORADO', 10, 100],
  ['DENVER COUNTY JAIL', 'DENVER', 'COLORADO', 14, 20],
];
const Q2: Spec[] = [
  ['VENTURA CO PRE-TRIAL DETENTION', 'VENTURA', 'CALIFORNIA', 52, 60],
  ['TRAVIS CNTY JAIL, TX', 'AUSTIN', 'TEXAS', 30, 80],
  ['DENVER JUSTICE CENTER', 'DENVER', 'COLORADO', 60, 100],
  ['DENVER COUNTY JAIL', 'DENVER', 'COLORADO', 4, 20],
  ['US MARSHALS, COLORADO', 'DENVER', 'COLORADO', 7, 300],
];

const compose = (change: ReleaseChange) => {
  const filters = { ...DEFAULT_FILTERS };
  const digest = filterForSubscriber(change, filters)!;
  return composeAlert(
    digest,
    { email: 'reporter@example.org', status: 'confirmed', filters, createdAt: '2026-11-01T00:00:00.000Z' },
    {
      unsubscribeUrl: 'https://alerts.example.org/unsubscribe?token=abc',
      archiveUrl: 'https://alerts.example.org/archive/raw/ddp/r.xlsx',
    },
  );
};

describe('alert with record-level data', () => {
  it("states the decline rate beside the leader's count in the subject of a first quarter", () => {
    // Prepare
    const change = changeOf(Q1, Q2);
    const first = { ...change, quarters: [{ ...change.quarters[0], baseline: 'none' as const, entered: [], moved: [], deltas: [] }] };

    // Act
    const email = compose(first);

    // Assess
    expect(email.subject).toBe('FY2017 Q2 declined detainers: Denver County, CO is #1 with 71 (16.9% of 420)');
  });

  it('states the decline rate beside each count, in both parts', () => {
    // Act
    const email = compose(changeOf(Q1, Q2));

    // Assess
    expect(email.subject).toContain('Denver County, CO rises to #1');
    expect(email.text).toMatch(/Denver County, CO\s+71\s+16\.9% of 420/);
    expect(email.html).toContain('16.9% of 420 received');
    expect(email.html).toContain('86.7% of 60 received');
  });

  it("names the facilities that drove a county's move, largest change first", () => {
    // Act
    const email = compose(changeOf(Q1, Q2));

    // Assess
    const line = 'Denver County, CO: DENVER JUSTICE CENTER 10 → 60; DENVER COUNTY JAIL 14 → 4; US MARSHALS, COLORADO 0 → 7';
    expect(email.text).toContain('Facilities behind the moves:');
    expect(email.text).toContain(`  - ${line}`);
    expect(email.text).toContain('  - Travis County, TX: TRAVIS CNTY JAIL, TX 40 → 30');
    expect(email.text).not.toContain('NOWHERE HOLDING 0 → 1');
    expect(email.html).toContain(
      '<b>Denver County, CO</b>: DENVER JUSTICE CENTER 10 → 60; DENVER COUNTY JAIL 14 → 4; US MARSHALS, COLORADO 0 → 7',
    );
  });

  it('lists the facilities not placed in a county that declined detainers (not those that only received some)', () => {
    // Act
    const email = compose(changeOf(Q1, Q2));

    // Assess
    expect(email.text).toContain('NOT PLACED IN A COUNTY');
    expect(email.text).toContain('  - NOWHERE HOLDING, TX: 1');
    expect(email.text).not.toContain('ELSEWHERE LOCKUP');
  });
});
