/**
 * Another writer got there first: a quarter moved past the expected version, a change record or a
 * send claim belongs to a different attempt. Never raised for this attempt's own earlier write.
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(message: string) {
    super(message);
  }
}

/** A DynamoDB conditional write that failed its condition (single item). */
export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}
