import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseChange } from '../../functions/domain/change';
import { diffRanking, orderQuarterChanges } from '../../functions/domain/diff';
import { composeAlert } from '../../functions/domain/email';
import { alertDocument } from '../../functions/domain/email/alert-document';
import { filterForSubscriber } from '../../functions/domain/filter';
import type { Jurisdiction } from '../../functions/domain/jurisdiction';
import { formatQuarter } from '../../functions/domain/quarter';
import { hashRanking } from '../../functions/domain/ranking';
import { DEFAULT_FILTERS } from '../../functions/domain/subscriber';
import { backfillChange } from '../fixtures/backfill-change';
import { FY2017Q2_COUNTS, mixedChange, q1, RELEASE_2, ranking } from '../fixtures/fy2017-change-sets';
import { launchChromium } from '../support/chromium';

/**
 * Renders a real alert in headless Chromium (Debian package `chromium`, which CI installs) and
 * looks at the laid-out page: what a mail client's HTML engine would show. The PNG goes to the
 * OS temp dir, never into the repository; DW_KEEP_RENDER=1 keeps it for a person to look at.
 */
const LINKS = {
  unsubscribeUrl: 'https://alerts.example.org/unsubscribe?token=abc.def',
  archiveUrl: 'https://alerts.example.org/archive/raw/ddp/x.xlsx',
};

/** A real unresolved ICE facility name, long and unbreakable in places: the widest row a phone has to fit. */
const TGK: Jurisdiction = { kind: 'facility', name: 'TURNER GUIFORD KNIGHT (TGK) JAIL', city: 'MIAMI', state: 'FL' };

/** The mixed release, with TGK entering FY2017 Q2 at #5 (60 declined) and listed as not placed in a county. */
function longFacilityChange(): ReleaseChange {
  const change = mixedChange();
  const after = ranking('FY2017Q2', [...FY2017Q2_COUNTS, [TGK, 60]], { release: RELEASE_2 });
  const q2 = diffRanking({
    before: q1(),
    after,
    afterHash: hashRanking(after),
    baseline: 'previous-quarter',
    baselineQuarter: 'FY2017Q1',
    topN: 10,
  })!;
  return {
    ...change,
    quarters: orderQuarterChanges([q2, ...change.quarters.filter((q) => q.quarter !== 'FY2017Q2')]),
    unresolved: [{ name: TGK.name, state: 'FL', declined: 60 }, ...change.unresolved],
  };
}

describe('alert HTML rendered in Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'detainer-watch-render-'));

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (!process.env.DW_KEEP_RENDER) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the ranking table and bars whose widths follow the counts', { timeout: 60_000 }, async () => {
    // Prepare
    const subscriber = {
      email: 'reporter@example.org',
      status: 'confirmed' as const,
      filters: DEFAULT_FILTERS,
      createdAt: '2026-11-01T00:00:00.000Z',
    };
    const digest = filterForSubscriber(mixedChange(), DEFAULT_FILTERS)!;
    const email = composeAlert(digest, subscriber, LINKS);
    const counts = digest.quarters[0].after.rows.slice(0, 10).map((r) => r.declined);
    const png = join(dir, 'alert.png');
    const page = await browser.newPage({ viewport: { width: 720, height: 900 } });

    // Act
    await page.setContent(email.html, { waitUntil: 'load' });
    await page.screenshot({ path: png, fullPage: true });
    const firstTable = page
      .locator('th', { hasText: /^Juris\u00ADdiction$/ })
      .first()
      .locator('xpath=ancestor::table[1]');
    const tableBox = await firstTable.boundingBox();
    const bars = await firstTable.locator('td.dw-bar').evaluateAll((cells) => cells.map((c) => c.getBoundingClientRect().width));
    const denver = await firstTable.locator('td', { hasText: 'Denver County, CO' }).first().boundingBox();
    await page.close();

    // Assess
    expect(readFileSync(png).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(tableBox!.width).toBeGreaterThan(400);
    expect(tableBox!.height).toBeGreaterThan(200);
    expect(denver!.width).toBeGreaterThan(0);
    expect(bars).toHaveLength(counts.length);
    for (const width of bars) expect(width).toBeGreaterThan(0);
    for (const [i, width] of bars.entries()) expect(Math.abs(width / bars[0] - counts[i] / counts[0])).toBeLessThan(0.03);
  });

  it('fits a 375 px phone with or without the head <style>: no sideways scroll, every count and bar on screen', {
    timeout: 60_000,
  }, async () => {
    // Prepare
    const subscriber = {
      email: 'reporter@example.org',
      status: 'confirmed' as const,
      filters: DEFAULT_FILTERS,
      createdAt: '2026-11-01T00:00:00.000Z',
    };
    const digest = filterForSubscriber(longFacilityChange(), DEFAULT_FILTERS)!;
    const email = composeAlert(digest, subscriber, LINKS);
    const sections = alertDocument(digest, subscriber, LINKS).quarters.filter((q) => q.detail === undefined);
    // A client that drops the head <style> (Outlook's, some webmail) lays out with the inline styles only.
    const inlineOnly = email.html.replace(/<style>[\s\S]*?<\/style>/g, '');

    // Act
    const layouts = [];
    for (const [mode, html] of [
      ['styled', email.html],
      ['inline-only', inlineOnly],
    ] as const) {
      const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
      await page.setContent(html, { waitUntil: 'load' });
      await page.screenshot({ path: join(dir, `alert-375-${mode}.png`), fullPage: true });
      // Laid out at the viewport: each ranking table's rows with their counts and bars, and how wide the page is.
      const layout = await page.locator('html').evaluate((root) => {
        const doc = root.ownerDocument;
        const plain = (el: typeof root) => (el.textContent ?? '').replace(/\u00AD/g, '').trim();
        const textBox = (el: typeof root) => {
          const range = doc.createRange();
          range.selectNodeContents(el);
          return range.getBoundingClientRect();
        };
        const tables = [...doc.querySelectorAll('th')].filter((th) => plain(th) === 'Jurisdiction').map((th) => th.closest('table')!);
        return {
          viewport: doc.defaultView!.innerWidth,
          scrollWidth: doc.documentElement.scrollWidth,
          tables: tables.map((table) => {
            const heads = [...table.rows[0].cells].map(plain);
            const [name, declined] = [heads.indexOf('Jurisdiction'), heads.indexOf('Declined')];
            return [...table.rows]
              .filter((tr) => tr.querySelector('td.dw-bar'))
              .map((tr) => {
                const count = tr.cells[declined];
                const box = textBox(count);
                const bar = tr.querySelector('td.dw-bar')!.getBoundingClientRect();
                return {
                  name: plain(tr.cells[name]),
                  nameRight: textBox(tr.cells[name]).right,
                  count: plain(count),
                  countLeft: box.left,
                  countRight: box.right,
                  countWidth: box.width,
                  countOverflows: count.scrollWidth > count.clientWidth,
                  bar: bar.width,
                  barRight: bar.right,
                };
              });
          }),
        };
      });
      layouts.push(layout);
      await page.close();
    }

    // Assess
    expect(inlineOnly).not.toContain('<style>');
    expect(sections.some((q) => q.rows.some((r) => r.name === 'TURNER GUIFORD KNIGHT (TGK) JAIL, FL (unresolved facility)'))).toBe(true);
    for (const layout of layouts) {
      expect(layout.viewport).toBe(375);
      expect(layout.scrollWidth).toBeLessThanOrEqual(375);
      expect(layout.tables.map((rows) => rows.map((r) => r.count))).toEqual(sections.map((q) => q.rows.map((r) => String(r.declined))));
      expect(layout.tables.map((rows) => rows.map((r) => r.name))).toEqual(sections.map((q) => q.rows.map((r) => r.name)));
      layout.tables.forEach((rows, t) => {
        const counts = sections[t].rows.map((r) => r.declined);
        for (const row of rows) {
          expect(row.countWidth).toBeGreaterThan(0);
          expect(row.countLeft).toBeGreaterThanOrEqual(0);
          expect(row.countRight).toBeLessThanOrEqual(375);
          expect(row.countOverflows).toBe(false);
          expect(row.nameRight).toBeLessThanOrEqual(375);
          expect(row.bar).toBeGreaterThan(0);
          expect(row.barRight).toBeLessThanOrEqual(375);
        }
        for (const [i, row] of rows.entries()) expect(Math.abs(row.bar / rows[0].bar - counts[i] / counts[0])).toBeLessThan(0.03);
      });
    }
  });

  it('lays out a condensed 8-quarter alert whole: one bar table, every quarter, the unsubscribe link', { timeout: 60_000 }, async () => {
    // Prepare
    const subscriber = {
      email: 'reporter@example.org',
      status: 'confirmed' as const,
      filters: DEFAULT_FILTERS,
      createdAt: '2026-11-01T00:00:00.000Z',
    };
    const digest = filterForSubscriber(backfillChange(), DEFAULT_FILTERS)!;
    const email = composeAlert(digest, subscriber, LINKS);
    const page = await browser.newPage({ viewport: { width: 720, height: 900 } });

    // Act
    await page.setContent(email.html, { waitUntil: 'load' });
    const bars = await page.locator('td.dw-bar').count();
    // A quarter's title is a div whose own text (its badges aside) is the quarter.
    const titled = await page.locator('div').evaluateAll((divs) =>
      divs
        .filter((d) => d.getBoundingClientRect().height > 0)
        .map((d) =>
          [...d.childNodes]
            .filter((n) => n.nodeType === 3)
            .map((n) => n.textContent)
            .join('')
            .trim(),
        ),
    );
    const unsubscribe = await page.getByRole('link', { name: 'Unsubscribe' }).boundingBox();
    const scripts = await page.locator('script, img').count();
    await page.close();

    // Assess
    expect(bars).toBe(10);
    for (const q of digest.quarters) expect(titled).toContain(formatQuarter(q.quarter));
    expect(unsubscribe!.width).toBeGreaterThan(0);
    expect(scripts).toBe(0);
  });
});
