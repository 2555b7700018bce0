import type { Deps } from '../commons/deps';
import type { Subscriber } from '../domain/subscriber';
import { subscriberId } from '../domain/subscriber-links';

/**
 * The subscriber with its link id stored: subscribers stored before link ids get theirs here, so a
 * link built for them (from the same keyed hash) finds them. Call before building their links.
 */
export async function withLinkId(deps: Pick<Deps, 'subscribers' | 'tokenSecret'>, subscriber: Subscriber): Promise<Subscriber> {
  if (subscriber.id) return subscriber;
  const id = subscriberId(await deps.tokenSecret(), subscriber.email);
  await deps.subscribers.linkSubscriberId(subscriber.email, id);
  return { ...subscriber, id };
}
