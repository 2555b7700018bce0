import type { Deps } from '../commons/deps';
import { type ComposedEmail, composeAlreadySubscribed, composeConfirmation } from '../domain/email';
import { DEFAULT_FILTERS, type Subscriber, type SubscriberFilters } from '../domain/subscriber';
import { confirmUrl, preferencesUrl, subscriberId } from '../domain/subscriber-links';
import { buildMime } from '../mail/mime';
import { parseEmail } from './form-input';
import { withLinkId } from './link-id';

export function normaliseEmail(email: string): string {
  const parsed = parseEmail(email);
  if (!parsed.email) throw new Error(`not an email address: "${email}"`);
  return parsed.email;
}

/**
 * Double opt-in: store the address as pending with its filters and send a confirmation link.
 * A confirmed subscriber who subscribes again keeps their status and gets the new filters
 * (the operator's command; the public form never changes a confirmed subscriber, see
 * `requestSubscription`); a suppressed address (bounce, complaint) is never mailed again.
 */
export async function subscribe(
  deps: Deps,
  emailAddress: string,
  filters: Partial<SubscriberFilters> = {},
): Promise<{ subscriber: Subscriber; confirmationSent: boolean }> {
  const email = normaliseEmail(emailAddress);
  const secret = await deps.tokenSecret();
  const existing = await deps.subscribers.getSubscriber(email);
  const merged: SubscriberFilters = { ...DEFAULT_FILTERS, topN: deps.config.topN, ...existing?.filters, ...filters };
  if (existing?.status === 'suppressed')
    throw new Error(`${email} is suppressed after a bounce or complaint and cannot be subscribed again`);
  const id = existing?.id ?? subscriberId(secret, email);
  if (existing?.status === 'confirmed') {
    const subscriber = { ...existing, id, filters: merged };
    await deps.subscribers.putSubscriber(subscriber);
    return { subscriber, confirmationSent: false };
  }
  const subscriber: Subscriber = {
    ...existing,
    email,
    id,
    status: 'pending',
    filters: merged,
    createdAt: existing?.createdAt ?? deps.clock().toISOString(),
  };
  delete subscriber.reason;
  await deps.subscribers.putSubscriber(subscriber);
  await mail(deps, email, composeConfirmation(email, confirmUrl(secret, deps.config.subscriptionUrl, subscriber, deps.clock())));
  return { subscriber, confirmationSent: true };
}

export type SubscriptionRequestOutcome = 'confirmation-sent' | 'preferences-link-sent' | 'suppressed';

/**
 * The public form's subscribe: whatever the address's state, the person sees the same answer. A new,
 * pending or unsubscribed address gets a confirmation link with these filters; a confirmed one keeps
 * its filters (nobody can change them without the owner's link) and is mailed its preferences link;
 * a suppressed one is not mailed at all.
 */
export async function requestSubscription(deps: Deps, email: string, filters: SubscriberFilters): Promise<SubscriptionRequestOutcome> {
  const existing = await deps.subscribers.getSubscriber(email);
  if (existing?.status === 'suppressed') return 'suppressed';
  if (existing?.status === 'confirmed') {
    const secret = await deps.tokenSecret();
    const subscriber = await withLinkId(deps, existing);
    await mail(deps, email, composeAlreadySubscribed(email, preferencesUrl(secret, deps.config.subscriptionUrl, subscriber, deps.clock())));
    return 'preferences-link-sent';
  }
  await subscribe(deps, email, filters);
  return 'confirmation-sent';
}

async function mail(deps: Deps, to: string, message: ComposedEmail): Promise<void> {
  const raw = await buildMime(message, { from: deps.config.sender, to });
  await deps.mailer.sendRaw({ from: deps.config.sender, to, raw, html: message.html, subject: message.subject });
}

/** Unsubscribe without a token: the operator's CLI path. Idempotent. */
export async function unsubscribe(deps: Deps, emailAddress: string): Promise<boolean> {
  const email = normaliseEmail(emailAddress);
  const existing = await deps.subscribers.getSubscriber(email);
  if (!existing) return false;
  if (existing.status !== 'unsubscribed' && existing.status !== 'suppressed')
    await deps.subscribers.setSubscriberStatus(email, 'unsubscribed', 'unsubscribed by the operator');
  return true;
}
