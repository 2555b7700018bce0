import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Deps } from '../../functions/commons/deps';
import { handleSubscriptionRequest, type SubscriptionOptions } from '../../functions/subscription/subscription';

/**
 * The site's origin as the tests see it: `/api/*` goes to the subscription endpoint (what CloudFront
 * and `serve` do), `/` is a page linking the form, `/assets/site.css` the stylesheet the pages link.
 * Bodies are read whole (up to 1 MB, as the Function URL takes far more) so the endpoint itself
 * answers an oversized form. `connectingAddress` stands in for the address the Function URL would see
 * (a CloudFront edge), so tests can keep their counters apart.
 */
export async function startSiteWithEndpoint(
  deps: Deps,
  options: SubscriptionOptions = {},
  port = 0,
  connectingAddress?: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      if (url.pathname === '/assets/site.css') {
        res.writeHead(200, { 'content-type': 'text/css' });
        res.end('body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em}[hidden]{display:none}');
        return;
      }
      if (!url.pathname.startsWith('/api/')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>detainer-watch</title></head><body><main><h1>detainer-watch</h1><p><a href="/api/subscribe">Subscribe to alerts</a></p></main></body></html>',
        );
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      handleSubscriptionRequest(
        deps,
        {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v])),
          ...(body ? { body } : {}),
          sourceIp: connectingAddress ?? req.socket.remoteAddress ?? 'unknown',
        },
        options,
      ).then(
        (answer) => {
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
