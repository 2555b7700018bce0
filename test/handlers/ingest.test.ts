import { afterEach, describe, expect, it, vi } from 'vitest';
import { context, fakeDeps } from './fake-deps';

vi.mock('../../functions/ingest/ingest', () => ({ ingestRelease: vi.fn() }));

const { createIngestHandler, archiveKeys } = await import('../../functions/ingest/handler');
const deps = fakeDeps();
const handler = createIngestHandler(deps);
const { ingestRelease } = await import('../../functions/ingest/ingest');
const ingest = vi.mocked(ingestRelease);

const KEY = `raw/ddp/${'a'.repeat(64)}.xlsx`;
const notification = (key: string) => JSON.stringify({ Records: [{ s3: { bucket: { name: 'b' }, object: { key } } }] });

describe('ingest handler', () => {
  afterEach(() => ingest.mockReset());

  it('ingests the archive key of each S3 notification and reports nothing failed', async () => {
    // Prepare
    ingest.mockResolvedValue({
      source: 'ddp',
      release: 'a'.repeat(64),
      outcome: 'ingested',
      rowsRead: 3,
      rowsKept: 2,
      resolutionRate: 1,
      unresolved: [],
      quarterItemsWritten: 2,
    });

    // Act
    const response = await handler({ Records: [{ messageId: 'm1', body: notification(KEY) }] } as never, context);

    // Assess
    expect(ingest).toHaveBeenCalledWith(expect.objectContaining({ count: expect.any(Function) }), KEY);
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('returns a failed release to the queue by its message id, and carries on with the next', async () => {
    // Prepare
    ingest.mockRejectedValueOnce(new Error('throttled')).mockResolvedValueOnce({
      source: 'ddp',
      release: 'b',
      outcome: 'quarantined',
      reason: 'empty sheet',
      rowsRead: 0,
      rowsKept: 0,
      resolutionRate: 0,
      unresolved: [],
      quarterItemsWritten: 0,
    });

    // Act
    const response = await handler(
      {
        Records: [
          { messageId: 'm1', body: notification(KEY) },
          { messageId: 'm2', body: notification(KEY) },
        ],
      } as never,
      context,
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(ingest).toHaveBeenCalledTimes(2);
  });

  it('decodes the URL-encoded keys of S3 notifications and ignores the setup test event', () => {
    // Act
    const keys = archiveKeys(notification('raw/ddp/some+release%281%29.xlsx'));
    const none = archiveKeys(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' }));

    // Assess
    expect(keys).toEqual(['raw/ddp/some release(1).xlsx']);
    expect(none).toEqual([]);
  });

  it('gives pdf.js a DOMMatrix to load with when no native canvas is present', () => {
    // Act
    const matrix = new (
      globalThis as unknown as {
        DOMMatrix: new (init?: number[]) => { multiplySelf(m: unknown): { a: number; e: number }; isIdentity: boolean };
      }
    ).DOMMatrix([2, 0, 0, 2, 5, 0]);

    // Assess
    expect(matrix.isIdentity).toBe(false);
    expect(matrix.multiplySelf({ a: 1, b: 0, c: 0, d: 1, e: 1, f: 0 })).toMatchObject({ a: 2, e: 7 });
  });
});
