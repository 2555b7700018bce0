import type { Deps } from '../commons/deps';
import { composeConfirmation } from '../domain/email';
import { DEFAULT_FILTERS, type Subscriber, type SubscriberFilters } from '../domain/subscriber';
import { buildMime } from '../mail/mime';
import { signToken } from './token';

const CONFIRM_TOKEN_DAYS = 7;
const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export function normaliseEmail(email: string): string {
  const trimmed = email.trim().toLowerCase();
  if (!EMAIL_PATTERN.test(trimmed) || trimmed.length > 254) throw new Error(`not an email address: "${email}"`);
  return trimmed;
}

/**
 * Double opt-in: store the address as pending with its filters and send a confirmation link.
 * A confirmed subscriber who subscribes again keeps their status and gets the new filters;
 * a suppressed address (bounce, complaint) is never mailed again.
 */
export async function subscribe(deps: Deps, emailAddress: string, filters: Partial<SubscriberFilters> = {}): Promise<{ subscriber: Subscriber; confirmationSent: boolean }> {
  const email = normaliseEmail(emailAddress);
  const existing = await deps.subscribers.getSubscriber(email);
  const merged: SubscriberFilters = { ...DEFAULT_FILTERS, topN: deps.config.topN, ...existing?.filters, ...filters };
  if (existing?.status === 'suppressed') throw new Error(`${email} is suppressed after a bounce or complaint and cannot be subscribed again`);
  if (existing?.status === 'confirmed') {
    const subscriber = { ...existing, filters: merged };
    await deps.subscribers.putSubscriber(subscriber);
    return { subscriber, confirmationSent: false };
  }
  const subscriber: Subscriber = { email, status: 'pending', filters: merged, createdAt: existing?.createdAt ?? deps.clock().toISOString() };
  await deps.subscribers.putSubscriber(subscriber);
  const secret = await deps.tokenSecret();
  const token = signToken(secret, { email, action: 'confirm', expiresAt: deps.clock().getTime() + CONFIRM_TOKEN_DAYS * 86_400_000 });
  const message = composeConfirmation(email, `${deps.config.subscriptionUrl}/confirm?token=${encodeURIComponent(token)}`);
  const raw = await buildMime(message, { from: deps.config.sender, to: email });
  await deps.mailer.sendRaw({ from: deps.config.sender, to: email, raw, html: message.html, subject: message.subject });
  return { subscriber, confirmationSent: true };
}

/** Unsubscribe without a token: the operator's CLI path. Idempotent. */
export async function unsubscribe(deps: Deps, emailAddress: string): Promise<boolean> {
  const email = normaliseEmail(emailAddress);
  const existing = await deps.subscribers.getSubscriber(email);
  if (!existing) return false;
  if (existing.status !== 'unsubscribed' && existing.status !== 'suppressed') await deps.subscribers.setSubscriberStatus(email, 'unsubscribed', 'unsubscribed by the operator');
  return true;
}
