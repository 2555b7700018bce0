import type { APIGatewayProxyResultV2, Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { clientSettings } from '../commons/client-settings';
import type { Deps } from '../commons/deps';
import { ENVIRONMENT } from '../commons/environment';
import { once } from '../composition/compose-deps';
import { lambdaEntry } from '../composition/lambda-root';
import { tokenSecretReader } from '../composition/token-secret';
import type { SubscriberFilters } from '../domain/subscriber';
import { subscribe } from './subscribe';
import { type HttpRequest, handleSubscriptionRequest } from './subscription';

/** Direct invocation by the operator (`aws lambda invoke`, IAM only): add an address, which gets a confirmation mail. */
export interface SubscribeCommand {
  subscribe: string;
  filters?: Partial<SubscriberFilters>;
}

/**
 * Function URL requests (the form, confirm, one-click unsubscribe, preferences; behind CloudFront at
 * `/api/*`) and the operator's subscribe command. In AWS the public URL comes from `ownUrl` (the SSM
 * parameter the stack wrote: the function cannot carry it in its environment, and behind CloudFront a
 * request's domain is the Function URL's, not the site's); locally `serve` passes its own origin.
 */
export function createSubscriptionHandler(deps: Deps, ownUrl?: () => Promise<string>) {
  return async (event: LambdaFunctionURLEvent | SubscribeCommand, _context: Context) => {
    if ('subscribe' in event) {
      const base = withBaseUrl(deps, ownUrl ? await ownUrl() : deps.config.subscriptionUrl);
      const { subscriber, confirmationSent } = await subscribe(base, event.subscribe, event.filters);
      return { status: subscriber.status, confirmationSent };
    }
    const response = await handleSubscriptionRequest(
      withBaseUrl(deps, ownUrl ? await ownUrl() : requestBaseUrl(event)),
      toHttpRequest(event),
    );
    return { statusCode: response.status, headers: response.headers, body: response.body } satisfies APIGatewayProxyResultV2;
  };
}

/** Locally `serve` passes its own origin and `/api` prefix in the Function URL event's fields. */
function requestBaseUrl(event: LambdaFunctionURLEvent): string {
  const proto = event.headers?.['x-forwarded-proto'] ?? 'https';
  const prefix = event.rawPath.startsWith('/api/') ? '/api' : '';
  return `${proto}://${event.requestContext.domainName}${prefix}`;
}

export function toHttpRequest(event: LambdaFunctionURLEvent): HttpRequest {
  const body =
    event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const sourceIp = event.requestContext.http.sourceIp;
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: Object.fromEntries(new URLSearchParams(event.rawQueryString ?? '')),
    headers: event.headers ?? {},
    ...(body === undefined ? {} : { body }),
    ...(sourceIp ? { sourceIp } : {}),
  };
}

function withBaseUrl(base: Deps, subscriptionUrl: string): Deps {
  return { ...base, config: { ...base.config, subscriptionUrl: subscriptionUrl.replace(/\/+$/, '') } };
}

/** An SSM parameter through Powertools Parameters (cached five minutes), on a client with the project's settings; loaded on first read. */
export function parameterReader(name: () => string): () => Promise<string> {
  const provider = once(async () => {
    const [{ SSMProvider }, { SSMClient }] = await Promise.all([
      import('@aws-lambda-powertools/parameters/ssm'),
      import('@aws-sdk/client-ssm'),
    ]);
    return new SSMProvider({ awsSdkV3Client: new SSMClient(clientSettings('ssm')) });
  });
  return async () => {
    const value = await (await provider()).get(name(), { maxAge: 300 });
    if (typeof value !== 'string' || !value) throw new Error(`parameter ${name()} is empty`);
    return value;
  };
}

export const handler = lambdaEntry(
  (deps) =>
    createSubscriptionHandler(
      deps,
      parameterReader(() => process.env[ENVIRONMENT.subscriptionUrlParameter] ?? ''),
    ),
  { tokenSecret: tokenSecretReader() },
);
