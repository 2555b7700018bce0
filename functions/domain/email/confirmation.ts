import { headerUrl } from './alert';
import type { ComposedEmail } from './composed-email';
import { escapeHtml as e } from './html';

/** The double opt-in message: nothing is sent to an address until its owner follows this link. */
export function composeConfirmation(email: string, confirmUrl: string): ComposedEmail {
  const url = headerUrl(confirmUrl);
  const text = [
    'Confirm your detainer-watch subscription',
    '',
    `Someone (hopefully you) asked to send alerts about declined-detainer rankings to ${email}.`,
    'To start receiving them, confirm with this link:',
    '',
    url,
    '',
    'If you did not ask for this, ignore this message: nothing will be sent without confirmation.',
    '',
  ].join('\n');
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Confirm your detainer-watch subscription</title></head>
<body style="margin:0;padding:0;background:#eef1f5;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#eef1f5"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:560px;background:#ffffff;border:1px solid #d9dee7;border-radius:8px;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;color:#1f2937;">
<tr><td style="padding:24px 28px;font-size:15px;line-height:1.6;">
<div style="font-size:20px;font-weight:bold;color:#1d2b45;">Confirm your subscription</div>
<p>Someone (hopefully you) asked to send alerts about declined-detainer rankings to <strong>${e(email)}</strong>.</p>
<p><a href="${e(url)}" style="display:inline-block;background:#1d4ed8;color:#ffffff;text-decoration:none;font-weight:bold;padding:10px 18px;border-radius:6px;">Confirm subscription</a></p>
<p style="font-size:13px;color:#6b7485;">Or open this link: <a href="${e(url)}" style="color:#1d4ed8;word-break:break-all;">${e(url)}</a><br>If you did not ask for this, ignore this message: nothing will be sent without confirmation.</p>
</td></tr></table>
</td></tr></table>
</body></html>
`;
  return { subject: 'Confirm your detainer-watch subscription', html, text, headers: {} };
}

/**
 * Sent when the subscription form is used for an address already confirmed: the form's answer is the
 * same for every address (no one learns who subscribes), and the owner gets their preferences link.
 */
export function composeAlreadySubscribed(email: string, preferencesUrl: string): ComposedEmail {
  const url = headerUrl(preferencesUrl);
  const subject = 'Your detainer-watch subscription';
  const text = [
    subject,
    '',
    `Someone (hopefully you) asked to subscribe ${email}, which already receives detainer-watch alerts.`,
    'Nothing was changed. To change what you receive, or to stop, open your preferences:',
    '',
    url,
    '',
  ].join('\n');
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;color:#1f2937;line-height:1.6;max-width:560px;margin:0 auto;padding:24px 12px;">
<p>Someone (hopefully you) asked to subscribe <strong>${e(email)}</strong>, which already receives detainer-watch alerts. Nothing was changed.</p>
<p><a href="${e(url)}" style="color:#1d4ed8;">Manage your preferences</a> to change what you receive, or to stop.</p>
</body></html>
`;
  return { subject, html, text, headers: {} };
}
