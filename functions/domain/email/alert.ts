import type { ReleaseChange } from '../change';
import type { Subscriber } from '../subscriber';
import { CONDENSE_LEVELS, condenseAlert } from './alert-condensed';
import type { AlertDocument } from './alert-document';
import { type AlertLinks, alertDocument } from './alert-document';
import { renderAlertHtml } from './alert-html';
import { renderAlertText } from './alert-text';
import type { ComposedEmail } from './composed-email';
import { headerText } from './composed-email';

/**
 * One email for one release and one subscriber: every quarter of the (already filtered) change,
 * most important first, as HTML and plain text, with RFC 8058 one-click unsubscribe headers.
 */
export function composeAlert(change: ReleaseChange, subscriber: Subscriber, links: AlertLinks): ComposedEmail {
  const doc = alertDocument(change, subscriber, links);
  const { html, text } = fitted(doc);
  return {
    subject: doc.subject,
    html,
    text,
    headers: {
      'List-Unsubscribe': `<${headerUrl(links.unsubscribeUrl)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'X-Detainer-Watch-Change': headerText(change.id),
    },
  };
}

/**
 * Estimated MIME bytes the parts may take: under Gmail's ~102 KB clipping limit with room for the
 * headers. Quoted-printable costs the HTML ~10% ("=3D" in every attribute), base64 the text a third.
 */
const ALERT_BUDGET_BYTES = 80_000;

function estimatedMimeBytes(parts: { html: string; text: string }): number {
  return Math.ceil(Buffer.byteLength(parts.html) * 1.15 + Buffer.byteLength(parts.text) * 1.37);
}

/** The fullest rendering that fits the budget; the most condensed one when none does. */
function fitted(doc: AlertDocument): { html: string; text: string } {
  let parts = { html: renderAlertHtml(doc), text: renderAlertText(doc) };
  for (const level of CONDENSE_LEVELS) {
    if (estimatedMimeBytes(parts) <= ALERT_BUDGET_BYTES) break;
    const condensed = condenseAlert(doc, level);
    parts = { html: renderAlertHtml(condensed), text: renderAlertText(condensed) };
  }
  return parts;
}

/** A URL fit for an angle-bracketed header value: one line, no brackets or spaces. */
export function headerUrl(url: string): string {
  const clean = headerText(url, 2000).replace(/[<>\s]/g, '');
  if (!/^https?:\/\//i.test(clean)) throw new Error(`not an http(s) URL for a header: "${clean}"`);
  return clean;
}
