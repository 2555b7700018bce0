import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Log } from '../../functions/commons/deps';
import { formatQuarter, type QuarterId } from '../../functions/domain/quarter';
import type { StoredQuarter } from '../../functions/ports/store';
import { type SiteWiring, wireSite } from '../../functions/site/site-wiring';
import { DynamoRankingStore } from '../../functions/store/dynamo-ranking-store';
import { DynamoReleaseStore } from '../../functions/store/dynamo-release-store';
import { launchChromium } from '../support/chromium';
import { useEmulators } from '../support/emulators';
import { changeRecord, Q2_RECEIVED, seedFy2017, streamEvent } from './site-fixtures';

/**
 * The published site in real Chromium (Debian `chromium` driven by playwright-core), served from the
 * s3rver bucket by the same request handler `serve` uses, under the CSP CloudFront sends. Numbers
 * are checked against the store, accessibility with axe-core. SITE_SCREENSHOTS=DIR saves the index
 * and a county page at both widths (docs/screenshots holds the committed ones).
 */
const AXE_SOURCE = readFileSync(join(process.cwd(), 'node_modules/axe-core/axe.min.js'), 'utf8');
const WIDTHS = [375, 1280] as const;
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

const env = useEmulators();

describe('the site in Chromium', () => {
  let browser: Browser;
  let server: Server;
  let base: string;
  let quarters: StoredQuarter[];
  const problems: string[] = [];

  beforeAll(async () => {
    const rankings = new DynamoRankingStore(env.clients.dynamodb, env.tableName);
    const ids = await seedFy2017(rankings);
    // The wiring both composition roots use: the site step and the request handler `serve` mounts.
    let site: SiteWiring | undefined;
    server = createServer((request, response) => {
      site?.serve(request, response).catch((error: unknown) => response.writeHead(500).end(String(error)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const deps = {
      rankings,
      releases: new DynamoReleaseStore(env.clients.dynamodb, env.tableName),
      config: { topN: 10 },
      clock: () => new Date(),
      log: silent,
    };
    site = wireSite(deps, env.clients.s3, env.bucket, `${base}/`);
    expect((await site.handler(streamEvent(ids.map(changeRecord)))).batchItemFailures).toEqual([]);
    quarters = await rankings.listQuarters('ddp');
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** A page at a width, failing the test on any CSP violation, script error or request to another origin. */
  async function open(path: string, width: number, options: { javaScript?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: options.javaScript ?? true });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${path}: console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${path}: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith(base)) problems.push(`${path}: request to ${request.url()}`);
    });
    const response = await page.goto(`${base}${path}`);
    expect(response?.status(), path).toBe(200);
    return page;
  }

  async function seriousViolations(page: Page): Promise<string[]> {
    // Evaluated through the DevTools protocol, which the page's CSP does not govern (a script tag would be refused).
    await page.evaluate(AXE_SOURCE);
    type AxeResult = { passes: unknown[]; violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
    const result = await page.evaluate(async () => (globalThis as unknown as { axe: { run: () => Promise<AxeResult> } }).axe.run());
    expect(result.passes.length).toBeGreaterThan(10);
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  function quarter(id: QuarterId): StoredQuarter {
    return quarters.find((q) => q.quarter === id)!;
  }

  for (const width of WIDTHS) {
    it(`shows the newest quarter's top ten on the index at ${width} px, fitting the screen, with no serious accessibility violation`, {
      timeout: 90_000,
    }, async () => {
      // Act
      const page = await open('/', width);
      const rows = await page
        .locator('section[aria-labelledby="src-ddp"] tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [tr.children[0].textContent, tr.children[1].textContent?.trim(), tr.children[3].textContent]),
        );
      const heading = await page.locator('#src-ddp').textContent();
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      const feeds = await page.locator('link[rel="alternate"]').evaluateAll((links) => links.map((l) => l.getAttribute('href')));
      if (process.env.SITE_SCREENSHOTS) {
        mkdirSync(process.env.SITE_SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: join(process.env.SITE_SCREENSHOTS, `index-${width}.png`), fullPage: true });
      }
      const violations = await seriousViolations(page);
      await page.context().close();

      // Assess
      const q3 = quarter('FY2017Q3');
      expect(heading).toBe(`ddp: ${formatQuarter('FY2017Q3')} (partial)`);
      expect(rows).toEqual(q3.rows.slice(0, 10).map((r) => [String(r.rank), r.jurisdiction.name, String(r.declined)]));
      expect(overflow).toBeLessThanOrEqual(0);
      expect(feeds).toEqual(['/feed.atom', '/feed.json']);
      expect(violations).toEqual([]);
      expect(problems).toEqual([]);
    });

    it(`charts a county's stored history at ${width} px, with the numbers as text and a table, and no serious violation`, {
      timeout: 90_000,
    }, async () => {
      // Act
      const page = await open('/counties/08031.html', width);
      const bars = await page
        .locator('svg[role="img"] g[data-quarter]')
        .evaluateAll((gs) =>
          gs.map((g) => [
            g.getAttribute('data-quarter'),
            Number(g.getAttribute('data-declined')),
            g.querySelector('rect')!.getBoundingClientRect().height,
          ]),
        );
      const description = await page.locator('svg[role="img"] desc').textContent();
      const tableValues = await page.locator('table.history tbody tr').evaluateAll((trs) => trs.map((tr) => tr.children[1].textContent));
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      if (process.env.SITE_SCREENSHOTS)
        await page.screenshot({ path: join(process.env.SITE_SCREENSHOTS, `county-${width}.png`), fullPage: true });
      const violations = await seriousViolations(page);
      await page.context().close();

      // Assess: Denver's count in each stored quarter, read from the store here, not from the site's code
      const stored = quarters.map(
        (q) => [q.quarter, q.rows.find((r) => r.jurisdiction.kind === 'county' && r.jurisdiction.fips === '08031')?.declined ?? 0] as const,
      );
      expect(stored).toEqual([
        ['FY2017Q1', 74],
        ['FY2017Q2', 112],
        ['FY2017Q3', 61],
      ]);
      expect(bars.map(([q, n]) => [q, n])).toEqual(stored);
      const heights = bars.map((b) => b[2] as number);
      for (const [i, [, n]] of stored.entries()) expect(Math.abs(heights[i] / heights[1] - n / 112)).toBeLessThan(0.02);
      expect(description).toBe('FY2017 Q1: 74; FY2017 Q2: 112; FY2017 Q3 (partial): 61');
      expect(tableValues).toEqual(stored.map(([, n]) => String(n)));
      expect(overflow).toBeLessThanOrEqual(0);
      expect(violations).toEqual([]);
      expect(problems).toEqual([]);
    });
  }

  it('lists a whole quarter with counts, received and rates where the source has them, and the unresolved facilities', {
    timeout: 60_000,
  }, async () => {
    // Act
    const page = await open('/quarters/ddp/FY2017Q2.html', 1280);
    const rows = await page
      .locator('table[data-sortable] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent?.trim())));
    const violations = await seriousViolations(page);
    await page.context().close();
    const q1Page = await open('/quarters/ddp/FY2017Q1.html', 1280);
    const facilities = await q1Page.locator('h2:has-text("Facilities not placed") + p + .table-scroll tbody tr th').allTextContents();
    const version = await q1Page.locator('main .meta').first().textContent();
    await q1Page.context().close();

    // Assess
    const q2 = quarter('FY2017Q2');
    expect(rows).toEqual(
      q2.rows.map((r) => {
        const received = r.jurisdiction.kind === 'county' ? Q2_RECEIVED[r.jurisdiction.fips] : undefined;
        return [
          String(r.rank),
          r.jurisdiction.name,
          r.jurisdiction.state,
          String(r.declined),
          received ? String(received) : '—',
          received ? `${((r.declined / received) * 100).toFixed(1)}%` : '—',
        ];
      }),
    );
    expect(rows[0]).toEqual(['1', 'Ventura County', 'CA', '176', '400', '44.0%']);
    expect(facilities.map((f) => f.trim())).toEqual(['EVERGALDES CORR. INSTITUTION (unresolved facility)']);
    expect(version).toContain('Version 2');
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('sorts the table from the keyboard alone: Tab to a column heading, Enter sorts, Enter again reverses', {
    timeout: 60_000,
  }, async () => {
    // Prepare
    const page = await open('/quarters/ddp/FY2017Q2.html', 375);
    const declinedColumn = () =>
      page
        .locator('table[data-sortable] tbody tr td:nth-child(4)')
        .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value'))));

    // Act: Tab until the "Declined" heading's button has focus
    let reached = false;
    for (let presses = 0; presses < 40 && !reached; presses++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate<boolean>(
        "document.activeElement?.tagName === 'BUTTON' && document.activeElement.textContent === 'Declined'",
      );
    }
    await page.keyboard.press('Enter');
    const ascending = await declinedColumn();
    const sortState = await page.locator('th:has(button:text-is("Declined"))').getAttribute('aria-sort');
    await page.keyboard.press('Enter');
    const descending = await declinedColumn();
    const status = await page.locator('[data-sort-status]').textContent();
    await page.context().close();

    // Assess
    const counts = quarter('FY2017Q2')
      .rows.filter((r) => r.jurisdiction.kind === 'county')
      .map((r) => r.declined);
    expect(reached).toBe(true);
    expect(ascending).toEqual([...counts].sort((a, b) => a - b));
    expect(sortState).toBe('ascending');
    expect(descending).toEqual([...counts].sort((a, b) => b - a));
    expect(status).toBe('Sorted by Declined, descending.');
    expect(problems).toEqual([]);
  });

  it('reads without JavaScript: the table in rank order and the chart drawn', { timeout: 60_000 }, async () => {
    // Act
    const page = await open('/counties/06111.html', 375, { javaScript: false });
    const chart = await page.locator('svg[role="img"]').first().boundingBox();
    const bars = await page.locator('svg[role="img"] rect').count();
    await page.context().close();
    const quarterPage = await open('/quarters/ddp/FY2017Q3.html', 375, { javaScript: false });
    const ranks = await quarterPage.locator('table[data-sortable] tbody tr td:first-child').allTextContents();
    const buttons = await quarterPage.locator('table[data-sortable] button').count();
    await quarterPage.context().close();

    // Assess
    expect(chart!.width).toBeGreaterThan(250);
    expect(chart!.height).toBeGreaterThan(100);
    expect(bars).toBe(3);
    expect(ranks).toEqual(quarter('FY2017Q3').rows.map((r) => String(r.rank)));
    expect(buttons).toBe(0);
  });

  it('has no serious accessibility violation on the about and subscription pages, and answers 404 with a page', {
    timeout: 60_000,
  }, async () => {
    // Act
    const about = await open('/about.html', 375);
    const aboutViolations = await seriousViolations(about);
    await about.context().close();
    const subscribe = await open('/subscribe.html', 1280);
    const subscribeViolations = await seriousViolations(subscribe);
    const form = await subscribe
      .locator('form[action="/api/subscribe"][method="post"] [name]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('name')));
    await subscribe.context().close();
    const missing = await fetch(`${base}/counties/00000.html`);
    const outside = await fetch(`${base}/../../etc/passwd`);

    // Assess
    expect(aboutViolations).toEqual([]);
    expect(subscribeViolations).toEqual([]);
    expect(form).toEqual(['email', 'states', 'counties', 'topN', 'minMove', 'minDelta', 'csrf', 'website']);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Page not found');
    expect(missing.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(outside.status).toBe(404);
    expect(problems).toEqual([]);
  });
});
