import { createHash } from 'node:crypto';
import type { SiteObject } from '../ports/site-publisher';
import { CACHE_CONTROL } from './security-headers';
import { SITE_CSS } from './site-css';
import { SORT_SCRIPT } from './sort-script';

export interface SiteAssets {
  /** Root-relative URLs of the hashed files, for `<link>` and `<script>`. */
  stylesheet: string;
  script: string;
  objects: SiteObject[];
}

function hashed(name: string, extension: string, body: string, contentType: string): SiteObject {
  const digest = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { key: `assets/${name}.${digest}.${extension}`, body, contentType, cacheControl: CACHE_CONTROL.immutable };
}

/** The stylesheet and the sorter under names that change with their content, so they can be cached for a year. */
export function siteAssets(): SiteAssets {
  const css = hashed('site', 'css', SITE_CSS, 'text/css; charset=utf-8');
  const js = hashed('sort', 'js', SORT_SCRIPT, 'text/javascript; charset=utf-8');
  return { stylesheet: `/${css.key}`, script: `/${js.key}`, objects: [css, js] };
}
