import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeAlert, composeConfirmation } from '../../functions/domain/email';
import { filterForSubscriber } from '../../functions/domain/filter';
import { DEFAULT_FILTERS } from '../../functions/domain/subscriber';
import { buildMime } from '../../functions/mail/mime';
import { mixedChange } from '../fixtures/fy2017-change-sets';

const subscriber = {
  email: 'reporter@example.org',
  status: 'confirmed' as const,
  filters: DEFAULT_FILTERS,
  createdAt: '2026-11-01T00:00:00.000Z',
};
const unsubscribeUrl = `https://alerts.example.org/unsubscribe?token=${'eyJlIjoicmVwb3J0ZXJAZXhhbXBsZS5vcmciLCJhIjoidW5zdWJzY3JpYmUifQ'}.${'x'.repeat(43)}`;

describe('buildMime', () => {
  it('builds a multipart/alternative message a real parser reads back whole', async () => {
    // Prepare
    const email = composeAlert(filterForSubscriber(mixedChange(), DEFAULT_FILTERS)!, subscriber, {
      unsubscribeUrl,
      archiveUrl: 'https://alerts.example.org/archive/x',
    });

    // Act
    const raw = await buildMime(email, {
      from: 'detainer-watch <alerts@example.org>',
      to: subscriber.email,
      messageId: '<change-1.reporter@example.org>',
      date: new Date('2026-11-29T04:00:00Z'),
    });
    const parsed = await simpleParser(raw);

    // Assess
    expect(raw.toString()).toMatch(/Content-Type: multipart\/alternative;/);
    expect(parsed.subject).toBe(email.subject);
    expect(parsed.text).toBe(email.text);
    expect(parsed.html).toBe(email.html);
    expect(parsed.messageId).toBe('<change-1.reporter@example.org>');
    expect(parsed.date?.toISOString()).toBe('2026-11-29T04:00:00.000Z');
    expect(parsed.from?.value[0].address).toBe('alerts@example.org');
  });

  it('keeps List-Unsubscribe on one line, angle-bracketed, with the RFC 8058 one-click header', async () => {
    // Prepare
    const email = composeAlert(filterForSubscriber(mixedChange(), DEFAULT_FILTERS)!, subscriber, {
      unsubscribeUrl,
      archiveUrl: 'https://alerts.example.org/archive/x',
    });

    // Act
    const raw = (await buildMime(email, { from: 'alerts@example.org', to: subscriber.email })).toString();
    const parsed = await simpleParser(raw);

    // Assess
    const header = raw.split('\r\n').find((line) => line.startsWith('List-Unsubscribe:'));
    expect(header).toBe(`List-Unsubscribe: <${unsubscribeUrl}>`);
    expect(raw).toContain('\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
    expect(parsed.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    expect(parsed.headers.get('list')).toEqual({
      unsubscribe: { url: unsubscribeUrl },
      'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' },
    });
  });

  it('cannot be made to add a header through the subject or a header value', async () => {
    // Prepare
    const email = {
      ...composeConfirmation('a@example.org', 'https://alerts.example.org/c?t=1'),
      subject: 'Hi\r\nBcc: x@y',
      headers: { 'X-Test': 'one\r\nBcc: z@y' },
    };

    // Act
    const parsed = await simpleParser(await buildMime(email, { from: 'alerts@example.org', to: 'a@example.org' }));

    // Assess
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.subject).toBe('Hi Bcc: x@y');
    expect(parsed.headers.get('x-test')).toBe('one Bcc: z@y');
  });
});
