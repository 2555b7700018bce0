import type { Deps } from '../commons/deps';
import type { Subscriber } from '../domain/subscriber';
import { type LinkPurpose, verifyLinkToken } from '../domain/subscriber-links';
import { verifyToken } from './token';

export type LinkLookup = { valid: false } | { valid: true; subscriber: Subscriber | undefined; email?: string };

/**
 * Who a signed link is for. Links name the subscriber's opaque id; confirm and unsubscribe links
 * mailed before that (address inside, `token.ts`) are still honoured, as RFC 8058 links must keep
 * working in old mails.
 */
export async function subscriberOfLink(
  deps: Deps,
  token: string | null | undefined,
  purpose: Exclude<LinkPurpose, 'form'>,
): Promise<LinkLookup> {
  if (!token) return { valid: false };
  const secret = await deps.tokenSecret();
  const now = deps.clock().getTime();
  const claims = verifyLinkToken(secret, token, { purpose, now });
  if (claims) return { valid: true, subscriber: await deps.subscribers.getSubscriberById(claims.subject) };
  if (purpose === 'preferences') return { valid: false };
  const legacy = verifyToken(secret, token, { action: purpose, now });
  if (!legacy) return { valid: false };
  return { valid: true, subscriber: await deps.subscribers.getSubscriber(legacy.email), email: legacy.email };
}

/** The token of a link: in the query (a click) or in a form body (a button, RFC 8058's one-click POST). */
export function tokenOf(query: Record<string, string | undefined>, body: string | undefined): string | undefined {
  if (query.token) return query.token;
  if (body && Buffer.byteLength(body) <= 8192) return new URLSearchParams(body).get('token') ?? undefined;
  return undefined;
}
