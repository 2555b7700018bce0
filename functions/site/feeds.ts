import { generateAtomFeed, generateJsonFeed } from 'feedsmith';
import type { ReleaseChange } from '../domain/change';
import { filterForSubscriber } from '../domain/filter';
import { DEFAULT_FILTERS } from '../domain/subscriber';
import type { SiteObject } from '../ports/site-publisher';
import { changeHtml, changeTitle } from './change-summary';
import { SITE_TITLE } from './page-layout';
import { CACHE_CONTROL } from './security-headers';
import { keyOfPath, sitePaths } from './site-paths';

interface FeedScope {
  title: string;
  /** Only this state's part of each change (as a subscriber to that state would get it); undefined: everything. */
  state?: string;
  atomPath: string;
  jsonPath: string;
}

/** How many changes a feed carries, newest first. */
const FEED_LENGTH = 50;

/** The part of a change a feed reports: everything, or what a subscriber to one state would be told. */
function scoped(change: ReleaseChange, scope: FeedScope, topN: number): ReleaseChange | null {
  return scope.state ? filterForSubscriber(change, { ...DEFAULT_FILTERS, topN, states: [scope.state] }) : change;
}

/** Stable per change, independent of the site's address: a tag URI (RFC 4151). */
function entryId(change: ReleaseChange): string {
  return `tag:detainer-watch,2017:change/${encodeURIComponent(change.source)}/${change.release}`;
}

function entryLink(change: ReleaseChange, siteUrl: string): string {
  const first = change.quarters[0];
  return first ? `${siteUrl}${sitePaths.quarter(first.source, first.quarter)}` : `${siteUrl}/`;
}

/**
 * The changes as an Atom feed (RFC 4287) and a JSON Feed 1.1, built with feedsmith. Dates come from
 * the changes themselves, so a feed's bytes only change when a change does.
 */
function feedObjects(changes: ReleaseChange[], scope: FeedScope, siteUrl: string, topN: number): SiteObject[] {
  const entries = changes
    .map((change) => ({ change, part: scoped(change, scope, topN) }))
    .filter((e): e is { change: ReleaseChange; part: ReleaseChange } => e.part !== null)
    .slice(0, FEED_LENGTH);
  const updated = new Date(entries[0]?.change.createdAt ?? '2017-01-01T00:00:00.000Z');
  const title = `${SITE_TITLE}: ${scope.title}`;
  const atom = generateAtomFeed({
    id: `tag:detainer-watch,2017:feed/${scope.state ?? 'all'}`,
    title: { value: title, type: 'text' },
    subtitle: { value: 'Changes in the per-county rankings of declined ICE detainers, one entry per release.', type: 'text' },
    updated,
    authors: [{ name: SITE_TITLE, uri: `${siteUrl}/` }],
    links: [
      { href: `${siteUrl}${scope.atomPath}`, rel: 'self', type: 'application/atom+xml' },
      { href: `${siteUrl}/`, rel: 'alternate', type: 'text/html' },
    ],
    entries: entries.map(({ change, part }) => ({
      id: entryId(change),
      title: { value: changeTitle(part), type: 'text' },
      updated: new Date(change.createdAt),
      published: new Date(change.firstSeen),
      links: [{ href: entryLink(part, siteUrl), rel: 'alternate', type: 'text/html' }],
      content: { value: changeHtml(part, siteUrl), type: 'html' },
    })),
  });
  const json = generateJsonFeed({
    title,
    home_page_url: `${siteUrl}/`,
    feed_url: `${siteUrl}${scope.jsonPath}`,
    description: 'Changes in the per-county rankings of declined ICE detainers, one item per release.',
    authors: [{ name: SITE_TITLE, url: `${siteUrl}/` }],
    language: 'en',
    items: entries.map(({ change, part }) => ({
      id: entryId(change),
      url: entryLink(part, siteUrl),
      title: changeTitle(part),
      content_html: changeHtml(part, siteUrl),
      date_published: new Date(change.firstSeen),
      date_modified: new Date(change.createdAt),
      tags: [change.source, ...part.quarters.map((q) => q.quarter)],
    })),
  });
  return [
    { key: keyOfPath(scope.atomPath), body: atom, contentType: 'application/atom+xml; charset=utf-8', cacheControl: CACHE_CONTROL.page },
    {
      key: keyOfPath(scope.jsonPath),
      body: `${JSON.stringify(json, null, 2)}\n`,
      contentType: 'application/feed+json; charset=utf-8',
      cacheControl: CACHE_CONTROL.page,
    },
  ];
}

/** The site-wide feeds and one pair per state that any change touches. */
export function allFeeds(changes: ReleaseChange[], states: string[], siteUrl: string, topN: number): SiteObject[] {
  const scopes: FeedScope[] = [
    { title: 'All changes', atomPath: sitePaths.feedAtom, jsonPath: sitePaths.feedJson },
    ...states.map((state) => ({
      title: `Changes in ${state}`,
      state,
      atomPath: sitePaths.stateFeedAtom(state),
      jsonPath: sitePaths.stateFeedJson(state),
    })),
  ];
  return scopes.flatMap((scope) => feedObjects(changes, scope, siteUrl, topN));
}
