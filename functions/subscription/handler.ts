import type { APIGatewayProxyResultV2, Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { awsDeps } from '../commons/aws-deps';
import { lazySesMailer } from '../notify/lazy-ses-mailer';
import type { Deps } from '../commons/deps';
import { ENVIRONMENT } from '../commons/environment';
import { count, instrumented } from '../commons/powertools';
import type { SubscriberFilters } from '../domain/subscriber';
import { subscribe } from './subscribe';
import { handleSubscriptionRequest, type HttpRequest } from './subscription';

const deps = { ...awsDeps({ mailer: lazySesMailer }), count };

/** Direct invocation by the operator (`aws lambda invoke`, IAM only): add an address, which gets a confirmation mail. */
export interface SubscribeCommand {
  subscribe: string;
  filters?: Partial<SubscriberFilters>;
}

/**
 * Function URL requests (the form, confirm, one-click unsubscribe, preferences; behind CloudFront at
 * `/api/*`) and the operator's subscribe command. The function cannot carry its public URL in its
 * environment (a deployment cycle): it reads it once from the SSM parameter the stack wrote.
 */
export const handler = instrumented(async (event: LambdaFunctionURLEvent | SubscribeCommand, _context: Context) => {
  const base = withBaseUrl(deps, process.env[ENVIRONMENT.subscriptionUrlParameter] ? await ownUrl() : deps.config.subscriptionUrl);
  if ('subscribe' in event) {
    const { subscriber, confirmationSent } = await subscribe(base, event.subscribe, event.filters);
    return { status: subscriber.status, confirmationSent };
  }
  const response = await handleSubscriptionRequest(base, toHttpRequest(event));
  return { statusCode: response.status, headers: response.headers, body: response.body } satisfies APIGatewayProxyResultV2;
});

export function toHttpRequest(event: LambdaFunctionURLEvent): HttpRequest {
  const body = event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
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

let url: Promise<string> | undefined;
function ownUrl(): Promise<string> {
  url ??= import('@aws-sdk/client-ssm')
    .then(({ GetParameterCommand, SSMClient }) => new SSMClient({}).send(new GetParameterCommand({ Name: process.env[ENVIRONMENT.subscriptionUrlParameter] })))
    .then((answer) => answer.Parameter?.Value ?? Promise.reject(new Error('subscription URL parameter is empty')));
  return url;
}
