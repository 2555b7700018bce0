import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from '../../functions/subscription/token';

const SECRET = 'c2VjcmV0LWZvci10ZXN0cy1vbmx5';

describe('signToken / verifyToken', () => {
  it('round-trips an unsubscribe token as URL-safe text', () => {
    // Act
    const token = signToken(SECRET, { email: 'Reporter@Example.org', action: 'unsubscribe' });

    // Assess
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyToken(SECRET, token, { action: 'unsubscribe' })).toEqual({ email: 'Reporter@Example.org', action: 'unsubscribe' });
    expect(verifyToken(SECRET, token, { action: 'unsubscribe', email: 'reporter@example.org' })).not.toBeNull();
  });

  it('refuses a token signed with another secret', () => {
    // Prepare
    const token = signToken('another secret', { email: 'a@example.org', action: 'unsubscribe' });

    // Act + Assess
    expect(verifyToken(SECRET, token, { action: 'unsubscribe' })).toBeNull();
  });

  it('refuses claims changed after signing (another address on the same signature)', () => {
    // Prepare
    const token = signToken(SECRET, { email: 'a@example.org', action: 'unsubscribe' });
    const forgedClaims = Buffer.from(JSON.stringify({ e: 'victim@example.org', a: 'unsubscribe' })).toString('base64url');
    const forged = `${forgedClaims}.${token.split('.')[1]}`;

    // Act + Assess
    expect(verifyToken(SECRET, forged, { action: 'unsubscribe' })).toBeNull();
  });

  it('refuses a token for another action or another address', () => {
    // Prepare
    const token = signToken(SECRET, { email: 'a@example.org', action: 'unsubscribe' });

    // Act + Assess
    expect(verifyToken(SECRET, token, { action: 'confirm' })).toBeNull();
    expect(verifyToken(SECRET, token, { action: 'unsubscribe', email: 'b@example.org' })).toBeNull();
  });

  it('refuses an expired token and accepts it before expiry', () => {
    // Prepare
    const token = signToken(SECRET, { email: 'a@example.org', action: 'confirm', expiresAt: Date.UTC(2026, 10, 30) });

    // Act + Assess
    expect(verifyToken(SECRET, token, { action: 'confirm', now: Date.UTC(2026, 10, 29) })).toEqual({
      email: 'a@example.org',
      action: 'confirm',
    });
    expect(verifyToken(SECRET, token, { action: 'confirm', now: Date.UTC(2026, 11, 1) })).toBeNull();
  });

  it.each([[''], ['garbage'], ['a.b.c'], ['....'], ['eyJ9.AAAA'], ['%%%.%%%']])('refuses the malformed token "%s"', (token) => {
    // Act + Assess
    expect(verifyToken(SECRET, token, { action: 'unsubscribe' })).toBeNull();
  });

  it('will not sign with an empty secret', () => {
    // Act + Assess
    expect(() => signToken('', { email: 'a@example.org', action: 'confirm' })).toThrow(/empty secret/);
  });
});
