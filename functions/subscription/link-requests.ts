import type { Deps } from '../commons/deps';
import { escapeHtml as e } from '../domain/email/html';
import { preferencesUrl } from '../domain/subscriber-links';
import { withLinkId } from './link-id';
import { subscriberOfLink, tokenOf } from './link-subscriber';
import { type HttpResponse, htmlPage, messagePage } from './pages';
import { type HttpRequest, reject } from './request-guard';

function invalidLink(deps: Deps): HttpResponse {
  reject(deps, 'link-token');
  return messagePage(
    403,
    'Link not valid',
    'This link is not valid or has expired. Nothing was changed. To subscribe again, use the subscription page.',
  );
}

/** `GET /confirm`: double opt-in; idempotent; the page links the new subscriber's preferences. */
export async function handleConfirm(deps: Deps, request: HttpRequest): Promise<HttpResponse> {
  const link = await subscriberOfLink(deps, tokenOf(request.query, request.body), 'confirm');
  if (!link.valid) return invalidLink(deps);
  const subscriber = link.subscriber && (await withLinkId(deps, link.subscriber));
  if (!subscriber || subscriber.status === 'unsubscribed' || subscriber.status === 'suppressed') {
    return messagePage(410, 'Subscription not found', 'There is no pending subscription for this link. Subscribe again to receive alerts.');
  }
  if (subscriber.status === 'pending')
    await deps.subscribers.putSubscriber({ ...subscriber, status: 'confirmed', confirmedAt: deps.clock().toISOString() });
  deps.log.info('subscription confirmed');
  const manage = preferencesUrl(await deps.tokenSecret(), deps.config.subscriptionUrl, subscriber, deps.clock());
  return htmlPage(
    200,
    'Subscription confirmed',
    `<p>You will receive an email when a release changes the rankings you follow.</p>
<p><a href="${e(manage)}">Manage your preferences</a> (every alert carries this link too).</p>`,
  );
}

/**
 * `GET /unsubscribe` shows a button (a mail scanner that follows links must not unsubscribe anyone);
 * `POST /unsubscribe` is RFC 8058's one-click (`List-Unsubscribe=One-Click`) and the button: it
 * needs only the signed token, answers 200 and is idempotent.
 */
export async function handleUnsubscribe(deps: Deps, request: HttpRequest): Promise<HttpResponse> {
  const token = tokenOf(request.query, request.body);
  const link = await subscriberOfLink(deps, token, 'unsubscribe');
  if (!link.valid) return invalidLink(deps);
  if (request.method === 'GET') {
    return htmlPage(
      200,
      'Stop alerts',
      `<p>Stop every detainer-watch alert to this subscription?</p>
<form method="post" action="${e(`${deps.config.subscriptionUrl}/unsubscribe`)}"><input type="hidden" name="token" value="${e(token ?? '')}"><button type="submit">Unsubscribe</button></form>`,
    );
  }
  const subscriber = link.subscriber;
  if (subscriber && subscriber.status !== 'unsubscribed' && subscriber.status !== 'suppressed') {
    await deps.subscribers.setSubscriberStatus(subscriber.email, 'unsubscribed', 'one-click unsubscribe');
  }
  deps.log.info('unsubscribed', { known: Boolean(subscriber) });
  return messagePage(200, 'Unsubscribed', 'You will not receive detainer-watch alerts any more.');
}
