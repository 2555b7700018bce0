import type { Deps } from '../commons/deps';

export interface NotifyReport {
  changeId: string;
  sent: number;
  alreadySent: number;
  skippedByFilters: number;
  failed: number;
  ambiguous: number;
}

/**
 * Send one release's alert to every confirmed subscriber whose filters match, exactly once each.
 * `emails` restricts the run to one batch of subscribers (the AWS fan-out sends batches through SQS).
 */
export async function notifyChange(deps: Deps, changeId: string, emails?: string[]): Promise<NotifyReport> {
  void deps;
  void changeId;
  void emails;
  throw new Error('notifyChange: implemented by the lead in the next commit');
}

/** Split the confirmed subscribers of a change into batches for fan-out across invocations. */
export async function planDeliveries(deps: Deps, changeId: string, batchSize = 50): Promise<string[][]> {
  void deps;
  void changeId;
  void batchSize;
  throw new Error('planDeliveries: implemented by the lead in the next commit');
}
