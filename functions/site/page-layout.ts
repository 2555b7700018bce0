import { escapeHtml } from '../domain/email/html';
import type { SiteAssets } from './assets';
import { sitePaths } from './site-paths';

interface FeedLink {
  title: string;
  atom: string;
  json: string;
}

export interface PageInput {
  title: string;
  description: string;
  /** The page's `<main>` content, already escaped HTML. */
  main: string;
  /** Feeds announced with `<link rel="alternate">`; the site-wide feeds are always announced. */
  feeds?: FeedLink[];
}

export interface PageContext {
  assets: SiteAssets;
  generatedAt: string;
}

export const SITE_TITLE = 'detainer-watch';

const SITE_FEEDS: FeedLink = { title: 'All changes', atom: sitePaths.feedAtom, json: sitePaths.feedJson };

function alternateLinks(feeds: FeedLink[]): string {
  return feeds
    .map(
      (feed) =>
        `<link rel="alternate" type="application/atom+xml" title="${escapeHtml(`${SITE_TITLE}: ${feed.title} (Atom)`)}" href="${escapeHtml(feed.atom)}">\n` +
        `<link rel="alternate" type="application/feed+json" title="${escapeHtml(`${SITE_TITLE}: ${feed.title} (JSON Feed)`)}" href="${escapeHtml(feed.json)}">`,
    )
    .join('\n');
}

/** The document around every page: skip link, header with navigation, main, footer with the feeds. */
export function renderPage(page: PageInput, context: PageContext): string {
  const feeds = [SITE_FEEDS, ...(page.feeds ?? [])];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · ${SITE_TITLE}</title>
<meta name="description" content="${escapeHtml(page.description)}">
<link rel="icon" type="image/svg+xml" href="${context.assets.icon}">
<link rel="stylesheet" href="${context.assets.stylesheet}">
${alternateLinks(feeds)}
<script src="${context.assets.script}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><div class="wrap">
<a class="brand" href="${sitePaths.index}">${SITE_TITLE}</a>
<nav aria-label="Site"><ul>
<li><a href="${sitePaths.index}">Rankings</a></li>
<li><a href="${sitePaths.about}">About the data</a></li>
<li><a href="${sitePaths.subscribe}">Email alerts</a></li>
<li><a href="${sitePaths.feedAtom}">Feed</a></li>
</ul></nav>
</div></header>
<main id="main" tabindex="-1">
${page.main}
</main>
<footer class="site"><div class="wrap">
<p>Declined ICE detainers per county and federal fiscal quarter, from public releases. Updated <time datetime="${escapeHtml(context.generatedAt)}">${escapeHtml(formatDateTime(context.generatedAt))}</time>.
Feeds: <a href="${sitePaths.feedAtom}">Atom</a>, <a href="${sitePaths.feedJson}">JSON Feed</a>.</p>
</div></footer>
</body>
</html>
`;
}

/** "2026-12-04 05:40 UTC": unambiguous for readers anywhere. */
function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A date as the source gave it (`2017-10-12`) or an instant, for "released" and "first seen". */
export function formatDay(value: string | undefined): string {
  if (!value) return 'unknown';
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : formatDateTime(value);
}
