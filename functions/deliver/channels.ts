import type { Deps } from '../commons/deps';
import { once } from '../composition/compose-deps';
import { hasActiveWebhook, type Subscriber } from '../domain/subscriber';
import { subscriberId } from '../domain/subscriber-links';
import type { Channel } from '../ports/channel';

type ChannelDeps = Omit<Deps, 'channels'>;

/**
 * The subscriber with its link id stored: subscribers stored before link ids get theirs here, so
 * the signed links of their alert (built from the same keyed hash) find them.
 */
function linkedSubscriber(deps: ChannelDeps): (subscriber: Subscriber) => Promise<Subscriber> {
  return async (subscriber) => {
    if (subscriber.id) return subscriber;
    const id = subscriberId(await deps.tokenSecret(), subscriber.email);
    await deps.subscribers.linkSubscriberId(subscriber.email, id);
    return { ...subscriber, id };
  };
}

/**
 * Email, loaded on the first alert: composing alerts (and signing their links) is deliver's work
 * only, so no other step's bundle contains it.
 */
function lazyEmailChannel(deps: ChannelDeps): Channel {
  const channel = once(async () =>
    (await import('./email-channel')).emailChannel({
      mailer: deps.mailer,
      sender: deps.config.sender,
      subscriptionUrl: deps.config.subscriptionUrl,
      tokenSecret: deps.tokenSecret,
      linked: linkedSubscriber(deps),
      clock: deps.clock,
      locateArchive: (key) => deps.archive.locate(key),
      sendRatePerSecond: deps.config.sendRatePerSecond,
    }),
  );
  return { kind: 'email', reaches: () => true, send: async (delivery) => (await channel()).send(delivery) };
}

/**
 * Webhooks, loaded on the first subscriber who has one. Local mode may POST to loopback receivers
 * (as its fetcher may poll loopback sources); in AWS the SSRF rules refuse them.
 */
function lazyWebhookChannel(deps: ChannelDeps, options: { allowLoopback?: boolean } = {}): Channel {
  const channel = once(async () => (await import('../webhook/webhook-wiring')).webhookChannel(deps, options));
  return { kind: 'webhook', reaches: hasActiveWebhook, send: async (delivery) => (await channel()).send(delivery) };
}

/** The channels of deliver, in both composition roots. */
export function deliveryChannels(deps: ChannelDeps): Channel[] {
  return [lazyEmailChannel(deps), lazyWebhookChannel(deps)];
}

/** Local mode's channels: webhooks may reach receivers on this machine. */
export function localDeliveryChannels(deps: ChannelDeps): Channel[] {
  return [lazyEmailChannel(deps), lazyWebhookChannel(deps, { allowLoopback: true })];
}
