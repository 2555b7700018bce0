import { createHash, randomUUID } from 'node:crypto';
import type { Deps } from '../commons/deps';
import { METRIC } from '../commons/powertools';
import type { ReleaseChange } from '../domain/change';
import { filterForSubscriber } from '../domain/filter';
import type { Subscriber } from '../domain/subscriber';
import { isAmbiguousSendError } from '../mail/ambiguous-send';
import type { Channel } from '../ports/channel';
import type { DeliveryMessage } from '../ports/delivery-queue';

/** What one delivery message came to, one count per (subscriber, channel) except where noted. */
export interface BatchReport {
  changeId: string;
  sent: number;
  alreadySent: number;
  /** Subscribers whose filters leave nothing of this change (per subscriber). */
  skippedByFilters: number;
  /** Subscribers no longer confirmed (unsubscribed, bounced) since the batch was planned (per subscriber). */
  suppressed: number;
  /** Sent, after an attempt whose acknowledgement was lost: the receiver may hold two copies. */
  lostAcknowledgements: number;
  /** Refused or failed before reaching the receiver: the claim was released; retried. */
  failed: number;
  /** Outcome unknown (the answer was lost): recorded; retried when the message comes back. */
  ambiguous: number;
  /** Another attempt's claim, not yet expired: retried when the message comes back, after the lease. */
  inFlight: number;
}

/**
 * The one rule of completion: a message is done only when every recipient was sent (or found sent),
 * filtered out, suppressed, or sent with a lost acknowledgement recorded. Anything else (failed,
 * ambiguous, another attempt in flight) returns the message to the queue.
 */
export function batchComplete(report: BatchReport): boolean {
  return report.failed + report.ambiguous + report.inFlight === 0;
}

/** A delivery message that is not done yet; the deliver handler reports its record as failed. */
export class DeliveryIncompleteError extends Error {
  override readonly name = 'DeliveryIncompleteError';
  constructor(readonly report: BatchReport) {
    super(
      `change ${report.changeId}: ${report.failed} failed, ${report.ambiguous} ambiguous, ${report.inFlight} in flight; the message returns to the queue`,
    );
  }
}

const CONCURRENCY = 8;

/**
 * Deliver one batch of one change to its subscribers through every channel that reaches them,
 * each (change, subscriber, channel) exactly once: claimed in the send log before the channel is
 * called, marked after. A send whose outcome is unknown is retried (at most one duplicate, never
 * a loss), and that duplicate is counted and logged.
 */
export async function deliverBatch(deps: Deps, message: DeliveryMessage): Promise<BatchReport> {
  const change = await deps.rankings.getChange(message.changeId);
  if (!change) throw new Error(`change ${message.changeId} not found`);
  const report: BatchReport = {
    changeId: change.id,
    sent: 0,
    alreadySent: 0,
    skippedByFilters: 0,
    suppressed: 0,
    lostAcknowledgements: 0,
    failed: 0,
    ambiguous: 0,
    inFlight: 0,
  };
  const queue = [...message.emails];
  const worker = async () => {
    for (let email = queue.shift(); email; email = queue.shift()) await deliverTo(deps, change, email, report);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  deps.count?.(METRIC.emailsSent, report.sent);
  if (report.lostAcknowledgements) deps.count?.(METRIC.lostAcknowledgements, report.lostAcknowledgements);
  deps.log.info('batch delivered', { ...report, complete: batchComplete(report) });
  return report;
}

async function deliverTo(deps: Deps, change: ReleaseChange, email: string, report: BatchReport): Promise<void> {
  const subscriber = await deps.subscribers.getSubscriber(email);
  if (subscriber?.status !== 'confirmed') {
    report.suppressed++;
    return;
  }
  const digest = filterForSubscriber(change, subscriber.filters);
  if (!digest) {
    report.skippedByFilters++;
    return;
  }
  for (const channel of deps.channels.filter((c) => c.reaches(subscriber))) await sendOnce(deps, channel, digest, subscriber, report);
}

async function sendOnce(deps: Deps, channel: Channel, digest: ReleaseChange, subscriber: Subscriber, report: BatchReport): Promise<void> {
  const log = deps.sendLog.forChannel(channel.kind);
  const token = randomUUID();
  const claim = await log.claim(digest.id, subscriber.email, token);
  if (claim === 'sent') {
    report.alreadySent++;
    return;
  }
  if (claim === 'in-flight') {
    report.inFlight++;
    return;
  }
  const idempotencyKey = createHash('sha256')
    .update(`${digest.id}\n${subscriber.email.toLowerCase()}\n${channel.kind}`)
    .digest('hex')
    .slice(0, 32);
  try {
    const sent = await channel.send({ digest, subscriber, idempotencyKey });
    const { messageId } = sent;
    const retriedAfterAmbiguous = sent.retriedAfterAmbiguous === true || claim === 'claimed-after-ambiguous';
    await log.markSent(digest.id, subscriber.email, token, messageId, retriedAfterAmbiguous ? { retriedAfterAmbiguous } : {});
    report.sent++;
    if (retriedAfterAmbiguous) {
      report.lostAcknowledgements++;
      deps.log.warn('possible duplicate: sent after a lost acknowledgement', { change: digest.id, channel: channel.kind, messageId });
    }
  } catch (error) {
    const ambiguous = isAmbiguousSendError(error);
    if (ambiguous) {
      await log.markAmbiguous(digest.id, subscriber.email, token, String(error));
      report.ambiguous++;
    } else {
      await log.release(digest.id, subscriber.email, token, String(error));
      report.failed++;
    }
    deps.log.warn('send failed', { change: digest.id, channel: channel.kind, ambiguous, error: String(error) });
  }
}
