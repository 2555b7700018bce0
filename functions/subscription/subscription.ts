import type { Deps } from '../commons/deps';
import { verifyToken } from './token';

export interface HttpRequest {
  method: string;
  /** Path after the base URL: `/confirm`, `/unsubscribe`. */
  path: string;
  query: Record<string, string | undefined>;
  body?: string;
  headers: Record<string, string | undefined>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const page = (status: number, title: string, message: string): HttpResponse => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body style="font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em"><h1 style="font-size:1.4em">${title}</h1><p>${message}</p><p style="color:#666">detainer-watch</p></body></html>`,
});

/** The token may come in the query (a click) or in a form body (RFC 8058 one-click POST). */
function tokenOf(request: HttpRequest): string | undefined {
  if (request.query.token) return request.query.token;
  if (request.body) return new URLSearchParams(request.body).get('token') ?? undefined;
  return undefined;
}

/**
 * Confirm (double opt-in) and RFC 8058 one-click unsubscribe. Tokens are HMAC-signed and bound
 * to one address and one action. Unsubscribing is one POST (the mail client's one-click) or one
 * click (GET), answers 200 and is idempotent; a forged or expired token changes nothing.
 */
export async function handleSubscriptionRequest(deps: Deps, request: HttpRequest): Promise<HttpResponse> {
  const method = request.method.toUpperCase();
  const path = request.path.replace(/\/+$/, '') || '/';
  if (method !== 'GET' && method !== 'POST') return { ...page(405, 'Method not allowed', 'Use the link in your email.'), headers: { ...page(405, '', '').headers, allow: 'GET, POST' } };
  const action = path.endsWith('/confirm') ? 'confirm' : path.endsWith('/unsubscribe') ? 'unsubscribe' : null;
  if (!action) return page(404, 'Not found', 'This address has no page.');
  const token = tokenOf(request);
  const claims = token ? verifyToken(await deps.tokenSecret(), token, { action, now: deps.clock().getTime() }) : null;
  if (!claims) return page(403, 'Link not valid', 'This link is not valid or has expired. Nothing was changed.');

  const subscriber = await deps.subscribers.getSubscriber(claims.email);
  if (action === 'unsubscribe') {
    if (subscriber && subscriber.status !== 'unsubscribed' && subscriber.status !== 'suppressed') {
      await deps.subscribers.setSubscriberStatus(claims.email, 'unsubscribed', 'one-click unsubscribe');
    }
    deps.log.info('unsubscribed', { known: Boolean(subscriber) });
    return page(200, 'Unsubscribed', 'You will not receive detainer-watch alerts any more.');
  }
  if (!subscriber || subscriber.status === 'unsubscribed' || subscriber.status === 'suppressed') {
    return page(410, 'Subscription not found', 'There is no pending subscription for this link. Subscribe again to receive alerts.');
  }
  if (subscriber.status === 'pending') {
    await deps.subscribers.putSubscriber({ ...subscriber, status: 'confirmed', confirmedAt: deps.clock().toISOString() });
  }
  deps.log.info('subscription confirmed');
  return page(200, 'Subscription confirmed', 'You will receive an email when a release changes the rankings you follow.');
}
