import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { RELEASE_QUEUE } from '../functions/composition/event-sources';
import type { PollEvent } from '../functions/poll/handler';
import type { PollReport } from '../functions/poll/poll';
import { localContext } from './lambda-context';
import type { LocalQueue } from './local-queue';
import type { S3Notifications } from './s3-notifications';
import type { StreamReader } from './stream-reader';

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface ChainParts {
  poll: (event: PollEvent, context: Context) => Promise<PollReport[]>;
  ingest: SqsHandler;
  deliver: SqsHandler;
  releases: LocalQueue;
  deliveries: LocalQueue;
  notifications: S3Notifications;
  stream: StreamReader;
  /** Deliver invocations at once (the stack's maxConcurrency on the delivery queue's event source). */
  deliveryConcurrency: number;
  deliverTimeoutSeconds: number;
}

/**
 * The event chain of the stack, run on this machine: S3 notification → release queue → ingest
 * handler → table stream → notify handler (and every other stream consumer) → delivery queue →
 * deliver handler. It orders nothing itself: each handler runs when its event source has an event.
 */
export class LocalChain {
  private running?: Promise<void>;
  private stopped = false;
  private wake?: () => void;

  constructor(readonly parts: ChainParts) {}

  /** The scheduled poll: the same event EventBridge Scheduler sends, then the chain until idle. */
  async tick(event: PollEvent = {}): Promise<PollReport[]> {
    let failure: unknown;
    const reports = await this.parts.poll(event, localContext('poll', 600)).catch((error: unknown) => {
      failure = error;
      return [];
    });
    await this.drain();
    if (failure) throw failure;
    return reports;
  }

  /** Hand every waiting event to its handler until no event source has anything visible. */
  async drain(): Promise<void> {
    for (;;) {
      let moved = await this.parts.notifications.scan();
      while (await this.parts.releases.deliverTo(this.parts.ingest, localContext('ingest', 600), RELEASE_QUEUE.batchSize)) moved++;
      moved += await this.parts.stream.pump();
      moved += await this.deliverAll();
      if (!moved) return;
    }
  }

  private async deliverAll(): Promise<number> {
    let delivered = 0;
    const worker = async () => {
      for (;;) {
        const count = await this.parts.deliveries.deliverTo(
          this.parts.deliver,
          localContext('deliver', this.parts.deliverTimeoutSeconds),
          1,
        );
        if (!count) return;
        delivered += count;
      }
    };
    await Promise.all(Array.from({ length: this.parts.deliveryConcurrency }, worker));
    return delivered;
  }

  /** Consume the event sources continuously (serve), every `intervalMs` or at once after `nudge()`. */
  start(intervalMs = 1_000, onError: (error: unknown) => void = () => undefined): void {
    this.stopped = false;
    this.running = (async () => {
      while (!this.stopped) {
        await this.drain().catch(onError);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, intervalMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    })();
  }

  nudge(): void {
    this.wake?.();
  }

  /** Finish the pass in progress, then stop. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }
}
