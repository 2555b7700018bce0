import type { SQSBatchResponse, SQSEvent, S3Event } from 'aws-lambda';
import { awsDeps } from '../commons/aws-deps';
import { lazyS3Archive } from '../archive/lazy-s3-archive';
import { lazySesMailer } from '../notify/lazy-ses-mailer';
import { count, instrumented, logger } from '../commons/powertools';
import { ingestRelease } from './ingest';

const deps = { ...awsDeps({ archive: lazyS3Archive, mailer: lazySesMailer }), count };

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
    [this.a, this.b, this.c, this.d, this.e, this.f] = [a * other.a + c * other.b, b * other.a + d * other.b, a * other.c + c * other.d, b * other.c + d * other.d, a * other.e + c * other.f + e, b * other.e + d * other.f + f];
    return this;
  }
};

/** S3 object-created notifications through SQS (batch size 1): ingest each archived release. */
export const handler = instrumented(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      for (const key of archiveKeys(record.body)) {
        logger.appendKeys({ archiveKey: key });
        const report = await ingestRelease(deps, key);
        logger.info('release ingested', { source: report.source, release: report.release, outcome: report.outcome, reason: report.reason, change: report.change?.id, rowsRead: report.rowsRead, quarterItemsWritten: report.quarterItemsWritten });
      }
    } catch (error) {
      logger.error('ingest failed', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
});

/** Object keys of an S3 notification; none for the `s3:TestEvent` S3 sends when notifications are set up. */
export function archiveKeys(body: string): string[] {
  const notification = JSON.parse(body) as Partial<S3Event> & { Event?: string };
  return (notification.Records ?? []).map((record) => decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')));
}
