import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SitePublisher } from '../ports/site-publisher';
import { SECURITY_HEADERS } from './security-headers';
import { keyOfPath, sitePaths } from './site-paths';

/**
 * Serves the published site from its bucket as CloudFront does in AWS: path → object key (`/` and
 * paths ending in `/` → `index.html`), the object's own Content-Type and Cache-Control, the same
 * security headers, ETag revalidation, and `404.html` with status 404. `serve` mounts it for every
 * GET that is not under `/api/`.
 */
export function createSiteRequestHandler(publisher: SitePublisher): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    const key = objectKey(request.url ?? '/');
    const object = key === undefined ? undefined : await publisher.get(key);
    if (!object) {
      const missing = await publisher.get(keyOfPath(sitePaths.notFound));
      response.writeHead(404, { 'Content-Type': missing?.contentType ?? 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
      response.end(request.method === 'HEAD' ? undefined : (missing?.body ?? 'not found\n'));
      return;
    }
    const headers: Record<string, string> = { 'Content-Type': object.contentType ?? 'application/octet-stream' };
    if (object.cacheControl) headers['Cache-Control'] = object.cacheControl;
    if (object.etag) headers.ETag = object.etag;
    if (object.lastModified) headers['Last-Modified'] = object.lastModified.toUTCString();
    if (object.etag && request.headers['if-none-match'] === object.etag) {
      response.writeHead(304, headers).end();
      return;
    }
    headers['Content-Length'] = String(object.body.byteLength);
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : object.body);
  };
}

/** The object key of a request URL, or undefined for one that tries to leave the site (`..`) or is not valid. */
export function objectKey(url: string): string | undefined {
  let path: string;
  let key: string;
  try {
    path = new URL(url, 'http://site.invalid').pathname;
    key = keyOfPath(path);
  } catch {
    return undefined;
  }
  if (key.split('/').some((segment) => segment === '..') || key.includes('\0')) return undefined;
  return key;
}
