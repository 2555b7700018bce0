import type { ComposedEmail } from '../domain/email';
import { headerText } from '../domain/email';

/**
 * Raw MIME (multipart/alternative: text, then HTML) for SES `SendRawEmail`, which is what keeps
 * the List-Unsubscribe headers intact. Header values are passed `prepared` so nodemailer neither
 * re-encodes nor folds the angle-bracketed URL; they are made one line here instead.
 */
export async function buildMime(
  email: ComposedEmail,
  envelope: { from: string; to: string; messageId?: string; date?: Date },
): Promise<Buffer> {
  const headers = Object.entries(email.headers).map(([key, value]) => ({
    key: headerText(key, 100).replace(/[^!-9;-~]/g, ''),
    value: { prepared: true, value: headerText(value, 2000) },
  }));
  // Loaded on first use: poll and ingest build a message only for the rare operator report.
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const composer = new MailComposer({
    from: envelope.from,
    to: envelope.to,
    subject: headerText(email.subject, 250),
    text: email.text,
    html: email.html,
    headers,
    ...(envelope.messageId ? { messageId: envelope.messageId } : {}),
    date: envelope.date ?? new Date(),
  });
  return composer.compile().build();
}
