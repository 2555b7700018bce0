import type { ComposedEmail } from './composed-email';
import { escapeHtml as e } from './html';

/** Told to a webhook's owner when it is disabled after failing deliveries in a row; alerts by email go on. */
export function composeWebhookDisabled(details: {
  url: string;
  failures: number;
  lastError: string;
  preferencesUrl?: string | undefined;
}): ComposedEmail {
  const subject = 'Your detainer-watch webhook was disabled';
  const again = details.preferencesUrl
    ? `To turn it on again, fix the receiver and save the webhook address on your preferences page: ${details.preferencesUrl}`
    : 'To turn it on again, fix the receiver and register the webhook address again.';
  const text = [
    subject,
    '',
    `The last ${details.failures} alerts could not be delivered to ${details.url}`,
    `(last error: ${details.lastError}), so no more alerts will be posted there.`,
    'Email alerts are not affected.',
    '',
    again,
    '',
  ].join('\n');
  const link = details.preferencesUrl ? `<a href="${e(details.preferencesUrl)}">your preferences page</a>` : 'your preferences page';
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;color:#1f2937;line-height:1.6;max-width:560px;margin:0 auto;padding:24px 12px;">
<h1 style="font-size:20px;color:#1d2b45;">${e(subject)}</h1>
<p>The last ${details.failures} alerts could not be delivered to <code>${e(details.url)}</code> (last error: ${e(details.lastError)}), so no more alerts will be posted there. Email alerts are not affected.</p>
<p>To turn it on again, fix the receiver and save the webhook address on ${link}.</p>
</body></html>
`;
  return { subject, html, text, headers: {} };
}
