import { randomUUID } from 'node:crypto';
import type { Deps } from '../commons/deps';
import type { ReleaseChange } from '../domain/change';
import { composeAlert } from '../domain/email';
import { filterForSubscriber } from '../domain/filter';
import type { Subscriber } from '../domain/subscriber';
import { signToken } from '../subscription/token';
import { buildMime } from './mime';
import { isAmbiguousSendError } from './ambiguous-send';
import { SendRate } from './send-rate';

export interface NotifyReport {
  changeId: string;
  sent: number;
  alreadySent: number;
  skippedByFilters: number;
  /** Sends SES refused or that failed before reaching it: released, retried on the next run. */
  failed: number;
  /** Sends whose outcome is unknown (lost acknowledgement): recorded, retried on the next run. */
  ambiguous: number;
  /** Sends another run holds right now. */
  inFlight: number;
}

/** True when some subscriber of this change still has to get the alert: the step must run again. */
export function notifyIncomplete(report: NotifyReport): boolean {
  return report.failed + report.ambiguous + report.inFlight > 0;
}

const CONCURRENCY = 8;

/**
 * Send one release's alert to every confirmed subscriber whose filters match, exactly once each.
 * `emails` restricts the run to one batch of subscribers (the AWS fan-out sends batches through SQS).
 *
 * Each send is claimed in the send log before SES is called and marked sent after, so a retry
 * never re-sends what was sent; a send whose outcome is unknown is retried (at most one
 * duplicate, never a loss — the README's reliability section).
 */
export async function notifyChange(deps: Deps, changeId: string, emails?: string[]): Promise<NotifyReport> {
  const change = await deps.rankings.getChange(changeId);
  if (!change) throw new Error(`change ${changeId} not found`);
  const subscribers = emails
    ? (await Promise.all(emails.map((email) => deps.subscribers.getSubscriber(email)))).filter((s): s is Subscriber => s?.status === 'confirmed')
    : await deps.subscribers.listSubscribers('confirmed');
  const report: NotifyReport = { changeId, sent: 0, alreadySent: 0, skippedByFilters: 0, failed: 0, ambiguous: 0, inFlight: 0 };
  const rate = new SendRate(deps.config.sendRatePerSecond);
  const secret = await deps.tokenSecret();
  const queue = [...subscribers];
  const worker = async () => {
    for (let subscriber = queue.shift(); subscriber; subscriber = queue.shift()) {
      await deliver(deps, change, subscriber, secret, rate, report);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  deps.count?.('EmailsSent', report.sent);
  const { sent, alreadySent, skippedByFilters, failed, ambiguous, inFlight } = report;
  deps.log.info('change notified', { change: changeId, sent, alreadySent, skippedByFilters, failed, ambiguous, inFlight });
  if (!emails && !notifyIncomplete(report)) await deps.rankings.markChangeNotified(changeId);
  return report;
}

async function deliver(deps: Deps, change: ReleaseChange, subscriber: Subscriber, secret: string, rate: SendRate, report: NotifyReport): Promise<void> {
  const digest = filterForSubscriber(change, subscriber.filters);
  if (!digest) {
    report.skippedByFilters++;
    return;
  }
  const token = randomUUID();
  const claim = await deps.sendLog.claim(change.id, subscriber.email, token);
  if (claim === 'sent') {
    report.alreadySent++;
    return;
  }
  if (claim === 'in-flight') {
    report.inFlight++;
    return;
  }
  const unsubscribeToken = signToken(secret, { email: subscriber.email, action: 'unsubscribe' });
  const email = composeAlert(digest, subscriber, {
    unsubscribeUrl: `${deps.config.subscriptionUrl}/unsubscribe?token=${encodeURIComponent(unsubscribeToken)}`,
    archiveUrl: deps.archive.locate(change.archiveKey),
  });
  const raw = await buildMime(email, { from: deps.config.sender, to: subscriber.email });
  await rate.take();
  try {
    const { messageId, retriedAfterAmbiguous } = await deps.mailer.sendRaw({ from: deps.config.sender, to: subscriber.email, raw, html: email.html, subject: email.subject });
    await deps.sendLog.markSent(change.id, subscriber.email, token, messageId, retriedAfterAmbiguous ? { retriedAfterAmbiguous } : {});
    report.sent++;
  } catch (error) {
    if (isAmbiguousSendError(error)) {
      await deps.sendLog.markAmbiguous(change.id, subscriber.email, token, String(error));
      report.ambiguous++;
    } else {
      await deps.sendLog.release(change.id, subscriber.email, token, String(error));
      report.failed++;
    }
    deps.log.warn('send failed', { change: change.id, ambiguous: isAmbiguousSendError(error), error: String(error) });
  }
}

/** Split the confirmed subscribers of a change into batches for fan-out across invocations. */
export async function planDeliveries(deps: Deps, changeId: string, batchSize = 50): Promise<string[][]> {
  const subscribers = await deps.subscribers.listSubscribers('confirmed');
  const batches: string[][] = [];
  for (let i = 0; i < subscribers.length; i += batchSize) batches.push(subscribers.slice(i, i + batchSize).map((s) => s.email));
  deps.log.info('deliveries planned', { change: changeId, batches: batches.length });
  return batches;
}
