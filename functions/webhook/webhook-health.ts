/**
 * What the webhook channel records about a subscriber's URL. Every update names the URL it is
 * about, so a failure of a URL the owner has just replaced never counts against the new one.
 */
export interface WebhookHealth {
  /** The new count of failures in a row, or undefined when the subscriber no longer has this URL. */
  recordWebhookFailure(email: string, url: string, error: string): Promise<number | undefined>;
  recordWebhookSuccess(email: string, url: string): Promise<void>;
  /** True for the call that disabled it (so its owner is told once), false when it already was or the URL changed. */
  disableWebhook(email: string, url: string, now: Date): Promise<boolean>;
}
