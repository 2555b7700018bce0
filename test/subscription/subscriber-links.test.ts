import { describe, expect, it } from 'vitest';
import {
  confirmUrl,
  formToken,
  preferencesUrl,
  signLinkToken,
  subscriberId,
  unsubscribeUrl,
  verifyLinkToken,
} from '../../functions/domain/subscriber-links';

const SECRET = 'links-secret-for-tests';
const NOW = new Date('2026-12-01T12:00:00Z');
const reader = { email: 'Reporter@News.example.org' };

function tokenOf(url: string): string {
  return decodeURIComponent(new URL(url).searchParams.get('token') ?? '');
}

describe('subscriber links', () => {
  it('names the subscriber by a keyed hash: the address is not in the link, in any encoding', () => {
    // Act
    const urls = [
      confirmUrl(SECRET, 'https://site.example.org/api', reader, NOW),
      unsubscribeUrl(SECRET, 'https://site.example.org/api', reader),
      preferencesUrl(SECRET, 'https://site.example.org/api', reader, NOW),
    ];

    // Assess
    for (const url of urls) {
      const [payload] = tokenOf(url).split('.');
      const decoded = Buffer.from(payload, 'base64url').toString('utf8');
      expect(url.toLowerCase()).not.toContain('reporter');
      expect(decoded.toLowerCase()).not.toContain('reporter');
      expect(JSON.parse(decoded).s).toBe(subscriberId(SECRET, 'reporter@news.example.org'));
    }
    expect(urls.map((url) => new URL(url).pathname)).toEqual(['/api/confirm', '/api/unsubscribe', '/api/preferences']);
  });

  it('gives one address the same id whatever its case, another secret another id', () => {
    // Assess
    expect(subscriberId(SECRET, 'A@Example.org')).toBe(subscriberId(SECRET, 'a@example.org'));
    expect(subscriberId('other', 'a@example.org')).not.toBe(subscriberId(SECRET, 'a@example.org'));
    expect(subscriberId(SECRET, 'a@example.org')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('expires confirmation links after 7 days; unsubscribe and preferences links keep working', () => {
    // Prepare
    const confirm = tokenOf(confirmUrl(SECRET, 'https://x/api', reader, NOW));
    const unsubscribe = tokenOf(unsubscribeUrl(SECRET, 'https://x/api', reader));
    const inSixDays = NOW.getTime() + 6 * 86_400_000;
    const inEightDays = NOW.getTime() + 8 * 86_400_000;
    const inTenYears = NOW.getTime() + 3650 * 86_400_000;

    // Act + Assess
    expect(verifyLinkToken(SECRET, confirm, { purpose: 'confirm', now: inSixDays })).not.toBeNull();
    expect(verifyLinkToken(SECRET, confirm, { purpose: 'confirm', now: inEightDays })).toBeNull();
    expect(verifyLinkToken(SECRET, unsubscribe, { purpose: 'unsubscribe', now: inTenYears })).not.toBeNull();
  });

  it('refuses a token used for another purpose, signed with another secret, or with changed claims', () => {
    // Prepare
    const unsubscribe = tokenOf(unsubscribeUrl(SECRET, 'https://x/api', reader));
    const [, signature] = unsubscribe.split('.');
    const otherSubject = Buffer.from(JSON.stringify({ s: subscriberId(SECRET, 'victim@example.org'), p: 'unsubscribe' })).toString(
      'base64url',
    );
    const now = NOW.getTime();

    // Act + Assess
    expect(verifyLinkToken(SECRET, unsubscribe, { purpose: 'preferences', now })).toBeNull();
    expect(verifyLinkToken('another secret', unsubscribe, { purpose: 'unsubscribe', now })).toBeNull();
    expect(verifyLinkToken(SECRET, `${otherSubject}.${signature}`, { purpose: 'unsubscribe', now })).toBeNull();
  });

  it.each([[''], ['x'], ['a.b.c'], ['%%.%%'], [42], [null], [`e30.${'A'.repeat(43)}`], ['a'.repeat(2000)]])(
    'refuses the malformed token %s',
    (token) => {
      // Act + Assess
      expect(verifyLinkToken(SECRET, token, { purpose: 'unsubscribe', now: NOW.getTime() })).toBeNull();
    },
  );

  it('issues form tokens that last two hours and name nobody', () => {
    // Act
    const token = formToken(SECRET, 'nonce-1', NOW);

    // Assess
    expect(verifyLinkToken(SECRET, token, { purpose: 'form', now: NOW.getTime() + 3_600_000 })?.subject).toBe('nonce-1');
    expect(verifyLinkToken(SECRET, token, { purpose: 'form', now: NOW.getTime() + 3 * 3_600_000 })).toBeNull();
    expect(verifyLinkToken(SECRET, token, { purpose: 'confirm', now: NOW.getTime() })).toBeNull();
  });

  it('will not sign with an empty secret', () => {
    // Act + Assess
    expect(() => signLinkToken('', { subject: 's', purpose: 'unsubscribe' })).toThrow(/empty secret/);
  });
});
