import type { Jurisdiction } from '../domain/jurisdiction';
import type { QuarterId } from '../domain/quarter';

/**
 * URL paths of the site. Each page is a `.html` object under its own key, so CloudFront serves it
 * from S3 as it is; `/` (and any path ending in `/`) maps to `index.html`.
 */
export const sitePaths = {
  index: '/',
  about: '/about.html',
  subscribe: '/subscribe.html',
  notFound: '/404.html',
  quarter: (source: string, quarter: QuarterId) => `/quarters/${encodeURIComponent(source)}/${quarter}.html`,
  county: (fips: string) => `/counties/${fips}.html`,
  feedAtom: '/feed.atom',
  feedJson: '/feed.json',
  stateFeedAtom: (state: string) => `/feeds/${state}.atom`,
  stateFeedJson: (state: string) => `/feeds/${state}.json`,
};

/**
 * The object key of a URL path: the path, percent-decoded as S3 decodes a request's path, without its
 * leading slash; `index.html` for a folder.
 */
export function keyOfPath(path: string): string {
  const relative = decodeURIComponent(path).replace(/^\/+/, '');
  return relative === '' || relative.endsWith('/') ? `${relative}index.html` : relative;
}

export function countyPath(jurisdiction: Jurisdiction): string | undefined {
  return jurisdiction.kind === 'county' ? sitePaths.county(jurisdiction.fips) : undefined;
}
