import { describe, expect, it } from 'vitest';
import { hashRanking } from '../../functions/domain/ranking';
import type { Observation } from '../../functions/domain/release';
import { QuarterTallies } from '../../functions/domain/tally';
import { createResolver } from '../../functions/ingest/resolve/resolver';
import type { StoredQuarter } from '../../functions/ports/store';
import { historyJson, historyText, unresolvedJson, unresolvedText } from '../../local/history-view';
import { rankingJson, rankingText } from '../../local/rankings-view';

type Spec = [facility: string, city: string, state: string, declined: number, received: number];

/** Stored quarters as ingest makes them: observations of every record through the real tally and resolver. */
function stored(source: string, byQuarter: Record<string, Spec[]>): StoredQuarter[] {
  const tallies = new QuarterTallies(createResolver());
  const firstMonth: Record<string, string> = { FY2017Q1: '2016-10', FY2017Q2: '2017-01' };
  for (const [quarter, specs] of Object.entries(byQuarter)) {
    for (const [facility, city, state, declined, received] of specs) {
      for (let i = 0; i < received; i++) {
        const o: Observation = {
          place: { facility, city, state },
          count: i < declined ? 1 : 0,
          received: 1,
          date: `${firstMonth[quarter]}-1${i % 9}`,
        };
        tallies.add(o);
      }
    }
  }
  return tallies
    .rankings(source, 'r'.repeat(64), { from: '2016-10-01', to: '2017-03-31' })
    .map((r) => ({ ...r, version: 1, hash: hashRanking(r), storedAt: '2026-12-04T00:00:00Z' }));
}

const Q1: Spec[] = [
  ['DENVER JUSTICE CENTER', 'DENVER', 'COLORADO', 60, 100],
  ['US MARSHALS, COLORADO', 'DENVER', 'COLORADO', 0, 300],
  ['VENTURA CO PRE-TRIAL DETENTION', 'VENTURA', 'CALIFORNIA', 50, 60],
  ['TRAVIS CNTY JAIL, TX', 'AUSTIN', 'TEXAS', 20, 25],
  ['CDCR WASCO STATE PRISON', 'WASCO', 'CALIFORNIA', 30, 200],
  ['NOWHERE HOLDING', 'NOWHERE SPRINGS', 'TEXAS', 4, 9],
];
const Q2: Spec[] = [
  ['DENVER JUSTICE CENTER', 'DENVER', 'COLORADO', 40, 90],
  ['DENVER COUNTY JAIL', 'DENVER', 'COLORADO', 35, 50],
  ['VENTURA CO PRE-TRIAL DETENTION', 'VENTURA', 'CALIFORNIA', 50, 70],
];

describe('rankings view', () => {
  it('keeps counting every facility under its county, with received and rate beside declined', () => {
    // Prepare
    const all = stored('ddp', { FY2017Q1: Q1 });

    // Act
    const view = rankingJson(all[0], all);

    // Assess
    expect(view).toMatchObject({
      source: 'ddp',
      quarter: 'FY2017Q1',
      total: 164,
      by: 'declined',
      facilityTypes: ['local', 'police', 'state', 'federal', 'ice', 'other'],
    });
    expect(view.rows.map((r) => [r.rank, r.name, r.declined, r.received, r.rate, r.facilityTypes])).toEqual([
      [1, 'Denver County', 60, 400, 0.15, ['local', 'federal']],
      [2, 'Ventura County', 50, 60, 0.833, ['local']],
      [3, 'Kern County', 30, 200, 0.15, ['state']],
      [4, 'Travis County', 20, 25, 0.8, ['local']],
      [5, 'NOWHERE HOLDING', 4, 9, 0.444, ['other']],
    ]);
    expect(view.rows[4].unresolved).toBe(true);
  });

  it('ranks by decline rate, ties sharing a rank, and leaves out rows below --min-received', () => {
    // Prepare
    const all = stored('ddp', { FY2017Q1: Q1 });

    // Act
    const byRate = rankingJson(all[0], all, { by: 'rate' });
    const enough = rankingJson(all[0], all, { by: 'rate', minReceived: 50 });

    // Assess
    expect(byRate.rows.map((r) => [r.rank, r.name, r.rate])).toEqual([
      [1, 'Ventura County', 0.833],
      [2, 'Travis County', 0.8],
      [3, 'NOWHERE HOLDING', 0.444],
      [4, 'Denver County', 0.15],
      [4, 'Kern County', 0.15],
    ]);
    expect(enough.rows.map((r) => [r.rank, r.name])).toEqual([
      [1, 'Ventura County'],
      [2, 'Denver County'],
      [2, 'Kern County'],
    ]);
    expect(rankingText(enough)).toContain('ranked by decline rate');
  });

  it('restricts counts to the chosen facility types and says which types the counts include', () => {
    // Prepare
    const all = stored('ddp', { FY2017Q1: Q1 });

    // Act
    const local = rankingJson(all[0], all, { facilityTypes: ['local'] });

    // Assess
    expect(local.facilityTypes).toEqual(['local']);
    expect(local.total).toBe(130);
    expect(local.rows.map((r) => [r.rank, r.name, r.declined, r.received, r.facilityTypes])).toEqual([
      [1, 'Denver County', 60, 100, ['local']],
      [2, 'Ventura County', 50, 60, ['local']],
      [3, 'Travis County', 20, 25, ['local']],
    ]);
  });

  it('computes the previous rank by the same measure', () => {
    // Prepare
    const all = stored('ddp', { FY2017Q1: Q1, FY2017Q2: Q2 });
    const q2 = all.find((q) => q.quarter === 'FY2017Q2')!;

    // Act
    const byDeclined = rankingJson(q2, all);
    const byRate = rankingJson(q2, all, { by: 'rate' });

    // Assess
    expect(byDeclined.rows.map((r) => [r.name, r.rank, r.previousRank])).toEqual([
      ['Denver County', 1, 1],
      ['Ventura County', 2, 2],
    ]);
    expect(byRate.rows.map((r) => [r.name, r.rank, r.previousRank])).toEqual([
      ['Ventura County', 1, 1],
      ['Denver County', 2, 4],
    ]);
  });

  it('prints received and rate in the text table', () => {
    // Prepare
    const all = stored('ddp', { FY2017Q1: Q1 });

    // Act
    const text = rankingText(rankingJson(all[0], all, { top: 2 }));

    // Assess
    expect(text.split('\n')).toHaveLength(3);
    expect(text).toMatch(/Ventura County, CA\s+50 of\s+60\s+83\.3%/);
  });
});

describe('history view', () => {
  it("shows received and rate per quarter, and with --facilities each facility's received and declined", () => {
    // Prepare
    const all = stored('ddp', { FY2017Q1: Q1, FY2017Q2: Q2 });

    // Act
    const history = historyJson(all, 'Denver', { facilities: true });

    // Assess
    expect(history).toMatchObject({ fips: '08031', name: 'Denver County', state: 'CO' });
    expect(history!.quarters.map((p) => [p.quarter, p.declined, p.received, p.rate])).toEqual([
      ['FY2017Q1', 60, 400, 0.15],
      ['FY2017Q2', 75, 140, 0.536],
    ]);
    expect(history!.quarters[1].facilities).toEqual([
      { name: 'DENVER JUSTICE CENTER', type: 'local', received: 90, declined: 40 },
      { name: 'DENVER COUNTY JAIL', type: 'local', received: 50, declined: 35 },
    ]);
    expect(historyText(history!)).toMatch(/US MARSHALS, COLORADO\s+federal\s+0 declined of 300 received/);
  });

  it('leaves facilities out unless asked, and returns null for a jurisdiction no quarter ranks', () => {
    // Prepare
    const all = stored('ddp', { FY2017Q1: Q1 });

    // Act
    const plain = historyJson(all, '06111');
    const none = historyJson(all, 'Nowhere County');

    // Assess
    expect(plain!.quarters[0]).not.toHaveProperty('facilities');
    expect(none).toBeNull();
  });
});

describe('unresolved view', () => {
  it('lists the facilities not placed in a county with their counts', () => {
    // Prepare
    const all = stored('ddp', { FY2017Q1: Q1 });

    // Act
    const view = unresolvedJson(all[0]);

    // Assess
    expect(view).toEqual({
      source: 'ddp',
      quarter: 'FY2017Q1',
      unresolved: [{ name: 'NOWHERE HOLDING', city: 'NOWHERE SPRINGS', state: 'TX', declined: 4, received: 9 }],
    });
    expect(unresolvedText(view)).toContain('NOWHERE HOLDING (NOWHERE SPRINGS, TX)');
  });
});
