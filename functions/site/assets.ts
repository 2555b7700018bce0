import { createHash } from 'node:crypto';
import type { SiteObject } from '../ports/site-publisher';
import { CACHE_CONTROL } from './security-headers';
import { SITE_CSS } from './site-css';
import { SORT_SCRIPT } from './sort-script';

export interface SiteAssets {
  /** Root-relative URLs of the hashed files, for `<link>` and `<script>`. */
  stylesheet: string;
  script: string;
  icon: string;
  objects: SiteObject[];
}

/** Three bars, falling: named in every page so browsers do not ask for a /favicon.ico that does not exist. */
const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="2" width="4" height="13" fill="#0b5394"/><rect x="6" y="6" width="4" height="9" fill="#2f6fa7"/><rect x="11" y="10" width="4" height="5" fill="#6d9eca"/></svg>';

function hashed(name: string, extension: string, body: string, contentType: string): SiteObject {
  const digest = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { key: `assets/${name}.${digest}.${extension}`, body, contentType, cacheControl: CACHE_CONTROL.immutable };
}

/** The stylesheet and the sorter under names that change with their content, so they can be cached for a year. */
export function siteAssets(): SiteAssets {
  const css = hashed('site', 'css', SITE_CSS, 'text/css; charset=utf-8');
  const js = hashed('sort', 'js', SORT_SCRIPT, 'text/javascript; charset=utf-8');
  const icon = hashed('icon', 'svg', ICON, 'image/svg+xml');
  return { stylesheet: `/${css.key}`, script: `/${js.key}`, icon: `/${icon.key}`, objects: [css, js, icon] };
}
