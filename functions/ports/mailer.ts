/** Sends one MIME message (built by the notify step) through SES `SendRawEmail`. */
export interface Mailer {
  sendRaw(message: { from: string; to: string; raw: Buffer }): Promise<{ messageId: string }>;
}
