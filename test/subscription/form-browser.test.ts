import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../functions/commons/deps';
import { launchChromium } from '../support/chromium';
import { composeTestDeps } from '../support/compose-test-deps';
import { sesMessages, uniqueName, useEmulators } from '../support/emulators';
import { startSiteWithEndpoint } from './endpoint-server';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's WCAG 2.1 A/AA and best-practice rules on the page as it is now: the serious and critical findings. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const { violations, passes } = await page.locator('html').evaluate(async (root) => {
    const doc = root.ownerDocument;
    const { axe } = doc.defaultView as unknown as {
      axe: { run(context: typeof doc, options: object): Promise<{ violations: AxeViolation[]; passes: unknown[] }> };
    };
    const results = await axe.run(doc, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return { violations: results.violations, passes: results.passes.length };
  });
  if (passes === 0) throw new Error('axe checked nothing on this page');
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Presses Tab until the focused element matches, as a keyboard user would; fails after 40 presses. */
async function tabTo(
  page: Page,
  describe: string,
  matches: (element: { id: string; tag: string; text: string }) => boolean,
): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.locator('html').evaluate((root) => {
      const element = root.ownerDocument.activeElement;
      return { id: element?.id ?? '', tag: element?.tagName.toLowerCase() ?? '', text: (element?.textContent ?? '').trim() };
    });
    if (matches(focused)) return;
  }
  throw new Error(`Tab never reached ${describe}`);
}

/** The subscription form and preferences page in headless Chromium, keyboard only, against the endpoint on the emulators. */
describe('subscription form in a real browser', () => {
  const env = useEmulators({ bucket: false });
  const email = `${uniqueName('browser')}@example.org`;
  let deps: Deps;
  let site: { url: string; stop(): Promise<void> };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    await mkdir(join(env.workDir, 'tmp'), { recursive: true });
    deps = composeTestDeps(env, {
      secret: 'browser-suite-secret',
      config: { operatorEmail: 'ops@example.org', subscriptionUrl: 'http://placeholder/api' },
    });
    site = await startSiteWithEndpoint(deps);
    deps.config.subscriptionUrl = `${site.url}/api`;
    browser = await launchChromium();
    // axe is injected as a script; the pages' CSP (rightly) allows none.
    context = await browser.newContext({ bypassCSP: true });
    page = await context.newPage();
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await site?.stop();
  });

  it('shows each refused field beside it and in a summary that links to it', async () => {
    // Act
    await page.goto(`${site.url}/api/subscribe`);
    await tabTo(page, 'the email field', (f) => f.id === 'email');
    await page.keyboard.type('not-an-address');
    await tabTo(page, 'the counties field', (f) => f.id === 'counties');
    await page.keyboard.type('Atlantis County, CA');
    await tabTo(page, 'the Subscribe button', (f) => f.tag === 'button' && f.text === 'Subscribe');
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.keyboard.press('Enter')]);
    await page.waitForSelector('.error-summary');

    // Assess
    expect(response.status()).toBe(400);
    const summary = await page.locator('.error-summary li a').allTextContents();
    expect(summary).toEqual([
      'Enter an email address like name@example.org.',
      'Unknown county: "Atlantis County, CA". Write it like "Ventura County, CA" or as a FIPS code like 06111.',
    ]);
    expect(await page.getAttribute('#email', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#email', 'aria-describedby')).toBe('email-error');
    expect(await page.inputValue('#counties')).toBe('Atlantis County, CA');
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);

  it('subscribes from the site by keyboard alone, and the confirmation mail arrives', async () => {
    // Prepare
    await page.goto(site.url);

    // Act
    await tabTo(page, 'the subscribe link', (f) => f.tag === 'a' && f.text === 'Subscribe to alerts');
    await page.keyboard.press('Enter');
    await page.waitForSelector('form');
    const formViolations = await seriousViolations(page);
    await tabTo(page, 'the email field', (f) => f.id === 'email');
    await page.keyboard.type(email);
    await tabTo(page, 'the states field', (f) => f.id === 'states');
    await page.keyboard.type('CA');
    await tabTo(page, 'the counties field', (f) => f.id === 'counties');
    await page.keyboard.type('Ventura County, CA');
    await tabTo(page, 'the Subscribe button', (f) => f.tag === 'button' && f.text === 'Subscribe');
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1:text("Check your inbox")');

    // Assess
    expect(formViolations).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await deps.subscribers.getSubscriber(email)).toMatchObject({
      status: 'pending',
      filters: { states: ['CA'], jurisdictions: ['06111'], topN: 10 },
    });
    const mails = await sesMessages(env.endpoints.ses, email);
    expect(mails.map((m) => m.subject)).toEqual(['Confirm your detainer-watch subscription']);
  }, 60_000);

  it('confirms from the mail, then changes a filter on the preferences page by keyboard', async () => {
    // Prepare
    const [mail] = await sesMessages(env.endpoints.ses, email);
    const confirm = /href="([^"]*\/api\/confirm\?token=[^"]+)"/.exec(mail.body.html ?? '')?.[1]?.replace(/&amp;/g, '&');

    // Act
    await page.goto(confirm!);
    const confirmedViolations = await seriousViolations(page);
    await tabTo(page, 'the preferences link', (f) => f.tag === 'a' && f.text === 'Manage your preferences');
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1:text("Your alert preferences")');
    const preferencesViolations = await seriousViolations(page);
    const countiesShown = await page.inputValue('#counties');
    await tabTo(page, 'the Top N field', (f) => f.id === 'topN');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('3');
    await tabTo(page, 'the Save button', (f) => f.tag === 'button' && f.text === 'Save preferences');
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1:text("Preferences saved")');

    // Assess
    expect(confirmedViolations).toEqual([]);
    expect(preferencesViolations).toEqual([]);
    expect(countiesShown).toBe('Ventura County, CA');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await deps.subscribers.getSubscriber(email)).toMatchObject({
      status: 'confirmed',
      filters: { states: ['CA'], jurisdictions: ['06111'], topN: 3 },
    });
  }, 60_000);
});
