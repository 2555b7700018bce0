import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeAlert } from '../../functions/domain/email';
import { filterForSubscriber } from '../../functions/domain/filter';
import { DEFAULT_FILTERS } from '../../functions/domain/subscriber';
import { formatQuarter } from '../../functions/domain/quarter';
import { backfillChange } from '../fixtures/backfill-change';
import { mixedChange } from '../fixtures/fy2017-change-sets';

/**
 * Renders a real alert in headless Chromium (Debian package `chromium`, which CI installs) and
 * looks at the laid-out page: what a mail client's HTML engine would show. The PNG goes to the
 * OS temp dir, never into the repository; DW_KEEP_RENDER=1 keeps it for a person to look at.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('alert HTML rendered in Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'detainer-watch-render-'));

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (!process.env.DW_KEEP_RENDER) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the ranking table and bars whose widths follow the counts', { timeout: 60_000 }, async () => {
    // Prepare
    const subscriber = { email: 'reporter@example.org', status: 'confirmed' as const, filters: DEFAULT_FILTERS, createdAt: '2026-11-01T00:00:00.000Z' };
    const digest = filterForSubscriber(mixedChange(), DEFAULT_FILTERS)!;
    const email = composeAlert(digest, subscriber, { unsubscribeUrl: 'https://alerts.example.org/unsubscribe?token=abc.def', archiveUrl: 'https://alerts.example.org/archive/raw/ddp/x.xlsx' });
    const counts = digest.quarters[0].after.rows.slice(0, 10).map((r) => r.declined);
    const png = join(dir, 'alert.png');
    const page = await browser.newPage({ viewport: { width: 720, height: 900 } });

    // Act
    await page.setContent(email.html, { waitUntil: 'load' });
    await page.screenshot({ path: png, fullPage: true });
    const firstTable = page.locator('th', { hasText: /^Jurisdiction$/ }).first().locator('xpath=ancestor::table[1]');
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
    bars.forEach((width, i) => expect(Math.abs(width / bars[0] - counts[i] / counts[0])).toBeLessThan(0.03));
  });

  it('lays out a condensed 8-quarter alert whole: one bar table, every quarter, the unsubscribe link', { timeout: 60_000 }, async () => {
    // Prepare
    const subscriber = { email: 'reporter@example.org', status: 'confirmed' as const, filters: DEFAULT_FILTERS, createdAt: '2026-11-01T00:00:00.000Z' };
    const digest = filterForSubscriber(backfillChange(), DEFAULT_FILTERS)!;
    const email = composeAlert(digest, subscriber, { unsubscribeUrl: 'https://alerts.example.org/unsubscribe?token=abc.def', archiveUrl: 'https://alerts.example.org/archive/raw/ddp/x.xlsx' });
    const page = await browser.newPage({ viewport: { width: 720, height: 900 } });

    // Act
    await page.setContent(email.html, { waitUntil: 'load' });
    const bars = await page.locator('td.dw-bar').count();
    // A quarter's title is a div whose own text (its badges aside) is the quarter.
    const titled = await page.locator('div').evaluateAll((divs) =>
      divs.filter((d) => d.getBoundingClientRect().height > 0).map((d) => [...d.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim()),
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
