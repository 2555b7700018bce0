import type { Deps } from '../commons/deps';
import { subscriberId } from '../domain/subscriber-links';

export interface HttpRequest {
  method: string;
  /** Path after the base URL, with or without `/api`: `/confirm`, `/api/unsubscribe`. */
  path: string;
  query: Record<string, string | undefined>;
  body?: string;
  headers: Record<string, string | undefined>;
  /** The client's address as the Function URL saw it (CloudFront's, behind CloudFront). */
  sourceIp?: string;
}

/** Metric names the endpoint counts; the stack alarms on `SubscriptionRequestsRejected`. */
export const SUBSCRIPTION_METRIC = {
  requested: 'SubscriptionsRequested',
  rejected: 'SubscriptionRequestsRejected',
} as const;

/** Why a request was turned away: the log line names it, the metric counts it. */
export type Rejection =
  | 'origin'
  | 'form-token'
  | 'honeypot'
  | 'invalid-input'
  | 'too-large'
  | 'rate-client'
  | 'rate-address'
  | 'link-token'
  | 'webhook-url'
  | 'media-type';

export function reject(deps: Pick<Deps, 'count' | 'log'>, reason: Rejection): void {
  deps.count?.(SUBSCRIPTION_METRIC.rejected);
  deps.log.warn('subscription request rejected', { reason });
}

/** Form posts read at most this much; a larger body is refused without being parsed. */
export const MAX_FORM_BYTES = 8 * 1024;

export const RATE_LIMITS = {
  /** Form posts per client address per hour. */
  client: { limit: 20, windowSeconds: 3600 },
  /**
   * Form posts per connecting address per hour when the request names its viewer
   * (`CloudFront-Viewer-Address`): a CloudFront edge carries many people, so this is higher; a caller
   * that reaches the Function URL directly and forges the header is still held to it.
   */
  connection: { limit: 300, windowSeconds: 3600 },
  /** Subscription mails per email address per hour (confirmations and preference links). */
  address: { limit: 3, windowSeconds: 3600 },
};
export type RateLimits = typeof RATE_LIMITS;

function header(request: HttpRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(request.headers).find(([key]) => key.toLowerCase() === wanted)?.[1];
}

/**
 * The form was posted by a page of the site itself: `Origin` equals the site's origin, or, for a
 * browser that sends none, `Sec-Fetch-Site` says same-origin. A request with neither header is not
 * from a browser page (no cross-site forgery possible) and still needs a valid form token.
 */
export function fromOwnSite(request: HttpRequest, siteOrigin: string): boolean {
  const origin = header(request, 'origin');
  if (origin !== undefined) return origin === siteOrigin;
  const site = header(request, 'sec-fetch-site');
  return site === undefined || site === 'same-origin';
}

/**
 * Who sent the request: the viewer CloudFront names in `CloudFront-Viewer-Address` (ip:port; the
 * origin request policy forwards it), and the address that connected (a CloudFront edge, or the
 * caller itself when it reached the Function URL directly, which is open: see docs/subscription.md).
 */
function clientAddresses(request: HttpRequest): { viewer?: string; connection: string } {
  const viewer = header(request, 'cloudfront-viewer-address')?.replace(/:\d+$/, '');
  return { ...(viewer ? { viewer } : {}), connection: request.sourceIp ?? 'unknown' };
}

/**
 * The per-client limit on the viewer (or the connection when no viewer is named), then, when a
 * viewer is named, the looser limit on the connection, so a forged header buys at most that.
 */
export async function clientOverLimit(deps: Deps, request: HttpRequest, limits: RateLimits): Promise<boolean> {
  const { viewer, connection } = clientAddresses(request);
  if (await overLimit(deps, 'client', viewer ?? connection, limits)) return true;
  return viewer !== undefined && (await overLimit(deps, 'connection', connection, limits));
}

export function isFormPost(request: HttpRequest): boolean {
  const type = header(request, 'content-type')?.split(';')[0].trim().toLowerCase();
  return type === undefined || type === 'application/x-www-form-urlencoded';
}

/**
 * Counts one attempt against a limit and says whether it is over. Keys are keyed hashes, so the
 * table holds neither addresses nor IPs; windows expire through TTL.
 */
export async function overLimit(deps: Deps, kind: keyof RateLimits, value: string, limits: RateLimits): Promise<boolean> {
  const { limit, windowSeconds } = limits[kind];
  const key = `${kind}#${subscriberId(await deps.tokenSecret(), `${kind}:${value}`)}`;
  return (await deps.subscribers.countAttempt(key, windowSeconds, deps.clock())) > limit;
}

/** Path with the `/api` prefix and trailing slashes removed: `/api/subscribe/` → `/subscribe`. */
export function routeOf(path: string): string {
  const trimmed = path.replace(/\/+$/, '').replace(/^\/api(?=\/|$)/, '');
  return trimmed || '/';
}
