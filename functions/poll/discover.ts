import { DomUtils, parseDocument } from 'htmlparser2';
import type { SourceConfig } from '../commons/config';
import { hostAllowed } from '../commons/hosts';
import { monthNumber, validDate } from '../ingest/parsers/release-date';

/** A release link found on a source's index page. */
export interface DiscoveredRelease {
  /** Absolute URL, fragment removed. */
  url: string;
  /** The link text, or the nearest heading when the link only says "Download". */
  label: string;
  /** ISO date (`YYYY-MM-DD`) the page gives for it: a `<time datetime>` or "Published March 3, 2026". */
  publishedAt?: string;
}

type Document = ReturnType<typeof parseDocument>;
type Element = ReturnType<typeof DomUtils.findAll>[number];
type Node = Document['children'][number];

const GENERIC_LABEL =
  /^(download|click here|here|link|file|data|xlsx|xls|csv|tsv|txt|pdf|zip)\b[^a-z]*((xlsx|xls|csv|tsv|txt|pdf|zip)\b[^a-z]*)?$/i;
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';
const DATE_FORMS: ReadonlyArray<{ pattern: string; toIso: (m: string[]) => string | undefined }> = [
  { pattern: `${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})`, toIso: (m) => iso(m[3], monthNumber(m[1]), m[2]) },
  { pattern: `(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH},?\\s+(\\d{4})`, toIso: (m) => iso(m[3], monthNumber(m[2]), m[1]) },
  { pattern: '(\\d{4})-(\\d{2})-(\\d{2})', toIso: (m) => iso(m[1], Number(m[2]), m[3]) },
  { pattern: '(\\d{1,2})/(\\d{1,2})/(\\d{4})', toIso: (m) => iso(m[3], Number(m[1]), m[2]) },
];
/** A date only counts when the page says it is the publication date; coverage dates sit nearby too. */
const LABELLED_DATE = new RegExp(
  `\\b(?:published|released|posted|uploaded)\\s*:?\\s*(?:on\\s+)?(?:${DATE_FORMS.map((f) => `(${f.pattern})`).join('|')})`,
  'gi',
);

function iso(year: string, month: number, day: string): string | undefined {
  return validDate(Number(year), month, Number(day));
}

function parseDate(text: string): string | undefined {
  for (const form of DATE_FORMS) {
    const match = new RegExp(`^\\s*${form.pattern}`, 'i').exec(text);
    if (match) return form.toIso([...match]);
  }
  return undefined;
}

function text(node: Node | Node[]): string {
  return DomUtils.textContent(node).replace(/\s+/g, ' ').trim();
}

function isInside(node: Node, container: Node): boolean {
  for (let n: Node | null = node; n; n = n.parent as Node | null) if (n === container) return true;
  return false;
}

/** domutils' compareDocumentPosition(a, b) sets bit 4 when b comes before a (unlike the DOM's). */
function precedes(first: Node, second: Node): boolean {
  return (DomUtils.compareDocumentPosition(second, first) & 4) !== 0;
}

/** A link as the page offers it: an `<a>` in the document, or one inside a widget's JSON data. */
interface Link {
  href: string;
  text: string;
  /** Where it sits in the document: the anchor, or the `<script>` holding the widget's data. */
  node: Element;
  /** The anchor element itself (DOM links only): its block is searched for a publication date. */
  anchor?: Element;
  /** For a link in a data table: the row's other cells (period, count), as the label's detail. */
  row?: string;
  /** Links offering one release in several formats share a group: the widget row, or the anchor's block. */
  group?: unknown;
  /** The file format the link offers (`parquet`, `xlsx`, `dta`, …): its text, its icon's alt text, or its URL's extension. */
  format?: string;
}

/**
 * Formats of one release in order of preference: Parquet is the smallest and fastest to read,
 * CSV streams, XLSX is the largest; Stata, SPSS and Feather are not read at all.
 */
const FORMAT_RANK: Record<string, number> = {
  parquet: 0,
  csv: 1,
  tsv: 1,
  txt: 1,
  gz: 1,
  xlsx: 2,
  zip: 3,
  xls: 4,
  pdf: 4,
  dta: 9,
  sav: 9,
  feather: 9,
  arrow: 9,
};

function formatOf(anchor: Element | undefined, label: string, href: string): string | undefined {
  const word = (value: string | undefined) => {
    const key = value?.trim().toLowerCase().replace(/^\./, '');
    return key && key in FORMAT_RANK ? key : undefined;
  };
  const icon = anchor ? DomUtils.findOne((el) => el.name === 'img' && !!el.attribs.alt, anchor.children) : null;
  let extension: string | undefined;
  try {
    extension = /\.([a-z0-9]+)$/i.exec(new URL(href, 'https://x.invalid').pathname)?.[1];
  } catch {
    extension = undefined;
  }
  return word(label) ?? word(icon?.attribs.alt) ?? word(extension);
}

/** Of links offering one release in several formats, the most preferred; other links untouched. */
function preferredFormats<T extends Link>(links: T[]): T[] {
  const best = new Map<unknown, number>();
  for (const link of links) {
    if (link.group === undefined || link.format === undefined) continue;
    best.set(link.group, Math.min(best.get(link.group) ?? Infinity, FORMAT_RANK[link.format]));
  }
  return links.filter((link) => link.group === undefined || link.format === undefined || FORMAT_RANK[link.format] === best.get(link.group));
}

/**
 * Links inside htmlwidgets' JSON (`<script type="application/json">`): pages built with R
 * (Quarto + reactable, as the Deportation Data Project's data page is) render their tables in
 * the browser from column arrays whose cells hold HTML such as `<a href='…'>xlsx</a> (100 MB)`.
 * A table's row gives each link its context: the row's other plain cells.
 */
function widgetLinks(script: Element): Link[] {
  let data: unknown;
  try {
    data = JSON.parse(DomUtils.textContent(script));
  } catch {
    return [];
  }
  const links: Link[] = [];
  const anchorsIn = (html: string, row?: string, group?: unknown) => {
    for (const a of DomUtils.findAll((el) => el.name === 'a' && !!el.attribs.href, parseDocument(html).children)) {
      const format = formatOf(a, text(a), a.attribs.href);
      links.push({
        href: a.attribs.href,
        text: text(a),
        node: script,
        ...(row ? { row } : {}),
        ...(group !== undefined ? { group } : {}),
        ...(format ? { format } : {}),
      });
    }
  };
  const isLinkCell = (value: unknown): value is string => typeof value === 'string' && /<a\s[^>]*href/i.test(value);
  const visit = (value: unknown, depth: number): void => {
    if (depth > 40) return;
    if (isLinkCell(value)) {
      anchorsIn(value);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const columns = Object.entries(value as Record<string, unknown>);
    const rows = columns.length > 1 && columns.every(([, v]) => Array.isArray(v)) ? (columns[0][1] as unknown[]).length : 0;
    if (rows > 0 && columns.every(([, v]) => (v as unknown[]).length === rows)) {
      // A table as column arrays: one row at a time, its plain cells describing its links.
      for (let i = 0; i < rows; i++) {
        const cells = columns.map(([, v]) => (v as unknown[])[i]);
        const row = cells
          .filter(
            (cell): cell is string | number =>
              (typeof cell === 'string' && cell.trim() !== '' && !cell.includes('<')) || typeof cell === 'number',
          )
          .map((cell) => String(cell).trim())
          .join(' · ');
        const group = {};
        for (const cell of cells) if (isLinkCell(cell)) anchorsIn(cell, row, group);
      }
      return;
    }
    for (const [, child] of columns) visit(child, depth + 1);
  };
  visit(data, 0);
  return links;
}

/** The part of the page `section` names: an element with that id, or a heading with that text up to the next heading of its level. */
function sectionScope(document: Document, headings: Element[], section: string, pageUrl: string): (node: Node) => boolean {
  const wanted = section.trim().toLowerCase();
  const byId = DomUtils.findOne((el) => el.attribs.id?.toLowerCase() === wanted, document.children);
  if (byId) return (node) => isInside(node, byId);
  const heading = headings.find((h) => text(h).toLowerCase() === wanted);
  if (!heading)
    throw new Error(
      `${pageUrl}: the page has no section "${section}" (no element with that id, no heading with that text): its layout changed`,
    );
  const level = Number(heading.name.slice(1));
  const next = headings.find((h) => Number(h.name.slice(1)) <= level && precedes(heading, h));
  return (node) => precedes(heading, node) && (!next || precedes(node, next));
}

/**
 * Finds the release links on an index page: `<a href>` in the document and in widgets' JSON data,
 * resolved against the page (and its `<base href>`), kept when on an allowed host, matching
 * `linkPattern` (URL) and `linkText` (case-insensitive), inside `section` and, unless
 * `includeCollapsed`, not in a collapsed `<details>`; deduplicated by URL; of one release offered
 * in several formats (a table row, a block of links), only the Parquet or CSV link over the XLSX
 * (Stata, SPSS and Feather last). A publication date is
 * one the page labels so (`<time>`, "Published …") in the link's own block or a block that serves
 * only its release group; never a neighbour's.
 */
export function discoverReleases(
  html: string,
  baseUrl: string,
  source: Pick<SourceConfig, 'linkPattern' | 'allowedHosts' | 'linkText' | 'section' | 'includeCollapsed'>,
): DiscoveredRelease[] {
  const document = parseDocument(html);
  const headings = DomUtils.findAll((el) => /^h[1-6]$/.test(el.name), document.children);
  const inSection = source.section ? sectionScope(document, headings, source.section, baseUrl) : () => true;
  const links = releaseLinks(candidateLinks(document), baseHref(document, baseUrl), source, inSection);
  const found = new Map<string, DiscoveredRelease>();
  for (const link of preferredFormats(links)) {
    const { url } = link;
    const label = labelOf(link, url, headings);
    const publishedAt = link.anchor ? dateNear(link.anchor, links) : undefined;
    const seen = found.get(url);
    if (!seen) {
      found.set(url, { url, label, ...(publishedAt ? { publishedAt } : {}) });
      continue;
    }
    if (GENERIC_LABEL.test(seen.label) && !GENERIC_LABEL.test(label)) seen.label = label;
    if (!seen.publishedAt && publishedAt) seen.publishedAt = publishedAt;
  }
  return [...found.values()];
}

/** What relative links resolve against: the page's `<base href>`, else its own URL. */
function baseHref(document: Document, baseUrl: string): string {
  const baseElement = DomUtils.findOne((el) => el.name === 'base' && !!el.attribs.href, document.children);
  try {
    return new URL(baseElement?.attribs.href ?? '', baseUrl).href;
  } catch {
    return baseUrl;
  }
}

/** Every link on the page: `<a href>` and the links in widgets' JSON data. */
function candidateLinks(document: Document): Link[] {
  return [
    ...DomUtils.findAll((el) => el.name === 'a' && !!el.attribs.href, document.children).map((anchor): Link => {
      const format = formatOf(anchor, text(anchor), anchor.attribs.href);
      return {
        href: anchor.attribs.href,
        text: text(anchor),
        node: anchor,
        anchor,
        ...(anchor.parent ? { group: anchor.parent } : {}),
        ...(format ? { format } : {}),
      };
    }),
    ...DomUtils.findAll((el) => el.name === 'script' && /json/i.test(el.attribs.type ?? ''), document.children).flatMap(widgetLinks),
  ];
}

function inCollapsedDetails(node: Node): boolean {
  for (let n: Node | null = node; n; n = n.parent as Node | null) if ((n as Element).name === 'details') return true;
  return false;
}

/** The links the source takes, resolved: http(s), on an allowed host, matching its pattern and text, in its section. */
function releaseLinks(
  candidates: Link[],
  base: string,
  source: Pick<SourceConfig, 'linkPattern' | 'allowedHosts' | 'linkText' | 'includeCollapsed'>,
  inSection: (node: Node) => boolean,
): Array<Link & { url: string }> {
  const pattern = new RegExp(source.linkPattern, 'i');
  const linkText = source.linkText ? new RegExp(source.linkText, 'i') : undefined;
  const links: Array<Link & { url: string }> = [];
  for (const link of candidates) {
    let url: URL;
    try {
      url = new URL(link.href.trim(), base);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    if (!hostAllowed(url, source.allowedHosts)) continue;
    url.hash = '';
    if (!pattern.test(url.href)) continue;
    if (linkText && !linkText.test(link.text)) continue;
    if (!inSection(link.node)) continue;
    if (!source.includeCollapsed && inCollapsedDetails(link.node)) continue;
    links.push({ ...link, url: url.href });
  }
  return links;
}

/** A link's own descriptive text, else the heading above it (with its table row), else its file name. */
function labelOf(link: Link, url: string, headings: Element[]): string {
  const own = [link.text, link.anchor?.attribs.title?.trim(), link.anchor?.attribs['aria-label']?.trim()].filter((l): l is string => !!l);
  const descriptive = own.find((l) => !GENERIC_LABEL.test(l));
  if (descriptive) return descriptive;
  const heading = headings.filter((h) => precedes(h, link.node)).at(-1);
  const title = (heading && text(heading)) || own[0] || decodeURIComponent(new URL(url).pathname.split('/').at(-1) ?? url);
  return link.row ? `${title}: ${link.row}` : title;
}

/** The dates a block labels: `<time>` elements and "Published …"-style text. */
function datesIn(node: Node): string[] {
  const fromTimes = DomUtils.findAll((el) => el.name === 'time', [node]).map(
    (t) => parseDate(t.attribs.datetime ?? '') ?? parseDate(text(t)),
  );
  const fromText = [...text(node).matchAll(LABELLED_DATE)].map((m) => parseDate(m.slice(1).find((g) => g && parseDate(g)) ?? ''));
  return [...fromTimes, ...fromText].filter((d): d is string => !!d);
}

/**
 * A link's publication date: widen from the link outwards; at each level read only the blocks
 * beside it that hold no other release link, and accept one unambiguous date.
 */
function dateNear(anchor: Element, links: Link[]): string | undefined {
  let inner: Node = anchor;
  for (
    let container = anchor.parent as Node | null;
    container && container.type !== 'root';
    inner = container, container = container.parent as Node | null
  ) {
    const beside = ('children' in container ? (container.children as Node[]) : []).filter(
      (child) => child !== inner && !links.some((link) => isInside(link.node, child)),
    );
    const dates = new Set(beside.flatMap(datesIn));
    if (dates.size > 0) return dates.size === 1 ? [...dates][0] : undefined;
  }
  return undefined;
}
