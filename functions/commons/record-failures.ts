import type { Deps } from './deps';

/** A batch record handler that logs why a record failed before Powertools reports it to the event source. */
export function logged<R extends { messageId?: string; eventID?: string }>(
  deps: Pick<Deps, 'log'>,
  message: string,
  handle: (record: R) => Promise<void>,
) {
  return async (record: R): Promise<void> => {
    try {
      await handle(record);
    } catch (error) {
      deps.log.error(message, { record: record.messageId ?? record.eventID, error: String(error) });
      throw error;
    }
  };
}
