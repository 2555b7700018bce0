import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A plain-HTTP webhook receiver on 127.0.0.1 that records every request and answers the scripted
 * statuses in turn (then 200). Like a careful receiver it deduplicates on `Idempotency-Key`.
 */
export async function startReceiver(
  statuses: number[] = [],
): Promise<{ url: string; received: ReceivedHook[]; processedKeys: Set<string>; script(next: number[]): void; stop(): Promise<void> }> {
  const received: ReceivedHook[] = [];
  const processedKeys = new Set<string>();
  let queue = [...statuses];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = queue.shift() ?? 200;
      if (status < 300) processedKeys.add(String(req.headers['idempotency-key']));
      res.writeHead(status, status === 429 ? { 'retry-after': '0' } : {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/detainer-watch`,
    received,
    processedKeys,
    script: (next) => {
      queue = [...next];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
