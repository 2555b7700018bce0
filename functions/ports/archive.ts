/** The raw-release archive (S3): bytes stored once under their SHA-256, never rewritten. */
export interface Archive {
  /** Store a local file under `key` unless it is already there. */
  putFile(key: string, file: string, meta: { sha256: string; contentType?: string; sourceUrl?: string }): Promise<{ existed: boolean }>;
  /** Copy an archived object to a local file (streamed). */
  getToFile(key: string, file: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Where a person finds the archived bytes (`s3://bucket/key`, or an HTTP URL locally). */
  locate(key: string): string;
}
