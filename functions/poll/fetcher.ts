import { createHash } from 'node:crypto';
import { promises as dns, type LookupAddress } from 'node:dns';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { type Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { hostAllowed } from '../commons/hosts';
import { type Fetcher, FetchFailedError, FetchRefusedError, type FetchRequest, type FetchResult } from '../ports/fetcher';
import { addressRefusal } from './address-policy';

export interface HttpFetcherOptions {
  /** Name resolution; every answer is checked before a socket connects. Default: the system resolver. */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
  /** Connection agents (tests watch connections through them). Default: a fresh connection per request. */
  agents?: { http?: http.Agent; https?: https.Agent };
  maxRedirects?: number;
  userAgent?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DECODERS: Record<string, () => Transform> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

/** What one fetch is doing now: the request in flight and why it was stopped, if it was. */
interface Exchange {
  request: FetchRequest;
  current?: http.ClientRequest;
  refusal?: FetchRefusedError;
  timedOut?: string;
}

/**
 * HTTP(S) downloads that a hostile source cannot turn against the monitor: conditional GET,
 * manual redirects with every hop's host on the allow-list, each resolved address checked
 * inside the socket's own lookup (so the address checked is the address connected to; a DNS
 * answer cannot change in between), size cap declared and streamed, total and idle timeouts,
 * expected media types. The body is hashed (SHA-256) while it streams to a file or memory.
 *
 * Policy refusals throw FetchRefusedError; timeouts, resets and HTTP error statuses throw
 * FetchFailedError (worth retrying).
 */
export class HttpFetcher implements Fetcher {
  private readonly resolve: (hostname: string) => Promise<LookupAddress[]>;
  private readonly maxRedirects: number;
  private readonly userAgent: string;

  constructor(private readonly options: HttpFetcherOptions = {}) {
    this.resolve = options.resolve ?? ((hostname) => dns.lookup(hostname, { all: true, verbatim: true }));
    this.maxRedirects = options.maxRedirects ?? 5;
    this.userAgent = options.userAgent ?? 'detainer-watch (declined-detainer release monitor)';
  }

  async fetch(request: FetchRequest): Promise<FetchResult> {
    const exchange: Exchange = { request };
    const timer = setTimeout(() => {
      exchange.timedOut = `timed out after ${request.timeoutMs} ms`;
      exchange.current?.destroy();
    }, request.timeoutMs);
    try {
      let url = this.parse(request.url, request);
      for (let hop = 0; ; hop++) {
        this.checkTarget(url, request, hop);
        const response = await this.send(url, exchange);
        const status = response.statusCode ?? 0;
        if (REDIRECTS.has(status) && response.headers.location) {
          response.destroy();
          if (hop >= this.maxRedirects) throw new FetchRefusedError(request.url, `more than ${this.maxRedirects} redirects`);
          const next = this.parse(response.headers.location, request, url);
          if (url.protocol === 'https:' && next.protocol === 'http:')
            throw new FetchRefusedError(request.url, `redirect from https to plain http (${next.href})`);
          url = next;
          continue;
        }
        if (status === 304 && (request.etag || request.lastModified)) {
          response.destroy();
          return { status: 304, url: url.href };
        }
        if (status !== 200) {
          response.destroy();
          throw new FetchFailedError(request.url, `HTTP ${status}${url.href === request.url ? '' : ` from ${url.href}`}`, status);
        }
        return await this.read(response, url, exchange);
      }
    } catch (error) {
      throw this.explain(error, exchange);
    } finally {
      clearTimeout(timer);
    }
  }

  private parse(location: string, request: FetchRequest, base?: URL): URL {
    let url: URL;
    try {
      url = new URL(location, base);
    } catch {
      throw new FetchRefusedError(request.url, `not a valid URL: ${location}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new FetchRefusedError(request.url, `unsupported scheme ${url.protocol} (${url.href})`);
    return url;
  }

  /** Host on the allow-list, and an IP literal checked here because Node skips the lookup for one. */
  private checkTarget(url: URL, request: FetchRequest, hop: number): void {
    const host = url.hostname.toLowerCase();
    const allowed = hostAllowed(url, request.allowedHosts);
    const where = hop === 0 ? '' : `redirect to ${url.href}: `;
    if (!allowed)
      throw new FetchRefusedError(request.url, `${where}host ${host} is not in the allow-list (${request.allowedHosts.join(', ')})`);
    const literal = host.replace(/^\[|\]$/g, '');
    if (isIP(literal)) {
      const refusal = addressRefusal(literal, request.allowLoopback);
      if (refusal) throw new FetchRefusedError(request.url, `${where}${refusal}, refused`);
    }
  }

  private send(url: URL, exchange: Exchange): Promise<IncomingMessage> {
    const { request } = exchange;
    if (exchange.timedOut) return Promise.reject(new Error(exchange.timedOut));
    const secure = url.protocol === 'https:';
    const idleMs = request.idleTimeoutMs ?? request.timeoutMs;
    const headers: Record<string, string> = {
      'User-Agent': this.userAgent,
      Accept: request.accept?.length ? request.accept.join(', ') : '*/*',
      // The archive keeps the bytes as published; compression would change their SHA-256.
      'Accept-Encoding': 'identity',
    };
    if (request.etag) headers['If-None-Match'] = request.etag;
    if (request.lastModified) headers['If-Modified-Since'] = request.lastModified;
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(url, {
        method: 'GET',
        headers,
        agent: (secure ? this.options.agents?.https : this.options.agents?.http) ?? false,
        lookup: this.guardedLookup(exchange, url.hostname),
      });
      exchange.current = req;
      req.setTimeout(idleMs, () => {
        exchange.timedOut = `no data for ${idleMs} ms`;
        req.destroy();
      });
      req.once('response', resolve);
      req.on('error', reject);
      req.end();
    });
  }

  /** The socket's own DNS lookup: refuses when any answer is a forbidden address, before connecting. */
  private guardedLookup(exchange: Exchange, hostname: string): LookupFunction {
    return (name, options, callback) => {
      this.resolve(name).then(
        (answers) => {
          const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
          const usable = answers.filter((a) => !family || a.family === family);
          const refusal = usable.map((a) => addressRefusal(a.address, exchange.request.allowLoopback)).find(Boolean);
          if (refusal || usable.length === 0) {
            exchange.refusal = new FetchRefusedError(
              exchange.request.url,
              refusal ? `${hostname} resolves to ${refusal}, refused` : `${hostname} has no address`,
            );
            callback(exchange.refusal, '', 0);
          } else if (options.all) callback(null, usable);
          else callback(null, usable[0].address, usable[0].family);
        },
        (error: NodeJS.ErrnoException) => callback(error, '', 0),
      );
    };
  }

  private async read(response: IncomingMessage, url: URL, exchange: Exchange): Promise<FetchResult> {
    const { request } = exchange;
    const contentType = response.headers['content-type'];
    const { declared, decoder } = checkedHeaders(response, request);

    const hash = createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > request.maxBytes) return done(new FetchRefusedError(request.url, `body exceeds the cap of ${request.maxBytes} bytes`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const chunks: Buffer[] = [];
    const sink = request.toFile
      ? createWriteStream(request.toFile)
      : new Writable({
          write(chunk: Buffer, _encoding, done) {
            chunks.push(chunk);
            done();
          },
        });
    const stages: Array<Readable | Transform | Writable> = [response, ...(decoder ? [decoder()] : []), meter, sink];
    try {
      await pipeline(stages);
    } catch (error) {
      if (request.toFile) await rm(request.toFile, { force: true });
      const cutShort =
        !decoder && Number.isFinite(declared) && bytes < declared && !exchange.timedOut && !(error instanceof FetchRefusedError);
      throw cutShort ? new FetchFailedError(request.url, `connection closed after ${bytes} of ${declared} bytes`) : error;
    }
    const header = (name: string) => {
      const value = response.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const etag = header('etag');
    const lastModified = header('last-modified');
    return {
      status: 200,
      url: url.href,
      ...(etag ? { etag } : {}),
      ...(lastModified ? { lastModified } : {}),
      ...(contentType ? { contentType } : {}),
      bytes,
      ...(request.toFile ? {} : { body: Buffer.concat(chunks) }),
      sha256: hash.digest('hex'),
    };
  }

  /** One error per failure: the refusal or timeout that caused it, not the socket error it became. */
  private explain(error: unknown, exchange: Exchange): Error {
    const url = exchange.request.url;
    if (error instanceof FetchRefusedError || error instanceof FetchFailedError) return error;
    if (exchange.refusal) return exchange.refusal;
    if (exchange.timedOut) return new FetchFailedError(url, exchange.timedOut);
    const code = (error as NodeJS.ErrnoException).code;
    const message = error instanceof Error ? error.message : String(error);
    return new FetchFailedError(url, code ? `${code}: ${message}` : message);
  }
}

function accepts(expected: string, mediaType: string): boolean {
  const range = expected.split(';')[0].trim().toLowerCase();
  return range === '*/*' || range === mediaType || (range.endsWith('/*') && mediaType.startsWith(range.slice(0, -1)));
}

/**
 * What the response's headers promise, checked before a byte of the body is read: a Content-Type
 * the request accepts, a Content-Length under the cap, an encoding there is a decoder for. A
 * refusal closes the response.
 */
function checkedHeaders(response: IncomingMessage, request: FetchRequest): { declared: number; decoder: (() => Transform) | undefined } {
  const refuse = (reason: string): never => {
    response.destroy();
    throw new FetchRefusedError(request.url, reason);
  };
  const mediaType = response.headers['content-type']?.split(';')[0].trim().toLowerCase();
  if (mediaType && request.accept?.length && !request.accept.some((a) => accepts(a, mediaType)))
    refuse(`Content-Type ${mediaType} contradicts the expected ${request.accept.join(', ')}`);
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > request.maxBytes)
    refuse(`Content-Length ${declared} exceeds the cap of ${request.maxBytes} bytes`);
  const encoding = (response.headers['content-encoding'] ?? 'identity').toLowerCase();
  const decoder = encoding === 'identity' ? undefined : DECODERS[encoding];
  if (encoding !== 'identity' && !decoder) refuse(`unsupported Content-Encoding ${encoding}`);
  return { declared, decoder };
}
