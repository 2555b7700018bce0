import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, S3Event, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { s3ArchiveLoader } from '../archive/s3-archive-loader';
import type { Deps } from '../commons/deps';
import { logged } from '../commons/record-failures';
import { lambdaEntry } from '../composition/lambda-root';
import { ingestRelease } from './ingest';

/**
 * pdf.js (DDOR parser) builds a `DOMMatrix` when its module loads. Locally `@napi-rs/canvas`
 * supplies one; the Lambda bundle ships no native canvas for ARM64, and text extraction never
 * renders, so a bare 2-D matrix is enough. Installed before the parser's lazy import of pdf.js.
 */
interface Matrix2D {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}
(globalThis as { DOMMatrix?: unknown }).DOMMatrix ??= class DOMMatrix implements Matrix2D {
  a = 1;
  b = 0;
  c = 0;
  d = 1;
  e = 0;
  f = 0;
  readonly is2D = true;
  constructor(init?: number[]) {
    if (init?.length === 6) [this.a, this.b, this.c, this.d, this.e, this.f] = init;
  }
  get isIdentity(): boolean {
    return this.a === 1 && this.b === 0 && this.c === 0 && this.d === 1 && this.e === 0 && this.f === 0;
  }
  multiplySelf(other: Matrix2D): this {
    const { a, b, c, d, e, f } = this;
    [this.a, this.b, this.c, this.d, this.e, this.f] = [
      a * other.a + c * other.b,
      b * other.a + d * other.b,
      a * other.c + c * other.d,
      b * other.c + d * other.d,
      a * other.e + c * other.f + e,
      b * other.e + d * other.f + f,
    ];
    return this;
  }
};

/**
 * S3 object-created notifications through SQS (batch size 1): ingest each archived release. A
 * failed record goes back to the queue (Powertools partial batch response); after the queue's
 * maxReceiveCount it is parked in the dead-letter queue.
 */
export function createIngestHandler(deps: Deps) {
  const ingestRecord = async (record: SQSRecord): Promise<void> => {
    for (const key of archiveKeys(record.body)) {
      const report = await ingestRelease(deps, key);
      deps.report?.({ step: 'ingest', report });
      deps.log.info('release ingested', {
        archiveKey: key,
        source: report.source,
        release: report.release,
        outcome: report.outcome,
        reason: report.reason,
        change: report.change?.id,
        rowsRead: report.rowsRead,
        quarterItemsWritten: report.quarterItemsWritten,
      });
    }
  };
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, logged(deps, 'ingest failed', ingestRecord), new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    });
}

export const handler = lambdaEntry(createIngestHandler, { archive: s3ArchiveLoader });

/** Object keys of an S3 notification; none for the `s3:TestEvent` S3 sends when notifications are set up. */
export function archiveKeys(body: string): string[] {
  const notification = JSON.parse(body) as Partial<S3Event> & { Event?: string };
  return (notification.Records ?? []).map((record) => decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')));
}
