import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { ReleaseChange } from '../../functions/domain/change';
import { composeAlert } from '../../functions/domain/email';
import { alertDocument } from '../../functions/domain/email/alert-document';
import { renderAlertHtml } from '../../functions/domain/email/alert-html';
import { renderAlertText } from '../../functions/domain/email/alert-text';
import { filterForSubscriber } from '../../functions/domain/filter';
import { formatQuarter } from '../../functions/domain/quarter';
import type { Subscriber, SubscriberFilters } from '../../functions/domain/subscriber';
import { DEFAULT_FILTERS } from '../../functions/domain/subscriber';
import { buildMime } from '../../functions/mail/mime';
import { backfillChange, HOSTILE_COUNTY_NAME, HOSTILE_FACILITY_NAME } from '../fixtures/backfill-change';
import { mixedChange } from '../fixtures/fy2017-change-sets';

/**
 * Gmail clips a message past ~102 KB and hides the rest, unsubscribe link included. A first
 * ingest of a real-size release (8 quarters, ~1,000 counties each) must still arrive whole.
 */
const LIMIT = 100_000;
const links = {
  unsubscribeUrl: 'https://alerts.example.org/unsubscribe?token=abc.def',
  archiveUrl: 'https://alerts.example.org/archive/raw/ddp/x.xlsx',
};
const subscriber = (filters: Partial<SubscriberFilters> = {}): Subscriber => ({
  email: 'reporter@example.org',
  status: 'confirmed',
  filters: { ...DEFAULT_FILTERS, ...filters },
  createdAt: '2026-11-01T00:00:00.000Z',
});

async function alertMime(change: ReleaseChange, filters: Partial<SubscriberFilters> = {}) {
  const s = subscriber(filters);
  const digest = filterForSubscriber(change, s.filters);
  if (!digest) throw new Error('expected the change to match the subscriber');
  const email = composeAlert(digest, s, links);
  const mime = await buildMime(email, { from: 'alerts@example.org', to: s.email, date: new Date('2026-11-29T04:00:00Z') });
  return { digest, email, mime, parsed: await simpleParser(mime) };
}

const titles = (change: ReleaseChange) => change.quarters.map((q) => formatQuarter(q.quarter));

describe('alert size on a first ingest of a real-size release', () => {
  it('keeps the 8-quarter, 1,000-county alert under the clipping limit with every quarter and the unsubscribe link', async () => {
    // Prepare
    const change = backfillChange();
    const full = await buildMime(
      {
        ...composeAlert(change, subscriber(), links),
        html: renderAlertHtml(alertDocument(change, subscriber(), links)),
        text: renderAlertText(alertDocument(change, subscriber(), links)),
      },
      { from: 'alerts@example.org', to: 'reporter@example.org' },
    );

    // Act
    const { mime, parsed, email } = await alertMime(change);

    // Assess
    expect(change.quarters).toHaveLength(8);
    expect(change.quarters.every((q) => q.after.rows.length === 1000)).toBe(true);
    expect(full.length).toBeGreaterThan(LIMIT);
    expect(mime.length).toBeLessThan(LIMIT);
    const html = parsed.html as string;
    const text = parsed.text!;
    for (const title of titles(change)) {
      expect(html).toContain(`${title}<span`);
      expect(text).toContain(`${title.toUpperCase()} DECLINED DETAINERS`);
    }
    expect(html).toContain(`<a href="${links.unsubscribeUrl}"`);
    expect(text).toContain(`Unsubscribe: ${links.unsubscribeUrl}`);
    expect(html).toContain(`<a href="${links.archiveUrl}"`);
    expect(html).toContain(`<a href="${change.url}"`);
    expect(email.subject).toBe('FY2016 Q1 declined detainers: Adams County, CA is #1 with 1338 — also 7 new quarters');
  });

  it('keeps the headline quarter whole and condenses the others to their #1, changes and total', async () => {
    // Act
    const { parsed, digest } = await alertMime(backfillChange());

    // Assess
    const html = parsed.html as string;
    const text = parsed.text!;
    expect([...html.matchAll(/class="dw-bar"/g)]).toHaveLength(10);
    const last = digest.quarters[7];
    const leader = last.after.rows[0];
    expect(text).toContain(`#1: ${leader.jurisdiction.name}, ${leader.jurisdiction.state} with ${leader.declined}`);
    expect(text).toContain(
      `Total, all jurisdictions: ${last.totalAfter} (${last.totalBefore} in ${formatQuarter(digest.quarters[6].quarter)})`,
    );
    expect(text).toMatch(/^Biggest moves: (?:[^;]+; ){3}… and \d+ more$/m);
    expect(text).toMatch(/^ {2}… and 110 more facilities \(\d+ declined\)$/m);
    const unresolvedTotal = digest.unresolved.reduce((sum, u) => sum + u.declined, 0);
    expect(text).toContain(`${unresolvedTotal} declined detainers at 120 facilities could not be placed`);
  });

  it('escapes hostile county and facility names in the condensed HTML', async () => {
    // Act
    const { email } = await alertMime(backfillChange());

    // Assess
    expect(email.html).not.toContain('<script');
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;county&quot;)&lt;/script&gt; County');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt; JAIL');
    expect(email.text).toContain(HOSTILE_COUNTY_NAME);
    expect(email.text).toContain(HOSTILE_FACILITY_NAME);
  });

  it('gives a subscriber with a state filter a smaller message that is still complete', async () => {
    // Prepare
    const change = backfillChange();
    const national = await alertMime(change);

    // Act
    const california = await alertMime(change, { states: ['CA'] });

    // Assess
    expect(california.mime.length).toBeLessThan(national.mime.length);
    expect(california.digest.quarters).toHaveLength(8);
    const html = california.parsed.html as string;
    for (const title of titles(change)) expect(html).toContain(`${title}<span`);
    expect(html).toContain('Top 10 in CA');
    expect(html).toContain(`<a href="${links.unsubscribeUrl}"`);
    expect(california.parsed.text).toContain(`Unsubscribe: ${links.unsubscribeUrl}`);
    expect(california.parsed.text).not.toMatch(/, (?:TX|FL|NY) with /);
  });

  it.each([
    ['40 quarters (a backfill of ten years)', { quarters: 40 }, {}],
    ['a top 50', {}, { topN: 50 }],
  ])('stays under the limit with %s and still names every quarter', async (_, shape, filters) => {
    // Prepare
    const change = backfillChange(shape);

    // Act
    const { mime, parsed } = await alertMime(change, filters);

    // Assess
    expect(mime.length).toBeLessThan(LIMIT);
    for (const title of titles(change)) expect(parsed.text).toContain(title);
    expect(parsed.html as string).toContain(`<a href="${links.unsubscribeUrl}"`);
  });

  it('leaves an alert that already fits exactly as it was', () => {
    // Prepare
    const s = subscriber();
    const digest = filterForSubscriber(mixedChange(), s.filters)!;
    const doc = alertDocument(digest, s, links);

    // Act
    const email = composeAlert(digest, s, links);

    // Assess
    expect(email.html).toBe(renderAlertHtml(doc));
    expect(email.text).toBe(renderAlertText(doc));
    expect(email.text).not.toContain('… and');
  });
});
