import type { Deps } from '../commons/deps';
import { DEFAULT_FILTERS } from '../domain/subscriber';

interface SesEvent {
  eventType?: string;
  notificationType?: string;
  bounce?: { bounceType?: string; bouncedRecipients?: { emailAddress?: string }[] };
  complaint?: { complainedRecipients?: { emailAddress?: string }[] };
}

/**
 * An SES event-publishing message (bounce / complaint) as delivered through SNS: suppress the
 * address so it is never mailed again. Transient bounces (mailbox full) do not suppress.
 */
export async function handleSesEvent(deps: Deps, message: unknown): Promise<{ suppressed: string[] }> {
  const event = (typeof message === 'string' ? JSON.parse(message) : message) as SesEvent;
  const type = event.eventType ?? event.notificationType;
  let recipients: string[] = [];
  let reason = '';
  if (type === 'Bounce' && event.bounce?.bounceType === 'Permanent') {
    recipients = (event.bounce.bouncedRecipients ?? []).map((r) => r.emailAddress ?? '');
    reason = 'permanent bounce';
  } else if (type === 'Complaint') {
    recipients = (event.complaint?.complainedRecipients ?? []).map((r) => r.emailAddress ?? '');
    reason = 'complaint';
  }
  const suppressed: string[] = [];
  for (const address of recipients) {
    const email = address
      .replace(/^.*<([^>]+)>.*$/, '$1')
      .trim()
      .toLowerCase();
    if (!email) continue;
    const subscriber = await deps.subscribers.getSubscriber(email);
    if (!subscriber) {
      // Remember an address we do not know yet too, so a later subscribe cannot mail it.
      await deps.subscribers.putSubscriber({
        email,
        status: 'suppressed',
        filters: DEFAULT_FILTERS,
        createdAt: deps.clock().toISOString(),
        reason,
      });
    } else if (subscriber.status !== 'suppressed') {
      await deps.subscribers.setSubscriberStatus(email, 'suppressed', reason);
    }
    suppressed.push(email);
  }
  if (suppressed.length) deps.count?.('AddressesSuppressed', suppressed.length);
  deps.log.info('ses feedback', { type, suppressed: suppressed.length });
  return { suppressed };
}
