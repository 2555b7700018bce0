import type { ReleaseChange } from '../change';
import type { Subscriber } from '../subscriber';
import { alertDocument } from './alert-document';
import { renderAlertHtml } from './alert-html';
import { renderAlertText } from './alert-text';
import type { ComposedEmail } from './composed-email';
import { headerText } from './composed-email';

/**
 * One email for one release and one subscriber: every quarter of the (already filtered) change,
 * most important first, as HTML and plain text, with RFC 8058 one-click unsubscribe headers.
 */
export function composeAlert(change: ReleaseChange, subscriber: Subscriber, links: { unsubscribeUrl: string; archiveUrl: string }): ComposedEmail {
  const doc = alertDocument(change, subscriber, links);
  return {
    subject: doc.subject,
    html: renderAlertHtml(doc),
    text: renderAlertText(doc),
    headers: {
      'List-Unsubscribe': `<${headerUrl(links.unsubscribeUrl)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'X-Detainer-Watch-Change': headerText(change.id),
    },
  };
}

/** A URL fit for an angle-bracketed header value: one line, no brackets or spaces. */
export function headerUrl(url: string): string {
  const clean = headerText(url, 2000).replace(/[<>\s]/g, '');
  if (!/^https?:\/\//i.test(clean)) throw new Error(`not an http(s) URL for a header: "${clean}"`);
  return clean;
}
