import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Place, Resolver } from '../../functions/domain/jurisdiction';
import { hashRanking } from '../../functions/domain/ranking';
import type { Observation } from '../../functions/domain/release';
import { QuarterTallies } from '../../functions/domain/tally';
import { createResolver } from '../../functions/ingest/resolve/resolver';

/** One record of a record-level release, as the DDP parser emits it: every record, declined or not. */
const record = (facility: string, city: string, state: string, date: string, declined: boolean): Observation => ({
  place: { facility, city, state },
  count: declined ? 1 : 0,
  received: 1,
  date,
});

/** Real facility names (nprapps/sanctuary-cities, MIT) in the proportions of their lift reasons, FY2017 Q1. */
function denverAndMiami(): Observation[] {
  const out: Observation[] = [];
  const add = (n: number, facility: string, city: string, state: string, declined: boolean) => {
    for (let i = 0; i < n; i++) out.push(record(facility, city, state, `2016-1${i % 3}-0${1 + (i % 9)}`, declined));
  };
  add(30, 'DENVER JUSTICE CENTER', 'DENVER', 'COLORADO', true);
  add(32, 'DENVER JUSTICE CENTER', 'DENVER', 'COLORADO', false);
  add(3, 'DENVER COUNTY JAIL', 'DENVER', 'COLORADO', true);
  add(20, 'DENVER COUNTY JAIL', 'DENVER', 'COLORADO', false);
  add(5, 'US MARSHALS, COLORADO', 'DENVER', 'COLORADO', false);
  add(12, 'TURNER GUIFORD KNIGHT (TGK) JAIL', 'MIAMI', 'FLORIDA', true);
  add(40, 'KROME NORTH SPC', 'MIAMI', 'FLORIDA', false);
  add(9, 'BOULDER CO JAIL', 'BOULDER', 'COLORADO', false);
  return out;
}

function countingResolver(): { resolver: Resolver; calls: () => number } {
  const real = createResolver();
  let calls = 0;
  return {
    resolver: {
      resolve(place: Place) {
        calls++;
        return real.resolve(place);
      },
    },
    calls: () => calls,
  };
}

describe('QuarterTallies on record-level data', () => {
  it('counts every record as received and the declined ones as declined, per county and quarter', () => {
    // Prepare
    const tallies = new QuarterTallies(createResolver());

    // Act
    for (const o of denverAndMiami()) tallies.add(o);
    const [q1] = tallies.rankings('ddp', 'r', { from: '2016-10-01', to: '2016-12-31' });

    // Assess
    expect(q1.quarter).toBe('FY2017Q1');
    expect(q1.rows.map((r) => [r.jurisdiction.name, r.declined, r.received])).toEqual([
      ['Denver County', 33, 90],
      ['Miami-Dade County', 12, 52],
    ]);
    expect(q1.total).toBe(45);
    // Boulder declined none: not ranked, but its records are in the quarter's received.
    expect(q1.received).toBe(151);
  });

  it('lists the facilities behind each county row with their type, received and declined, most declined first', () => {
    // Prepare
    const tallies = new QuarterTallies(createResolver());

    // Act
    for (const o of denverAndMiami()) tallies.add(o);
    const [q1] = tallies.rankings('ddp', 'r', { from: '2016-10-01', to: '2016-12-31' });

    // Assess
    expect(q1.rows[0].facilities).toEqual([
      { name: 'DENVER JUSTICE CENTER', type: 'local', received: 62, declined: 30 },
      { name: 'DENVER COUNTY JAIL', type: 'local', received: 23, declined: 3 },
      { name: 'US MARSHALS, COLORADO', type: 'federal', received: 5, declined: 0 },
    ]);
    expect(q1.rows[1].facilities?.map((f) => [f.name, f.type])).toEqual([
      ['TURNER GUIFORD KNIGHT (TGK) JAIL', 'local'],
      ['KROME NORTH SPC', 'ice'],
    ]);
  });

  it('resolves each distinct place once however many records name it', () => {
    // Prepare
    const { resolver, calls } = countingResolver();
    const tallies = new QuarterTallies(resolver);
    const observations = Array.from({ length: 50 }, () => denverAndMiami()).flat();

    // Act
    for (const o of observations) tallies.add(o);

    // Assess
    expect(observations.length).toBe(7550);
    expect(calls()).toBe(6);
  });

  it('leaves received out where the source has no denominator (a jurisdiction table)', () => {
    // Prepare
    const tallies = new QuarterTallies(createResolver());

    // Act
    tallies.add({ place: { jurisdiction: 'Ventura', state: 'CA' }, count: 188, quarter: 'FY2017Q1' });
    const [q1] = tallies.rankings('table', 'r', undefined);

    // Assess
    expect(q1.rows).toEqual([
      { rank: 1, jurisdiction: { kind: 'county', fips: '06111', name: 'Ventura County', state: 'CA' }, declined: 188 },
    ]);
    expect(q1.received).toBeUndefined();
  });

  it('keeps an offence breakdown of the declined records only', () => {
    // Prepare
    const tallies = new QuarterTallies(createResolver());

    // Act
    tallies.add({ ...record('COOK COUNTY JAIL', 'CHICAGO', 'ILLINOIS', '2016-11-02', true), category: 'Level 1' });
    tallies.add({ ...record('COOK COUNTY JAIL', 'CHICAGO', 'ILLINOIS', '2016-11-03', false), category: 'Level 3' });
    const [q1] = tallies.rankings('ddp', 'r', undefined);

    // Assess
    expect(q1.rows[0]).toMatchObject({ declined: 1, received: 2, categories: { 'Level 1': 1 } });
  });

  it('lists unresolved facilities with what they declined and received, and the resolution rate counts declined ones', () => {
    // Prepare
    const tallies = new QuarterTallies(createResolver());

    // Act
    tallies.add(record('DENVER JUSTICE CENTER', 'DENVER', 'COLORADO', '2016-11-02', true));
    tallies.add(record('NOWHERE HOLDING', 'NOWHERE SPRINGS', 'COLORADO', '2016-11-02', true));
    tallies.add(record('NOWHERE HOLDING', 'NOWHERE SPRINGS', 'COLORADO', '2016-11-03', false));
    tallies.add(record('ELSEWHERE LOCKUP', 'NOWHERE SPRINGS', 'COLORADO', '2016-11-03', false));

    // Assess
    expect(tallies.unresolvedFacilities()).toEqual([
      { name: 'NOWHERE HOLDING', city: 'NOWHERE SPRINGS', state: 'CO', declined: 1, received: 2 },
      { name: 'ELSEWHERE LOCKUP', city: 'NOWHERE SPRINGS', state: 'CO', declined: 0, received: 1 },
    ]);
    expect(tallies.resolutionRate()).toBe(0.5);
  });
});

describe('hashRanking with received counts and facilities', () => {
  const quarterOf = (observations: Observation[]) => {
    const tallies = new QuarterTallies(createResolver());
    for (const o of observations) tallies.add(o);
    return tallies.rankings('ddp', 'r', { from: '2016-10-01', to: '2016-12-31' })[0];
  };

  it('is the same for the same records republished in another order', () => {
    // Prepare
    const a = quarterOf(denverAndMiami());
    const b = quarterOf(denverAndMiami().reverse());

    // Act + Assess
    expect(hashRanking(b)).toBe(hashRanking(a));
  });

  it('changes when only a received count changes, so the stored denominators are never stale', () => {
    // Prepare
    const a = quarterOf(denverAndMiami());
    const b = quarterOf([...denverAndMiami(), record('DENVER COUNTY JAIL', 'DENVER', 'COLORADO', '2016-12-01', false)]);

    // Act + Assess
    expect(b.total).toBe(a.total);
    expect(hashRanking(b)).not.toBe(hashRanking(a));
  });

  it('hashes a source without received counts or facilities exactly as before they existed', () => {
    // Prepare
    const tallies = new QuarterTallies(createResolver());
    tallies.add({ place: { jurisdiction: 'Ventura', state: 'CA' }, count: 188, quarter: 'FY2017Q1' });
    tallies.add({ place: { jurisdiction: 'Denver', state: 'CO' }, count: 74, quarter: 'FY2017Q1' });
    const [q1] = tallies.rankings('table', 'r', undefined);

    // Act
    const before = createHash('sha256').update('complete\ttrue\n06111\t188\n08031\t74').digest('hex');

    // Assess
    expect(hashRanking(q1)).toBe(before);
  });
});
