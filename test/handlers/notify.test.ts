import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SqsDeliveryQueue } from '../../functions/notify/sqs-delivery-queue';
import { context, fakeDeps } from './fake-deps';

vi.mock('../../functions/notify/notify', () => ({ planDeliveries: vi.fn() }));
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/delivery';

const sqs = mockClient(SQSClient);
// The Lambda composition's delivery queue adapter, on a mocked SQS client.
const deps = { ...fakeDeps(), deliveryQueue: new SqsDeliveryQueue(new SQSClient({ region: 'us-east-1' }), QUEUE_URL) };
const { createNotifyHandler, changeIdOf } = await import('../../functions/notify/handler');
const { planDeliveries } = await import('../../functions/notify/notify');
const plan = vi.mocked(planDeliveries);
const handler = createNotifyHandler(deps);

const insert = (sequence: string, pk: string) => ({
  eventName: 'INSERT',
  dynamodb: { SequenceNumber: sequence, NewImage: { pk: { S: pk }, sk: { S: 'CHANGE' } } },
});

describe('notify handler', () => {
  beforeAll(() => sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] }));
  afterEach(() => {
    plan.mockReset();
    sqs.resetHistory();
    vi.mocked(deps.rankings.markChangeNotified).mockClear();
  });

  it('puts one delivery message per subscriber batch on the queue, ten per request', async () => {
    // Prepare
    const batches = Array.from({ length: 12 }, (_, i) => [`s${i}a@example.org`, `s${i}b@example.org`]);
    plan.mockResolvedValue(batches);

    // Act
    const response = await handler({ Records: [insert('1', `CHANGE#ddp#${'c'.repeat(64)}`)] } as never, context);

    // Assess
    expect(plan).toHaveBeenCalledWith(deps, `ddp#${'c'.repeat(64)}`, 2);
    const requests = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
    expect(requests.map((request) => request.Entries!.length)).toEqual([10, 2]);
    expect(requests[0].QueueUrl).toBe(QUEUE_URL);
    expect(JSON.parse(requests[1].Entries![1].MessageBody!)).toEqual({ changeId: `ddp#${'c'.repeat(64)}`, emails: batches[11] });
    expect(response).toEqual({ batchItemFailures: [] });
    // Handed over to the delivery queue: the change leaves the pending list.
    expect(deps.rankings.markChangeNotified).toHaveBeenCalledWith(`ddp#${'c'.repeat(64)}`);
  });

  it('marks a change with nobody to tell as notified', async () => {
    // Prepare
    plan.mockResolvedValue([]);

    // Act
    await handler({ Records: [insert('1', 'CHANGE#ddp#x')] } as never, context);

    // Assess
    expect(deps.rankings.markChangeNotified).toHaveBeenCalledWith('ddp#x');
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('reports the failing record by its sequence number; the event source retries from it (later records are planned again, idempotently)', async () => {
    // Prepare
    plan
      .mockResolvedValueOnce([['a@example.org']])
      .mockRejectedValueOnce(new Error('throttled'))
      .mockResolvedValueOnce([]);

    // Act
    const response = await handler(
      { Records: [insert('1', 'CHANGE#one'), insert('2', 'CHANGE#two'), insert('3', 'CHANGE#three')] } as never,
      context,
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    expect(plan).toHaveBeenCalledTimes(3);
  });

  it('fails the record when the queue refuses part of a batch', async () => {
    // Prepare
    plan.mockResolvedValue([['a@example.org']]);
    sqs.on(SendMessageBatchCommand).resolvesOnce({ Successful: [], Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });

    // Act
    const response = await handler({ Records: [insert('7', 'CHANGE#one')] } as never, context);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '7' }] });
    expect(deps.rankings.markChangeNotified).not.toHaveBeenCalled();
  });

  it('reads the change id from the change item key only', () => {
    // Act
    const ids = [changeIdOf('CHANGE#ddp#abc'), changeIdOf('SEND#ddp#abc'), changeIdOf(undefined)];

    // Assess
    expect(ids).toEqual(['ddp#abc', undefined, undefined]);
  });
});
