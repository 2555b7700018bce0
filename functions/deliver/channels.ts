import type { Deps } from '../commons/deps';
import { once } from '../composition/compose-deps';
import type { Channel } from '../ports/channel';

/**
 * Email, loaded on the first alert: composing alerts (and signing their links) is deliver's work
 * only, so no other step's bundle contains it.
 */
export function lazyEmailChannel(deps: Omit<Deps, 'channels'>): Channel {
  const channel = once(async () =>
    (await import('./email-channel')).emailChannel({
      mailer: deps.mailer,
      sender: deps.config.sender,
      subscriptionUrl: deps.config.subscriptionUrl,
      tokenSecret: deps.tokenSecret,
      locateArchive: (key) => deps.archive.locate(key),
      sendRatePerSecond: deps.config.sendRatePerSecond,
    }),
  );
  return { kind: 'email', reaches: () => true, send: async (delivery) => (await channel()).send(delivery) };
}

/** The channels of deliver, in both composition roots; a new channel (webhooks) is one entry here. */
export function deliveryChannels(deps: Omit<Deps, 'channels'>): Channel[] {
  return [lazyEmailChannel(deps)];
}
