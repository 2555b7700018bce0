import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenAction = 'confirm' | 'unsubscribe';

export interface TokenClaims {
  email: string;
  action: TokenAction;
  /** Epoch milliseconds after which the token is refused; none = valid until the secret changes. */
  expiresAt?: number;
}

/**
 * A signed link token: base64url(JSON claims) + "." + base64url(HMAC-SHA256(secret, claims part)).
 * The address is inside the signature, so a token cannot be replayed for another address, and the
 * action is too, so an unsubscribe token cannot confirm.
 */
export function signToken(secret: string, claims: TokenClaims): string {
  if (!secret) throw new Error('signToken: empty secret');
  const payload = Buffer.from(
    JSON.stringify({ e: claims.email, a: claims.action, ...(claims.expiresAt !== undefined ? { x: claims.expiresAt } : {}) }),
  ).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The claims of a genuine, unexpired token for the expected action (and address), else null. */
export function verifyToken(
  secret: string,
  token: string,
  expected: { action: TokenAction; email?: string; now?: number },
): { email: string; action: TokenAction } | null {
  if (!secret || typeof token !== 'string') return null;
  const parts = token.trim().split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]) || !/^[A-Za-z0-9_-]+$/.test(parts[1])) return null;
  const [payload, signature] = parts;
  const given = Buffer.from(signature, 'base64url');
  const wanted = mac(secret, payload);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return null;

  let claims: { e?: unknown; a?: unknown; x?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof claims.e !== 'string' || (claims.a !== 'confirm' && claims.a !== 'unsubscribe')) return null;
  if (claims.a !== expected.action) return null;
  if (claims.x !== undefined && (typeof claims.x !== 'number' || (expected.now ?? Date.now()) > claims.x)) return null;
  if (expected.email !== undefined && claims.e.trim().toLowerCase() !== expected.email.trim().toLowerCase()) return null;
  return { email: claims.e, action: claims.a };
}

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`detainer-watch-token.v1.${payload}`).digest();
}
