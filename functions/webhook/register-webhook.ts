import type { SubscriberStore } from '../ports/store';
import { newWebhookSecret } from './webhook-signature';
import { checkWebhookUrl, type WebhookUrlPolicy } from './webhook-url';

/**
 * Gives a subscriber a webhook (or a new URL and a new secret for it): the URL's form and every
 * address its host resolves to are checked first, so nothing is stored for a refused URL. The secret
 * is returned to be shown once to the owner.
 */
export async function registerWebhook(
  deps: { subscribers: SubscriberStore; clock: () => Date },
  email: string,
  urlText: string,
  policy: WebhookUrlPolicy = {},
): Promise<{ url: string; secret: string }> {
  const url = await checkWebhookUrl(urlText, policy);
  const subscriber = await deps.subscribers.getSubscriber(email);
  if (!subscriber || subscriber.status === 'unsubscribed' || subscriber.status === 'suppressed')
    throw new Error(`${email} is not subscribed`);
  const secret = newWebhookSecret();
  await deps.subscribers.putSubscriber({
    ...subscriber,
    webhook: { url: url.href, secret, createdAt: deps.clock().toISOString(), consecutiveFailures: 0 },
  });
  return { url: url.href, secret };
}

/** Stops webhook deliveries to this subscriber; true when there was one. */
export async function removeWebhook(deps: { subscribers: SubscriberStore }, email: string): Promise<boolean> {
  const subscriber = await deps.subscribers.getSubscriber(email);
  if (!subscriber?.webhook) return false;
  const { webhook: _removed, ...rest } = subscriber;
  await deps.subscribers.putSubscriber(rest);
  return true;
}
