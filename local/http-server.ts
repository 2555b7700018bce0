import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResultV2, Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { localContext } from './lambda-context';

/** Lambda's own payload cap; the subscription handler refuses bodies over its limit itself, with a page. */
const MAX_BODY = 6 * 1024 * 1024;
/** Subscription routes that predate the `/api/` prefix; forwarded with their path unchanged. */
const ROOT_SUBSCRIPTION_PATHS = ['/confirm', '/unsubscribe'];

type UrlHandler = (event: LambdaFunctionURLEvent, context: Context) => Promise<unknown>;

export interface HttpServerOptions {
  /** The subscription handler, reached as its Function URL is in AWS. */
  subscription: UrlHandler;
  /** The static site, answered from its bucket as CloudFront serves it (security headers, ETag, 404 page); without it only `/api/` answers. */
  site?: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  port?: number;
  onError?: (error: unknown) => void;
}

/** A request as the Function URL hands it to Lambda (payload format 2.0). */
function functionUrlEvent(request: {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
  sourceIp?: string;
}): LambdaFunctionURLEvent {
  const now = new Date();
  const text = request.body.length ? request.body.toString('base64') : undefined;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.url.pathname,
    rawQueryString: request.url.search.replace(/^\?/, ''),
    headers: { ...request.headers, 'x-forwarded-proto': 'http' },
    ...(request.url.search ? { queryStringParameters: Object.fromEntries(request.url.searchParams) } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: request.headers.host ?? request.url.host,
      domainPrefix: 'local',
      http: {
        method: request.method,
        path: request.url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: request.headers['user-agent'] ?? '',
      },
      requestId: `local-${now.getTime()}`,
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(text === undefined ? {} : { body: text }),
    isBase64Encoded: text !== undefined,
  } as LambdaFunctionURLEvent;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function route(options: HttpServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  if (url.pathname.startsWith('/api/') || ROOT_SUBSCRIPTION_PATHS.includes(url.pathname.replace(/\/+$/, ''))) {
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    const event = functionUrlEvent({
      method: req.method ?? 'GET',
      url,
      headers,
      body: await readBody(req),
      ...(req.socket.remoteAddress ? { sourceIp: req.socket.remoteAddress } : {}),
    });
    const result = (await options.subscription(event, localContext('subscription', 10))) as Exclude<APIGatewayProxyResultV2, string>;
    res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
    res.end(result.body ?? '');
    return;
  }
  if (!options.site) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return;
  }
  await options.site(req, res);
}

/**
 * `serve`'s HTTP front: `/api/…` goes to the subscription handler as a Function URL event, every
 * other GET is an object of the site bucket (as CloudFront serves it in AWS).
 */
export async function startHttpServer(options: HttpServerOptions): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    route(options, req, res).catch((error: unknown) => {
      options.onError?.(error);
      if (res.headersSent) return void res.destroy();
      const status = (error as { status?: number }).status ?? 500;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 413 ? 'request body too large' : 'internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
