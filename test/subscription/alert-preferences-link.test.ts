import { describe, expect, it } from 'vitest';
import { composeAlert } from '../../functions/domain/email';
import { filterForSubscriber } from '../../functions/domain/filter';
import type { Subscriber } from '../../functions/domain/subscriber';
import { preferencesUrl, unsubscribeUrl } from '../../functions/domain/subscriber-links';
import { newQuarterChange } from '../fixtures/fy2017-change-sets';

const subscriber: Subscriber = {
  email: 'reader@example.org',
  status: 'confirmed',
  filters: { states: [], jurisdictions: [], topN: 5, minMove: 0, minDelta: 0 },
  createdAt: '2026-01-01T00:00:00Z',
};

describe('alert footer', () => {
  it('carries the signed "manage preferences" link in the HTML and the text part when given one', () => {
    // Prepare
    const digest = filterForSubscriber(newQuarterChange(), subscriber.filters)!;
    const links = {
      unsubscribeUrl: unsubscribeUrl('s', 'https://site.example.org/api', subscriber),
      archiveUrl: 'https://example.org/a',
      preferencesUrl: preferencesUrl('s', 'https://site.example.org/api', subscriber, new Date()),
    };

    // Act
    const withLink = composeAlert(digest, subscriber, links);
    const without = composeAlert(digest, subscriber, { unsubscribeUrl: links.unsubscribeUrl, archiveUrl: links.archiveUrl });

    // Assess
    expect(withLink.html).toContain(`<a href="${links.preferencesUrl}" style="color:#1d4ed8;">Manage preferences</a>`);
    expect(withLink.text).toContain(`Manage preferences: ${links.preferencesUrl}`);
    expect(without.html).not.toContain('Manage preferences');
    expect(without.text).not.toContain('Manage preferences');
    expect(withLink.headers['List-Unsubscribe']).toBe(`<${links.unsubscribeUrl}>`);
  });
});
