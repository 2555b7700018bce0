/* Kept apart from the SES adapter so that steps which only classify errors do not load the SES SDK. */

/** Error codes of a request that may have reached SES and taken effect before the answer was lost. */
const AMBIGUOUS_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * Whether a failed send may nevertheless have been accepted by SES: the connection was reset or
 * the response timed out after the request went out (both arrive as `TimeoutError`, told apart
 * from a connect timeout only by `code`). An answer from SES (a 4xx rejection, throttling, a 5xx)
 * and a connection that was never made are not ambiguous: nothing was sent. A failure of the last
 * attempt is ambiguous too when an earlier, SDK-retried attempt of the same call was.
 */
export function isAmbiguousSendError(error: unknown): boolean {
  const e = error as { name?: string; code?: string; ambiguous?: boolean; $metadata?: { httpStatusCode?: number } } | null;
  if (!e) return false;
  if (e.ambiguous === true) return true;
  if (e.$metadata?.httpStatusCode) return false;
  return AMBIGUOUS_CODES.has(e.code ?? '');
}
