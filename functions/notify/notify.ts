import type { Deps } from '../commons/deps';

/** Split the confirmed subscribers of a change into batches for fan-out across deliver invocations. */
export async function planDeliveries(deps: Deps, changeId: string, batchSize = 50): Promise<string[][]> {
  const subscribers = await deps.subscribers.listSubscribers('confirmed');
  const batches: string[][] = [];
  for (let i = 0; i < subscribers.length; i += batchSize) batches.push(subscribers.slice(i, i + batchSize).map((s) => s.email));
  deps.log.info('deliveries planned', { change: changeId, batches: batches.length });
  return batches;
}
