import type { SiteObject } from '../ports/site-publisher';
import { aboutPage } from './about-page';
import { siteAssets } from './assets';
import { countiesIn, countyPage } from './county-page';
import { notFoundPage, subscribePage } from './extra-pages';
import { allFeeds } from './feeds';
import { indexPage } from './index-page';
import { type PageContext, type PageInput, renderPage } from './page-layout';
import { quarterPage } from './quarter-page';
import { CACHE_CONTROL } from './security-headers';
import { CountyHistories, type SiteData } from './site-data';
import { keyOfPath, sitePaths } from './site-paths';

export interface SiteSettings {
  /** Absolute base URL without a trailing slash (`https://d111.cloudfront.net`, `http://127.0.0.1:8787`): feeds need absolute links. */
  siteUrl: string;
  /** How many ranks the index shows per source. */
  topN: number;
}

const US_STATE = /^[A-Z]{2}$/;

/** The last time the data changed: pages built from the same data are byte-identical, so a re-publish writes nothing. */
function dataUpdatedAt(data: SiteData, fallback: Date): string {
  const times = [...data.changes.map((c) => c.createdAt), ...data.quarters.map((q) => q.storedAt)].filter(Boolean).sort();
  return times.at(-1) ?? fallback.toISOString();
}

/** Every file of the site: hashed assets, pages, feeds. */
export function buildSite(data: SiteData, settings: SiteSettings, now: Date): SiteObject[] {
  const assets = siteAssets();
  const context: PageContext = { assets, generatedAt: dataUpdatedAt(data, now) };
  const page = (path: string, input: PageInput): SiteObject => ({
    key: keyOfPath(path),
    body: renderPage(input, context),
    contentType: 'text/html; charset=utf-8',
    cacheControl: CACHE_CONTROL.page,
  });
  const counties = countiesIn(data.quarters);
  const histories = new CountyHistories(data.quarters);
  const states = [...new Set(counties.map((c) => c.state).filter((s) => US_STATE.test(s)))].sort();
  const sources = [...new Set(data.quarters.map((q) => q.source))].sort();
  return [
    ...assets.objects,
    page(sitePaths.index, indexPage(data, settings.topN)),
    page(sitePaths.about, aboutPage(sources, states)),
    page(sitePaths.subscribe, subscribePage()),
    page(sitePaths.notFound, notFoundPage()),
    ...data.quarters.map((q) => page(sitePaths.quarter(q.source, q.quarter), quarterPage(q))),
    ...counties.filter((c) => /^\d{5}$/.test(c.fips)).map((c) => page(sitePaths.county(c.fips), countyPage(c, histories))),
    ...allFeeds(data.changes, states, settings.siteUrl, settings.topN),
  ];
}
