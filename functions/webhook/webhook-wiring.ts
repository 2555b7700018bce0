import type { Deps } from '../commons/deps';
import { preferencesUrl } from '../domain/subscriber-links';
import { WebhookChannel, type WebhookChannelOptions } from './webhook-channel';

/**
 * The webhook channel of a step, from its Deps: failures are recorded on the subscriber, the owner
 * is told through the step's mailer, the disabled-webhook mail links their preferences page.
 */
export function webhookChannel(deps: Omit<Deps, 'channels'>, options: Partial<WebhookChannelOptions> = {}): WebhookChannel {
  return new WebhookChannel({
    health: deps.subscribers,
    mailer: deps.mailer,
    sender: deps.config.sender,
    preferencesUrl: async (subscriber) => preferencesUrl(await deps.tokenSecret(), deps.config.subscriptionUrl, subscriber, deps.clock()),
    clock: deps.clock,
    log: deps.log,
    ...(deps.count ? { count: deps.count } : {}),
    ...options,
  });
}
