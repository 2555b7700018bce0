/** HTTP access to a source: conditional GET, size cap, timeout, host allow-list. */
export interface FetchRequest {
  url: string;
  etag?: string;
  lastModified?: string;
  /** Hosts the request and every redirect may go to. */
  allowedHosts: string[];
  /** Refuse a body larger than this (declared or streamed). */
  maxBytes: number;
  timeoutMs: number;
  /** Allow loopback addresses (the local demo source only); private and link-local stay refused. */
  allowLoopback?: boolean;
  /** Stream the body to this file instead of memory. */
  toFile?: string;
  /**
   * Media types the body may have (`text/html`, `application/pdf`, `text/*`); a response whose
   * Content-Type is none of them is refused. Absent: any type.
   */
  accept?: string[];
  /** Abort when no byte arrives for this long (default: `timeoutMs`). */
  idleTimeoutMs?: number;
}

export type FetchResult =
  | { status: 304; url: string }
  | {
      status: 200;
      /** Final URL after redirects. */
      url: string;
      etag?: string;
      lastModified?: string;
      contentType?: string;
      bytes: number;
      /** Body in memory when `toFile` was not given. */
      body?: Buffer;
      /** Hex SHA-256 of the body, computed while streaming. */
      sha256: string;
    };

export interface Fetcher {
  fetch(request: FetchRequest): Promise<FetchResult>;
}

/** A fetch refused on purpose (host not allowed, private address, too large, wrong type). */
export class FetchRefusedError extends Error {
  override readonly name = 'FetchRefusedError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`${url}: ${reason}`);
  }
}

/**
 * A fetch that failed without a policy decision (timeout, connection reset, HTTP error status):
 * worth retrying later, unlike a refusal.
 */
export class FetchFailedError extends Error {
  override readonly name = 'FetchFailedError';
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly status?: number,
  ) {
    super(`${url}: ${reason}`);
  }
}
