import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed links in mails and pages. A token names a subscriber by an opaque id (a keyed hash of the
 * address, see `subscriberId`), never by the address itself, so a forwarded or logged link does not
 * give the address away. Format: base64url(JSON claims) "." base64url(HMAC-SHA256(secret, purpose
 * domain + claims part)); compared with `timingSafeEqual`.
 *
 * - confirm: expires after `CONFIRM_LINK_DAYS`;
 * - unsubscribe (RFC 8058 one-click) and preferences: no expiry, they keep working in old mails;
 * - form: the subscription form's anti-CSRF token, short-lived, names no subscriber.
 */
export type LinkPurpose = 'confirm' | 'unsubscribe' | 'preferences' | 'form';

const CONFIRM_LINK_DAYS = 7;
const FORM_TOKEN_HOURS = 2;

export interface LinkClaims {
  /** Subscriber id (`subscriberId`); for `form`, a random nonce. */
  subject: string;
  purpose: LinkPurpose;
  /** Epoch milliseconds after which the token is refused; absent = valid until the secret changes. */
  expiresAt?: number;
}

/** A subscriber as the links need it: the stored id when it has one, else it is derived from the address. */
export interface LinkedSubscriber {
  email: string;
  id?: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The opaque, stable id of an address: 128 bits of HMAC-SHA256(secret, lower-cased address). */
export function subscriberId(secret: string, email: string): string {
  return hmac(secret, `subscriber-id.${email.trim().toLowerCase()}`).subarray(0, 16).toString('base64url');
}

export function signLinkToken(secret: string, claims: LinkClaims): string {
  if (!secret) throw new Error('signLinkToken: empty secret');
  const body = { s: claims.subject, p: claims.purpose, ...(claims.expiresAt === undefined ? {} : { x: claims.expiresAt }) };
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${hmac(secret, `link.${claims.purpose}.${payload}`).toString('base64url')}`;
}

/** The claims of a genuine, unexpired token of `purpose`, else null (never throws on bad input). */
export function verifyLinkToken(secret: string, token: unknown, expected: { purpose: LinkPurpose; now: number }): LinkClaims | null {
  if (!secret || typeof token !== 'string' || token.length > 1000) return null;
  const parts = token.trim().split('.');
  if (parts.length !== 2 || !BASE64URL.test(parts[0]) || !BASE64URL.test(parts[1])) return null;
  const [payload, signature] = parts;
  const given = Buffer.from(signature, 'base64url');
  const wanted = hmac(secret, `link.${expected.purpose}.${payload}`);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return null;
  let claims: { s?: unknown; p?: unknown; x?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof claims.s !== 'string' || claims.p !== expected.purpose) return null;
  if (claims.x !== undefined && (typeof claims.x !== 'number' || expected.now > claims.x)) return null;
  return { subject: claims.s, purpose: expected.purpose, ...(claims.x === undefined ? {} : { expiresAt: claims.x }) };
}

/** Double opt-in link; refused after `CONFIRM_LINK_DAYS`. */
export function confirmUrl(secret: string, baseUrl: string, subscriber: LinkedSubscriber, now: Date): string {
  const expiresAt = now.getTime() + CONFIRM_LINK_DAYS * 86_400_000;
  return link(baseUrl, 'confirm', signLinkToken(secret, { subject: idOf(secret, subscriber), purpose: 'confirm', expiresAt }));
}

/** RFC 8058 one-click unsubscribe (List-Unsubscribe header and footer link); never expires. */
export function unsubscribeUrl(secret: string, baseUrl: string, subscriber: LinkedSubscriber): string {
  return link(baseUrl, 'unsubscribe', signLinkToken(secret, { subject: idOf(secret, subscriber), purpose: 'unsubscribe' }));
}

/** "Manage preferences" page of one subscriber; never expires. `now` is accepted for symmetry with `confirmUrl`. */
export function preferencesUrl(secret: string, baseUrl: string, subscriber: LinkedSubscriber, _now?: Date): string {
  return link(baseUrl, 'preferences', signLinkToken(secret, { subject: idOf(secret, subscriber), purpose: 'preferences' }));
}

/** Anti-CSRF token of the subscription form: random, short-lived, bound to nobody. */
export function formToken(secret: string, nonce: string, now: Date): string {
  return signLinkToken(secret, { subject: nonce, purpose: 'form', expiresAt: now.getTime() + FORM_TOKEN_HOURS * 3_600_000 });
}

function idOf(secret: string, subscriber: LinkedSubscriber): string {
  return subscriber.id ?? subscriberId(secret, subscriber.email);
}

function link(baseUrl: string, path: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path}?token=${encodeURIComponent(token)}`;
}

function hmac(secret: string, text: string): Buffer {
  return createHmac('sha256', secret).update(`detainer-watch.v2.${text}`).digest();
}
