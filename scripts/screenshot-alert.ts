/**
 * The README's picture of an alert: the first ranking alert `npm start` put in the outbox (or the
 * file given), rendered in headless Chromium at a mail client's reading width.
 *   npm start && npx tsx scripts/screenshot-alert.ts [--html FILE] [--out docs/screenshots/alert.png]
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium } from '../test/support/chromium';

const { values } = parseArgs({
  options: {
    html: { type: 'string' },
    home: { type: 'string', default: process.env.DETAINER_WATCH_HOME ?? '.detainer-watch' },
    out: { type: 'string', default: 'docs/screenshots/alert.png' },
  },
});

async function firstAlert(home: string): Promise<string> {
  const dir = join(resolve(home), 'outbox');
  const alerts = (await readdir(dir)).filter((name) => name.endsWith('.html') && !name.includes('confirm-your')).sort();
  if (!alerts.length) throw new Error(`${dir}: no alert yet; run \`npm start\` first`);
  return join(dir, alerts[0]);
}

const file = values.html ? resolve(values.html) : await firstAlert(values.home);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 680, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(file).href);
  await page.screenshot({ path: values.out, fullPage: true });
  process.stdout.write(`${values.out} ← ${file}\n`);
} finally {
  await browser.close();
}
