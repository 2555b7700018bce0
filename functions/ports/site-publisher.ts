/** One file of the static site: its key is the URL path without the leading slash (`/` is `index.html`). */
export interface SiteObject {
  key: string;
  body: string | Uint8Array;
  contentType: string;
  cacheControl: string;
}

export interface StoredSiteObject {
  body: Uint8Array;
  contentType?: string;
  cacheControl?: string;
  etag?: string;
  lastModified?: Date;
}

/**
 * Where the site is published: the private site bucket behind CloudFront in AWS, the s3rver bucket
 * `detainer-watch-site` locally. `serve` reads it back the way CloudFront does.
 */
export interface SitePublisher {
  /** Every published key with the MD5 of its body (hex), so unchanged files are not written again. */
  list(): Promise<Map<string, string>>;
  put(object: SiteObject): Promise<void>;
  delete(keys: string[]): Promise<void>;
  get(key: string): Promise<StoredSiteObject | undefined>;
}
