import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { addressRefusal } from '../poll/address-policy';

export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** A webhook URL the monitor will not POST to; the message is meant for the person who entered it. */
export class WebhookUrlRefused extends Error {
  override readonly name = 'WebhookUrlRefused';
}

export interface WebhookUrlPolicy {
  resolve?: Resolve;
  /** Loopback receivers (and plain http to them) allowed: local mode and tests only, like the demo source's fetcher. */
  allowLoopback?: boolean;
}

/** The URL parsed, if its form is acceptable (https, no credentials, a host name), else WebhookUrlRefused. */
function parseWebhookUrl(text: string, policy: WebhookUrlPolicy = {}): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new WebhookUrlRefused('The webhook address is not a valid URL.');
  }
  if (text.length > 2000) throw new WebhookUrlRefused('The webhook address is too long (2,000 characters at most).');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || (isIP(host) !== 0 && Boolean(addressRefusal(host)?.endsWith('loopback address')));
  const loopbackHttp = policy.allowLoopback && url.protocol === 'http:' && loopback;
  if (url.protocol !== 'https:' && !loopbackHttp) throw new WebhookUrlRefused('The webhook address must start with https://.');
  if (url.username || url.password) throw new WebhookUrlRefused('The webhook address must not contain a user name or password.');
  if (isIP(host)) {
    const refusal = addressRefusal(host, policy.allowLoopback);
    if (refusal) throw new WebhookUrlRefused(`The webhook address points to a private or reserved network (${refusal}).`);
  }
  return url;
}

/** Form and every resolved address checked: a name resolving to a private address is refused (SSRF). */
export async function checkWebhookUrl(text: string, policy: WebhookUrlPolicy = {}): Promise<URL> {
  const url = parseWebhookUrl(text, policy);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return url;
  let answers: LookupAddress[];
  try {
    answers = await (policy.resolve ?? systemResolve)(host);
  } catch {
    throw new WebhookUrlRefused(`The webhook host ${host} could not be found.`);
  }
  if (answers.length === 0) throw new WebhookUrlRefused(`The webhook host ${host} has no address.`);
  const refusal = answers.map((a) => addressRefusal(a.address, policy.allowLoopback)).find(Boolean);
  if (refusal) throw new WebhookUrlRefused(`The webhook host ${host} resolves to a private or reserved network (${refusal}).`);
  return url;
}
