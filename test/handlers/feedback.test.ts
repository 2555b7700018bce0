import { describe, expect, it, vi } from 'vitest';
import { context, fakeDeps } from './fake-deps';

vi.mock('../../functions/feedback/feedback', () => ({ handleSesEvent: vi.fn(async () => ({ suppressed: [] })) }));

const { createFeedbackHandler } = await import('../../functions/feedback/handler');
const deps = fakeDeps();
const handler = createFeedbackHandler(deps);
const { handleSesEvent } = await import('../../functions/feedback/feedback');

describe('feedback handler', () => {
  it('hands each SES event published through SNS to the use case, parsed', async () => {
    // Prepare
    const bounce = {
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'gone@example.org' }] },
      mail: { messageId: 'm-1' },
    };

    // Act
    await handler({ Records: [{ Sns: { Message: JSON.stringify(bounce) } }] } as never, context);

    // Assess
    expect(handleSesEvent).toHaveBeenCalledWith(expect.objectContaining({ count: expect.any(Function) }), bounce);
  });

  it('fails the invocation when the use case fails, so Lambda retries and then parks the event', async () => {
    // Prepare
    vi.mocked(handleSesEvent).mockRejectedValueOnce(new Error('throttled'));

    // Act
    const run = handler({ Records: [{ Sns: { Message: '{}' } }] } as never, context);

    // Assess
    await expect(run).rejects.toThrow('throttled');
  });
});
