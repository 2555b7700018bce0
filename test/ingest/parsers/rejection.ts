/**
 * The error a promise rejects with (or a failure when it resolves). A test that starts two reads
 * must attach a handler to both at once: awaiting them one after the other leaves the second
 * rejection unhandled whenever it settles first, and vitest fails the run on it.
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  throw new Error('expected a rejection, but the promise resolved');
}
