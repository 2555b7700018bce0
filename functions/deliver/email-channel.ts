import { composeAlert } from '../domain/email';
import type { Subscriber } from '../domain/subscriber';
import { preferencesUrl, unsubscribeUrl } from '../domain/subscriber-links';
import { buildMime } from '../mail/mime';
import type { Channel } from '../ports/channel';
import type { Mailer } from '../ports/mailer';
import { SendRate } from './send-rate';

export interface EmailChannelOptions {
  mailer: Mailer;
  sender: string;
  /** Base URL of the subscription endpoint; the unsubscribe link is built on it. */
  subscriptionUrl: string;
  tokenSecret: () => Promise<string>;
  /** The subscriber with the link id its signed links name (stored on first use for older subscribers). */
  linked: (subscriber: Subscriber) => Promise<Subscriber>;
  clock: () => Date;
  /** Where the alert's reader finds the archived release. */
  locateArchive: (archiveKey: string) => string;
  /** SES account rate this process may use. */
  sendRatePerSecond: number;
}

/**
 * Email, the first channel: compose the alert for this subscriber's digest, build its MIME, send
 * it through the mailer (SES `SendRawEmail`) at the configured rate. The Message-ID is the
 * delivery's idempotency key, so a duplicate after a lost acknowledgement is recognisable as one.
 */
export function emailChannel(options: EmailChannelOptions): Channel {
  const rate = new SendRate(options.sendRatePerSecond);
  return {
    kind: 'email',
    reaches: () => true,
    async send({ digest, subscriber, idempotencyKey }) {
      const [secret, linked] = await Promise.all([options.tokenSecret(), options.linked(subscriber)]);
      const email = composeAlert(digest, subscriber, {
        unsubscribeUrl: unsubscribeUrl(secret, options.subscriptionUrl, linked),
        preferencesUrl: preferencesUrl(secret, options.subscriptionUrl, linked, options.clock()),
        archiveUrl: options.locateArchive(digest.archiveKey),
      });
      const messageId = `<${idempotencyKey}@detainer-watch>`;
      const raw = await buildMime(email, { from: options.sender, to: subscriber.email, messageId });
      await rate.take();
      return options.mailer.sendRaw({ from: options.sender, to: subscriber.email, raw, html: email.html, subject: email.subject });
    },
  };
}
