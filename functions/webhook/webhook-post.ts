import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressRefusal } from '../poll/address-policy';
import { systemResolve, type WebhookUrlPolicy } from './webhook-url';

/** What one POST came to. `sent`: the whole request had left this process when it failed. */
export type PostOutcome =
  | { kind: 'answered'; status: number; retryAfterSeconds?: number }
  | { kind: 'failed'; sent: boolean; error: string }
  | { kind: 'refused'; error: string };

export interface PostOptions extends WebhookUrlPolicy {
  timeoutMs: number;
}

/**
 * One POST with the fetcher's SSRF rule applied inside the socket's own lookup (the address checked
 * is the address connected to). Never throws: it says whether the receiver answered, whether the
 * request failed before it was fully sent (safe to retry) or after (the answer was lost), or whether
 * the target was refused.
 */
export function postWebhook(url: URL, headers: Record<string, string>, body: string, options: PostOptions): Promise<PostOutcome> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const refusal = addressRefusal(host, options.allowLoopback);
    if (refusal) return Promise.resolve({ kind: 'refused', error: refusal });
  }
  return new Promise((resolve) => {
    let sent = false;
    let refused: string | undefined;
    let settled = false;
    const settle = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const lookup: LookupFunction = (name, lookupOptions, callback) => {
      (options.resolve ?? systemResolve)(name).then(
        (answers) => {
          refused =
            answers.map((a) => addressRefusal(a.address, options.allowLoopback)).find(Boolean) ??
            (answers.length ? undefined : `${name} has no address`);
          if (refused) return callback(new Error(refused), '', 0);
          if (lookupOptions.all) callback(null, answers);
          else callback(null, answers[0].address, answers[0].family);
        },
        (error: Error) => callback(error, '', 0),
      );
    };
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: false,
      lookup,
    });
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    request.on('finish', () => {
      sent = true;
    });
    request.on('response', (response: IncomingMessage) => {
      response.resume();
      const retryAfter = Number(response.headers['retry-after']);
      const status = response.statusCode ?? 0;
      response.on('end', () =>
        settle({ kind: 'answered', status, ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}) }),
      );
      response.on('error', () => settle({ kind: 'answered', status }));
    });
    request.on('error', (error) => settle(refused ? { kind: 'refused', error: refused } : { kind: 'failed', sent, error: error.message }));
    request.end(body);
  });
}
