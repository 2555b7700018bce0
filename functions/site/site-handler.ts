import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { CHANGE_ITEM } from '../store/table-schema';
import { type PublishDeps, publishSite, SITE_METRIC } from './publish-site';

export type SiteDeps = PublishDeps;

/** The change id of an inserted change record (same rule as notify's `changeIdOf`), else undefined. */
function insertedChangeId(record: DynamoDBRecord): string | undefined {
  if (record.eventName !== 'INSERT') return undefined;
  const pk = record.dynamodb?.NewImage?.pk?.S;
  const sk = record.dynamodb?.NewImage?.sk?.S;
  return pk?.startsWith(CHANGE_ITEM.pkPrefix) && sk === CHANGE_ITEM.sk ? pk.slice(CHANGE_ITEM.pkPrefix.length) : undefined;
}

/**
 * The site step, on the same table stream as notify: when a batch holds at least one inserted change
 * record, the whole site is rebuilt from the store once (it reads every quarter, so one rebuild
 * covers every change of the batch). A failed rebuild reports the batch's first change record, so
 * the event source retries from there (bisecting, then the on-failure queue).
 */
export function createSiteHandler(deps: SiteDeps): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  return async (event) => {
    const changes = event.Records.filter((record) => insertedChangeId(record) !== undefined);
    if (changes.length === 0) return { batchItemFailures: [] };
    try {
      await publishSite(deps);
      return { batchItemFailures: [] };
    } catch (error) {
      deps.count?.(SITE_METRIC.publishFailed);
      deps.log.error('publishing the site failed', { changes: changes.map(insertedChangeId), error: String(error) });
      return { batchItemFailures: [{ itemIdentifier: changes[0].dynamodb?.SequenceNumber ?? '' }] };
    }
  };
}
