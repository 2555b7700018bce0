import { type Browser, chromium } from 'playwright-core';
// @ts-expect-error plain ES module shared with the bin; typed by its JSDoc
import { chromiumPath } from '../../bin/prerequisites.mjs';

/**
 * Debian's Chromium, headless, as the tests and the screenshot script drive it. Without the
 * background-networking flags it keeps trying to reach Google's hosts, which this machine's
 * closed network refuses.
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath() as string, args: ARGS });
}
