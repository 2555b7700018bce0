import type { Deps } from '../commons/deps';
import type { WebhookUrlPolicy } from '../webhook/webhook-url';
import { handleConfirm, handleUnsubscribe } from './link-requests';
import { type HttpResponse, messagePage } from './pages';
import { handlePreferencesGet, handlePreferencesPost } from './preferences';
import { type HttpRequest, RATE_LIMITS, type RateLimits, routeOf } from './request-guard';
import { subscribeFormPage } from './subscribe-page';
import { formTokenResponse, handleSubscribePost } from './subscribe-request';

export type { HttpResponse } from './pages';
export type { HttpRequest } from './request-guard';

export interface SubscriptionOptions {
  limits?: RateLimits;
  /** Webhook URL rules; loopback receivers only in tests. */
  webhookPolicy?: WebhookUrlPolicy;
}

type Route = (deps: Deps, request: HttpRequest, siteOrigin: string, options: SubscriptionOptions) => Promise<HttpResponse>;

const ROUTES: Record<string, Partial<Record<'GET' | 'POST', Route>>> = {
  '/subscribe': {
    GET: (deps) => subscribeFormPage(deps),
    POST: (deps, request, origin, options) => handleSubscribePost(deps, request, origin, options.limits ?? RATE_LIMITS),
  },
  '/subscribe/token': { GET: (deps) => formTokenResponse(deps) },
  '/confirm': { GET: (deps, request) => handleConfirm(deps, request) },
  '/unsubscribe': { GET: (deps, request) => handleUnsubscribe(deps, request), POST: (deps, request) => handleUnsubscribe(deps, request) },
  '/preferences': {
    GET: (deps, request) => handlePreferencesGet(deps, request),
    POST: (deps, request, origin, options) => handlePreferencesPost(deps, request, origin, options.webhookPolicy ?? {}),
  },
};

/**
 * The public subscription endpoint (`/api/*` on the site's origin; the old root paths still work):
 * the subscription form, double opt-in confirmation, RFC 8058 one-click unsubscribe and the
 * preferences page. Links and the allowed Origin come from `config.subscriptionUrl`.
 */
export async function handleSubscriptionRequest(
  deps: Deps,
  request: HttpRequest,
  options: SubscriptionOptions = {},
): Promise<HttpResponse> {
  const method = request.method.toUpperCase();
  const route = ROUTES[routeOf(request.path)];
  if (!route) return messagePage(404, 'Page not found', 'There is no page at this address.');
  const answer = route[method as 'GET' | 'POST'];
  if (!answer) {
    const allow = Object.keys(route).join(', ');
    return messagePage(405, 'Method not allowed', 'Use the link in your email or the form on the site.', { allow });
  }
  return answer(deps, request, new URL(deps.config.subscriptionUrl).origin, options);
}
