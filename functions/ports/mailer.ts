/** Sends one MIME message (built by the notify step) through SES `SendRawEmail`. */
export interface Mailer {
  sendRaw(message: {
    from: string;
    to: string;
    raw: Buffer;
    /** The HTML part and subject, for local mode's readable outbox copy; SES gets `raw` only. */
    html?: string;
    subject?: string;
  }): Promise<{ messageId: string; retriedAfterAmbiguous?: boolean }>;
}
