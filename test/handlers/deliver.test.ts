import { afterEach, describe, expect, it, vi } from 'vitest';
import { context, fakeDeps } from './fake-deps';

vi.mock('../../functions/deliver/deliver-batch', async (original) => ({ ...(await original<object>()), deliverBatch: vi.fn() }));

const { createDeliverHandler } = await import('../../functions/deliver/handler');
const { deliverBatch } = await import('../../functions/deliver/deliver-batch');
const deliver = vi.mocked(deliverBatch);
const deps = fakeDeps();
const handler = createDeliverHandler(deps);

const message = (id: string, emails: string[]) => ({ messageId: id, body: JSON.stringify({ changeId: 'ddp#abc', emails }) });
const report = (
  outcome: Partial<
    Record<'sent' | 'failed' | 'ambiguous' | 'inFlight' | 'lostAcknowledgements' | 'suppressed' | 'skippedByFilters', number>
  >,
) => ({
  changeId: 'ddp#abc',
  sent: 0,
  alreadySent: 0,
  skippedByFilters: 0,
  suppressed: 0,
  lostAcknowledgements: 0,
  failed: 0,
  ambiguous: 0,
  inFlight: 0,
  ...outcome,
});

describe('deliver handler', () => {
  afterEach(() => deliver.mockReset());

  it('delivers the batch of the message and acknowledges it when every recipient is done', async () => {
    // Prepare
    deliver.mockResolvedValue(report({ sent: 1, skippedByFilters: 1 }));

    // Act
    const response = await handler({ Records: [message('m1', ['a@example.org', 'b@example.org'])] } as never, context);

    // Assess
    expect(deliver).toHaveBeenCalledWith(deps, { changeId: 'ddp#abc', emails: ['a@example.org', 'b@example.org'] });
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('acknowledges a batch whose only doubt is a recorded lost acknowledgement, or a subscriber gone since planning', async () => {
    // Prepare
    deliver.mockResolvedValueOnce(report({ sent: 2, lostAcknowledgements: 1 })).mockResolvedValueOnce(report({ suppressed: 2 }));

    // Act
    const response = await handler(
      { Records: [message('m1', ['a@example.org', 'b@example.org']), message('m2', ['c@example.org', 'd@example.org'])] } as never,
      context,
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it.each([
    ['a send failed before SES accepted it', { sent: 1, failed: 1 }],
    ['a send ended ambiguous (SES may have accepted it)', { sent: 1, ambiguous: 1 }],
    ['another attempt holds a claim in flight', { sent: 1, inFlight: 1 }],
  ])('returns the message to the queue when %s, for a retry after the visibility timeout', async (_case, outcome) => {
    // Prepare
    deliver.mockResolvedValue(report(outcome));

    // Act
    const response = await handler(
      { Records: [message('m1', ['a@example.org', 'b@example.org']), message('m2', ['c@example.org'])] } as never,
      context,
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }] });
  });

  it('returns the message to the queue when the change cannot be read', async () => {
    // Prepare
    deliver.mockRejectedValue(new Error('change ddp#abc not found'));

    // Act
    const response = await handler({ Records: [message('m9', ['a@example.org'])] } as never, context);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm9' }] });
    expect(deps.log.error).toHaveBeenCalledWith('deliver failed', expect.objectContaining({ record: 'm9' }));
  });
});
