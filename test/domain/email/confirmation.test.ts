import { describe, expect, it } from 'vitest';
import { composeConfirmation } from '../../../functions/domain/email';

describe('composeConfirmation', () => {
  it('asks the owner of the address to confirm, with the link in both parts', () => {
    // Act
    const email = composeConfirmation('reporter@example.org', 'https://alerts.example.org/confirm?token=abc.def');

    // Assess
    expect(email.subject).toBe('Confirm your detainer-watch subscription');
    expect(email.text).toContain('https://alerts.example.org/confirm?token=abc.def');
    expect(email.html).toContain('<a href="https://alerts.example.org/confirm?token=abc.def"');
    expect(email.html).toContain('<strong>reporter@example.org</strong>');
    expect(email.headers).toEqual({});
  });

  it('escapes the address and refuses a link that is not http(s)', () => {
    // Act
    const email = composeConfirmation('"<b>x</b>"@example.org', 'https://alerts.example.org/confirm?token=a');

    // Assess
    expect(email.html).toContain('&quot;&lt;b&gt;x&lt;/b&gt;&quot;@example.org');
    expect(() => composeConfirmation('a@example.org', 'javascript:alert(1)')).toThrow(/not an http\(s\) URL/);
  });
});
