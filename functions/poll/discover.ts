import { DomUtils, parseDocument } from 'htmlparser2';
import type { SourceConfig } from '../commons/config';

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

const GENERIC_LABEL = /^(download|click here|here|link|file|data|xlsx|xls|csv|pdf|zip)\b[^a-z]*((xlsx|xls|csv|pdf|zip)\b[^a-z]*)?$/i;
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';
const DATE_FORMS: ReadonlyArray<{ pattern: string; toIso: (m: string[]) => string | undefined }> = [
  { pattern: `${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})`, toIso: (m) => iso(m[3], monthNumber(m[1]), m[2]) },
  { pattern: `(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH},?\\s+(\\d{4})`, toIso: (m) => iso(m[3], monthNumber(m[2]), m[1]) },
  { pattern: '(\\d{4})-(\\d{2})-(\\d{2})', toIso: (m) => iso(m[1], Number(m[2]), m[3]) },
  { pattern: '(\\d{1,2})/(\\d{1,2})/(\\d{4})', toIso: (m) => iso(m[3], Number(m[1]), m[2]) },
];
/** A date only counts when the page says it is the publication date; coverage dates sit nearby too. */
const LABELLED_DATE = new RegExp(`\\b(?:published|released|posted|uploaded)\\s*:?\\s*(?:on\\s+)?(?:${DATE_FORMS.map((f) => `(${f.pattern})`).join('|')})`, 'gi');

function monthNumber(name: string): number {
  return MONTHS.findIndex((m) => m.startsWith(name.toLowerCase().replace('.', '').slice(0, 3))) + 1;
}

function iso(year: string, month: number, day: string): string | undefined {
  const date = new Date(Date.UTC(Number(year), month - 1, Number(day)));
  if (month < 1 || Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(day)) return undefined;
  return date.toISOString().slice(0, 10);
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

/**
 * Finds the release links on an index page: `<a href>` resolved against the page (and its
 * `<base href>`), kept when on an allowed host and matching `linkPattern` (case-insensitive),
 * deduplicated by URL. A publication date is one the page labels so (`<time>`, "Published …")
 * in the link's own block or a block that serves only its release group; never a neighbour's.
 */
export function discoverReleases(
  html: string,
  baseUrl: string,
  source: Pick<SourceConfig, 'linkPattern' | 'allowedHosts'>,
): DiscoveredRelease[] {
  const document = parseDocument(html);
  const baseElement = DomUtils.findOne((el) => el.name === 'base' && !!el.attribs.href, document.children);
  const base = (() => {
    try {
      return new URL(baseElement?.attribs.href ?? '', baseUrl).href;
    } catch {
      return baseUrl;
    }
  })();
  const pattern = new RegExp(source.linkPattern, 'i');
  const allowed = new Set(source.allowedHosts.map((host) => host.toLowerCase()));

  const links: Array<{ anchor: Element; url: string }> = [];
  for (const anchor of DomUtils.findAll((el) => el.name === 'a' && !!el.attribs.href, document.children)) {
    let url: URL;
    try {
      url = new URL(anchor.attribs.href.trim(), base);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    if (!allowed.has(url.hostname.toLowerCase())) continue;
    url.hash = '';
    if (!pattern.test(url.href)) continue;
    links.push({ anchor, url: url.href });
  }

  const headings = DomUtils.findAll((el) => /^h[1-6]$/.test(el.name), document.children);
  const labelOf = (anchor: Element, url: string): string => {
    const own = [text(anchor), anchor.attribs.title?.trim(), anchor.attribs['aria-label']?.trim()].filter((l): l is string => !!l);
    const descriptive = own.find((l) => !GENERIC_LABEL.test(l));
    if (descriptive) return descriptive;
    // domutils' compareDocumentPosition(a, b) sets bit 4 when b comes before a (unlike the DOM's).
    const heading = headings.filter((h) => DomUtils.compareDocumentPosition(anchor, h) & 4).at(-1);
    return (heading && text(heading)) || own[0] || decodeURIComponent(new URL(url).pathname.split('/').at(-1) ?? url);
  };

  const datesIn = (node: Node): string[] => {
    const fromTimes = DomUtils.findAll((el) => el.name === 'time', [node]).map((t) => parseDate(t.attribs.datetime ?? '') ?? parseDate(text(t)));
    const fromText = [...text(node).matchAll(LABELLED_DATE)].map((m) => parseDate(m.slice(1).find((g) => g && parseDate(g)) ?? ''));
    return [...fromTimes, ...fromText].filter((d): d is string => !!d);
  };
  // Widen from the link outwards; at each level read only the blocks beside it that hold no
  // other release link, and accept one unambiguous date.
  const dateNear = (anchor: Element): string | undefined => {
    let inner: Node = anchor;
    for (let container = anchor.parent as Node | null; container && container.type !== 'root'; inner = container, container = container.parent as Node | null) {
      const beside = ('children' in container ? (container.children as Node[]) : []).filter(
        (child) => child !== inner && !links.some((link) => isInside(link.anchor, child)),
      );
      const dates = new Set(beside.flatMap(datesIn));
      if (dates.size > 0) return dates.size === 1 ? [...dates][0] : undefined;
    }
    return undefined;
  };

  const found = new Map<string, DiscoveredRelease>();
  for (const { anchor, url } of links) {
    const label = labelOf(anchor, url);
    const publishedAt = dateNear(anchor);
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
