import { afterEach, describe, expect, it, vi } from 'vitest';
import { context, fakeDeps } from './fake-deps';

vi.mock('../../functions/commons/aws-deps', () => ({ awsDeps: () => fakeDeps() }));
vi.mock('../../functions/notify/notify', () => ({ notifyChange: vi.fn() }));

const { handler } = await import('../../functions/deliver/handler');
const { notifyChange } = await import('../../functions/notify/notify');
const notify = vi.mocked(notifyChange);

const message = (id: string, emails: string[]) => ({ messageId: id, body: JSON.stringify({ changeId: 'ddp#abc', emails }) });
const report = (failed: number) => ({ changeId: 'ddp#abc', sent: 2 - failed, alreadySent: 0, skippedByFilters: 0, failed, ambiguous: 0, inFlight: 0 });

describe('deliver handler', () => {
  afterEach(() => notify.mockReset());

  it('sends the batch of the message to its subscribers', async () => {
    // Prepare
    notify.mockResolvedValue(report(0));

    // Act
    const response = await handler({ Records: [message('m1', ['a@example.org', 'b@example.org'])] } as never, context);

    // Assess
    expect(notify).toHaveBeenCalledWith(expect.objectContaining({ count: expect.any(Function) }), 'ddp#abc', ['a@example.org', 'b@example.org']);
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('returns the batch to the queue when a send failed, so the retry sends what is missing', async () => {
    // Prepare
    notify.mockResolvedValue(report(1));

    // Act
    const response = await handler({ Records: [message('m1', ['a@example.org', 'b@example.org'])] } as never, context);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });

  it('returns the batch to the queue when the change cannot be read', async () => {
    // Prepare
    notify.mockRejectedValue(new Error('change ddp#abc not found'));

    // Act
    const response = await handler({ Records: [message('m9', ['a@example.org'])] } as never, context);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm9' }] });
  });
});
