import type { Deps } from '../commons/deps';
import { verifyLinkToken } from '../domain/subscriber-links';
import { fieldsOf, parseEmail, parseFilters } from './form-input';
import { type HttpResponse, messagePage } from './pages';
import {
  clientOverLimit,
  fromOwnSite,
  type HttpRequest,
  isFormPost,
  MAX_FORM_BYTES,
  overLimit,
  type RateLimits,
  reject,
  SUBSCRIPTION_METRIC,
} from './request-guard';
import { requestSubscription } from './subscribe';
import { newFormToken, subscribeFormPage } from './subscribe-page';

/** The one answer to every accepted subscription post, whatever the address's state: no enumeration. */
function inboxPage(): HttpResponse {
  return messagePage(
    200,
    'Check your inbox',
    'If this address can receive alerts, a message is on its way to it: follow its link to confirm. Nothing is sent until you do.',
  );
}

function tooManyRequests(deps: Deps, reason: 'rate-client' | 'rate-address', windowSeconds: number): HttpResponse {
  reject(deps, reason);
  return messagePage(
    429,
    'Too many requests',
    'Too many subscription requests came from here or for this address. Please try again in an hour.',
    { 'retry-after': String(windowSeconds) },
  );
}

export function tooLarge(deps: Deps): HttpResponse {
  reject(deps, 'too-large');
  return messagePage(
    413,
    'Form too large',
    'The form sent was larger than this page accepts. Go back, shorten the lists, and send it again.',
  );
}

/** `GET /subscribe/token`: a fresh form token for the site's script (the static page cannot hold one). */
export async function formTokenResponse(deps: Deps): Promise<HttpResponse> {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
    body: JSON.stringify({ token: await newFormToken(deps) }),
  };
}

/**
 * `POST /subscribe`: checks in order of cost (size, client rate, origin, form token, honeypot,
 * fields, address rate), then stores a pending subscription and mails the confirmation. A refusal
 * stores nothing, says what to do in one sentence and is counted.
 */
export async function handleSubscribePost(deps: Deps, request: HttpRequest, siteOrigin: string, limits: RateLimits): Promise<HttpResponse> {
  if (Buffer.byteLength(request.body ?? '') > MAX_FORM_BYTES) return tooLarge(deps);
  if (!isFormPost(request)) {
    reject(deps, 'media-type');
    return messagePage(415, 'Form not understood', 'Send the subscription form from the page.');
  }
  if (await clientOverLimit(deps, request, limits)) return tooManyRequests(deps, 'rate-client', limits.client.windowSeconds);
  if (!fromOwnSite(request, siteOrigin)) {
    reject(deps, 'origin');
    return messagePage(
      403,
      'Form not accepted',
      'This form can only be sent from the detainer-watch site. Open the subscription page and try again.',
    );
  }
  const form = new URLSearchParams(request.body ?? '');
  const state = { email: form.get('email') ?? '', fields: fieldsOf(form), errors: {} as Record<string, string> };
  if (!verifyLinkToken(await deps.tokenSecret(), form.get('token'), { purpose: 'form', now: deps.clock().getTime() })) {
    reject(deps, 'form-token');
    return subscribeFormPage(deps, 403, state, 'This form had expired. Check the details below and press Subscribe again.');
  }
  if (form.get('website')) {
    reject(deps, 'honeypot');
    return inboxPage();
  }
  const { email, error } = parseEmail(state.email);
  const parsed = await parseFilters(state.fields, deps.config.topN);
  const errors = { ...(error ? { email: error } : {}), ...parsed.errors };
  if (!email || !parsed.filters) {
    reject(deps, 'invalid-input');
    return subscribeFormPage(deps, 400, { ...state, errors });
  }
  if (await overLimit(deps, 'address', email, limits)) return tooManyRequests(deps, 'rate-address', limits.address.windowSeconds);
  const outcome = await requestSubscription(deps, email, parsed.filters);
  deps.count?.(SUBSCRIPTION_METRIC.requested);
  deps.log.info('subscription requested', { outcome });
  return inboxPage();
}
