import { describe, expect, it } from 'vitest';
import type { ReleaseChange } from '../../../functions/domain/change';
import { diffRanking } from '../../../functions/domain/diff';
import { composeAlert } from '../../../functions/domain/email';
import { filterForSubscriber } from '../../../functions/domain/filter';
import type { Jurisdiction } from '../../../functions/domain/jurisdiction';
import { hashRanking } from '../../../functions/domain/ranking';
import type { Subscriber, SubscriberFilters } from '../../../functions/domain/subscriber';
import { DEFAULT_FILTERS } from '../../../functions/domain/subscriber';
import { firstTrackingChange, mixedChange, newQuarterChange, ranking, revisionChange, VENTURA } from '../../fixtures/fy2017-change-sets';

const subscriber = (filters: Partial<SubscriberFilters> = {}): Subscriber => ({
  email: 'reporter@example.org',
  status: 'confirmed',
  filters: { ...DEFAULT_FILTERS, ...filters },
  createdAt: '2026-11-01T00:00:00.000Z',
});
const links = {
  unsubscribeUrl: 'https://alerts.example.org/unsubscribe?token=abc.def',
  archiveUrl: 'https://alerts.example.org/archive/raw/ddp/x.xlsx',
};
const compose = (change: ReleaseChange, filters: Partial<SubscriberFilters> = {}) => {
  const s = subscriber(filters);
  const digest = filterForSubscriber(change, s.filters);
  if (!digest) throw new Error('expected the change to match the subscriber');
  return composeAlert(digest, s, links);
};
const order = (body: string, markers: string[]) => markers.map((m) => body.indexOf(m));
const ascending = (positions: number[]) => positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]));

describe('composeAlert subject', () => {
  it.each([
    ['first tracking of a quarter', firstTrackingChange, {}, 'FY2017 Q1 declined detainers: Ventura County, CA is #1 with 188'],
    ['a new quarter', newQuarterChange, {}, 'FY2017 Q2 declined detainers: Denver County, CO rises to #2; Ventura County, CA stays #1'],
    [
      'a revision',
      revisionChange,
      {},
      'Revised: FY2017 Q1 declined detainers: Clark County, NV revised 68 → 61; Nassau County, NY removed (was 38)',
    ],
    [
      'a revision seen from Nevada',
      revisionChange,
      { states: ['NV'] },
      'Revised: FY2017 Q1 declined detainers: Clark County, NV revised 68 → 61',
    ],
    [
      'a revision seen from California, where only ranks moved',
      revisionChange,
      { states: ['CA'] },
      'Revised: FY2017 Q1 declined detainers: Santa Clara County, CA rises to #8',
    ],
    [
      'a release with three quarters',
      mixedChange,
      {},
      'FY2017 Q2 declined detainers: Denver County, CO rises to #2; Ventura County, CA stays #1 — also FY2017 Q1 revised, FY2017 Q3 partial update',
    ],
    ['a Colorado subscriber', newQuarterChange, { states: ['CO'] }, 'FY2017 Q2 declined detainers: Denver County, CO rises to #2'],
  ])('states the headline of %s', (_, change, filters, subject) => {
    // Act
    const email = compose(change(), filters);

    // Assess
    expect(email.subject).toBe(subject);
  });

  it('counts the other quarters of a large release instead of naming them', () => {
    // Prepare
    const [q2, q1, q3] = mixedChange().quarters;
    const change = {
      ...mixedChange(),
      quarters: [q2, { ...q2, quarter: 'FY2017Q4' as const }, { ...q2, quarter: 'FY2018Q1' as const }, q1, q3],
    };

    // Act
    const email = compose(change);

    // Assess
    expect(email.subject).toBe(
      'FY2017 Q2 declined detainers: Denver County, CO rises to #2; Ventura County, CA stays #1 — also 2 new quarters, 1 revised, 1 partial update',
    );
  });

  it('says when a revision goes back to earlier numbers', () => {
    // Prepare
    const v1 = ranking('FY2017Q1', [[VENTURA, 188]]);
    const v2 = ranking('FY2017Q1', [[VENTURA, 180]]);
    const before = { ...v2, hash: hashRanking(v2), version: 2 };
    const quarter = diffRanking({
      before,
      after: v1,
      afterHash: hashRanking(v1),
      baseline: 'stored-version',
      topN: 10,
      history: [
        { version: 1, hash: hashRanking(v1) },
        { version: 2, hash: before.hash },
      ],
    })!;

    // Act
    const email = compose({ ...revisionChange(), quarters: [quarter] });

    // Assess
    expect(email.subject).toBe('Revised: FY2017 Q1 declined detainers (back to v1): Ventura County, CA revised 180 → 188');
    expect(email.text).toContain('These numbers are the same as version 1 of this quarter');
  });
});

describe('composeAlert body', () => {
  it('puts the sections of each quarter, then the release, in a fixed order in both parts', () => {
    // Act
    const email = compose(revisionChange());

    // Assess
    const html = order(email.html, [
      'Revised: FY2017 Q1 declined detainers',
      'Entered the top 10',
      'Revised numbers',
      'Retracted',
      'Top 10',
      'Total, all jurisdictions',
      'Not placed in a county',
      'About this release',
      'Unsubscribe',
    ]);
    const text = order(email.text, [
      'REVISED: FY2017 Q1 DECLINED DETAINERS',
      'Entered the top 10:',
      'Revised numbers:',
      'Retracted:',
      'Top 10',
      'Total, all jurisdictions',
      'NOT PLACED IN A COUNTY',
      'ABOUT THIS RELEASE',
      'Unsubscribe:',
    ]);
    expect(ascending(html)).toBe(true);
    expect(ascending(text)).toBe(true);
  });

  it('orders the quarters new, revised, partial and labels the partial one', () => {
    // Act
    const email = compose(mixedChange());

    // Assess
    expect(
      ascending(
        order(email.text, [
          'FY2017 Q2 DECLINED DETAINERS [new quarter]',
          'REVISED: FY2017 Q1',
          'FY2017 Q3 (PARTIAL) DECLINED DETAINERS [new quarter, partial]',
        ]),
      ),
    ).toBe(true);
    expect(email.html).toMatch(/FY2017 Q3<span[^>]*>New quarter<\/span><span[^>]*>partial<\/span>/);
    expect(email.html).not.toMatch(/FY2017 Q2<span[^>]*>New quarter<\/span><span[^>]*>partial/);
    expect(email.text).toContain('Partial quarter: the data ends or starts inside FY2017 Q3 (the release covers 2016-10-01 to 2017-05-15)');
    expect(email.text).toContain('Total, all jurisdictions (so far)');
  });

  it('shows revised numbers before → after, the retraction, entrants and exits', () => {
    // Act
    const revision = compose(revisionChange());
    const quarter = compose(newQuarterChange());

    // Assess
    expect(revision.text).toContain('  - Clark County, NV: 68 → 61');
    expect(revision.text).toContain('  - Nassau County, NY: 38 → removed from this release');
    expect(revision.html).toContain('Nassau County, NY');
    expect(quarter.text).toMatch(/Entered the top 10:\n {2}- Alameda County, CA: #12 → #9/);
    expect(quarter.text).toMatch(/Left the top 10:\n {2}- Nassau County, NY: #7 → #14/);
  });

  it('draws the top-N table with arrows, deltas and bars proportional to the counts', () => {
    // Act
    const email = compose(newQuarterChange());

    // Assess
    expect(email.text).toMatch(/^ {3}2 {2}▲1 {5}Denver County, CO +112 +\+38 {2}█{13}$/m);
    expect(email.text).toMatch(/^ {3}1 {2}- +Ventura County, CA +176 +-12 {2}█{20}$/m);
    expect(email.html).toContain('&#9650;&nbsp;1');
    expect(email.html).toContain('&#9660;&nbsp;1');
    const bars = [...email.html.matchAll(/class="dw-bar" width="([\d.]+)%"/g)].map((m) => Number(m[1]));
    expect(bars).toHaveLength(10);
    expect(bars[0]).toBe(100);
    expect(bars[1]).toBeCloseTo((112 / 176) * 100, 0);
  });

  it('shows "new" for a jurisdiction that was not ranked in the baseline', () => {
    // Prepare
    const before = ranking('FY2017Q1', [[VENTURA, 188]]);
    const after = ranking('FY2017Q2', [
      [VENTURA, 150],
      [{ kind: 'county', fips: '06073', name: 'San Diego County', state: 'CA' }, 20],
    ]);
    const quarter = diffRanking({
      before,
      after,
      afterHash: hashRanking(after),
      baseline: 'previous-quarter',
      baselineQuarter: 'FY2017Q1',
      topN: 10,
    })!;

    // Act
    const email = compose({ ...newQuarterChange(), quarters: [quarter] });

    // Assess
    expect(email.text).toMatch(/^ {3}2 {2}new {4}San Diego County, CA/m);
    expect(email.html).toMatch(/>new<\/span>/);
    expect(email.subject).toBe('FY2017 Q2 declined detainers: San Diego County, CA enters at #2; Ventura County, CA stays #1');
  });

  it('gives the release source, dates, archive and unsubscribe links and lists unresolved facilities', () => {
    // Act
    const email = compose(newQuarterChange());

    // Assess
    expect(email.html).toContain('<a href="https://deportationdata.org/data/ice/detainers-fy2017.xlsx"');
    expect(email.html).toContain('<a href="https://alerts.example.org/archive/raw/ddp/x.xlsx"');
    expect(email.html).toContain('<a href="https://alerts.example.org/unsubscribe?token=abc.def"');
    expect(email.text).toContain('  Published:     2017-10-12');
    expect(email.text).toContain('  First seen:    2026-11-29 03:50 UTC');
    expect(compose({ ...newQuarterChange(), publishedAt: '2017-04-18T00:00:00.000Z' }).text).toContain('  Published:     2017-04-18\n');
    expect(compose({ ...newQuarterChange(), publishedAt: undefined }).text).toContain('  Published:     not stated by the source\n');
    expect(email.text).toContain('  - EVERGALDES CORR. INSTITUTION, FL: 3');
    expect(email.headers).toEqual({
      'List-Unsubscribe': '<https://alerts.example.org/unsubscribe?token=abc.def>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'X-Detainer-Watch-Change': newQuarterChange().id,
    });
  });

  it('explains rank moves that come from revisions outside the subscriber filters', () => {
    // Act
    const california = compose(revisionChange(), { states: ['CA'] });
    const everyone = compose(revisionChange());

    // Assess
    expect(california.text).toContain('NOTE: These rank moves follow revisions to jurisdictions outside your filters.');
    expect(california.text).not.toContain('Nassau');
    expect(everyone.text).not.toContain('outside your filters');
  });

  it('gives subscribers with different filters different emails from the same release', () => {
    // Act
    const everyone = compose(mixedChange());
    const colorado = compose(mixedChange(), { states: ['CO'], minMove: 2 });

    // Assess
    expect(colorado.subject).not.toBe(everyone.subject);
    expect(colorado.text).not.toContain('Ventura County');
    expect(colorado.text).not.toContain('REVISED: FY2017 Q1');
    expect(colorado.text).toContain('\nTop 10 in CO\n');
    expect(compose(mixedChange(), { jurisdictions: ['Denver'] }).html).toContain('>Your jurisdictions</div>');
    expect(colorado.text).toContain(
      'You receive this because reporter@example.org subscribed to detainer-watch alerts (CO · top 10 · moves of 2+ ranks).',
    );
  });
});

describe('composeAlert with hostile data', () => {
  const SCRIPT = '<script>alert(1)</script>';
  const INJECTION = 'EVIL\r\nBcc: x@y';
  const hostile = (): ReleaseChange => {
    const script: Jurisdiction = { kind: 'facility', name: SCRIPT, state: 'CA' };
    const evil: Jurisdiction = { kind: 'county', fips: '99999', name: INJECTION, state: 'NV' };
    const after = ranking('FY2017Q1', [
      [evil, 300],
      [script, 200],
      [VENTURA, 188],
    ]);
    return {
      ...firstTrackingChange(),
      url: 'javascript:alert(2)',
      source: 'ddp"><img src=x onerror=alert(3)>',
      quarters: [diffRanking({ after, afterHash: hashRanking(after), baseline: 'none', topN: 10 })!],
      unresolved: [{ name: `${SCRIPT}\r\nBcc: y@z`, state: 'CA', declined: 200 }],
    };
  };

  it('escapes every data-derived string in the HTML', () => {
    // Act
    const email = compose(hostile());

    // Assess
    expect(email.html).not.toContain('<script');
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).not.toContain('href="javascript:');
    expect(email.html).toContain('javascript:alert(2)');
  });

  it('keeps CR/LF out of the subject and the headers', () => {
    // Act
    const email = compose(hostile(), {});

    // Assess
    expect(email.subject).toBe('FY2017 Q1 declined detainers: EVIL Bcc: x@y, NV is #1 with 300');
    for (const value of [email.subject, ...Object.keys(email.headers), ...Object.values(email.headers)])
      expect(value).not.toMatch(/[\r\n]/);
  });

  it('keeps CR/LF out of the List-Unsubscribe header even from a bad link', () => {
    // Prepare
    const s = subscriber();

    // Act
    const email = composeAlert(firstTrackingChange(), s, { ...links, unsubscribeUrl: 'https://alerts.example.org/u?t=1\r\nBcc: x@y' });

    // Assess
    expect(email.headers['List-Unsubscribe']).toBe('<https://alerts.example.org/u?t=1Bcc:x@y>');
  });
});
