/** Raw releases are content-addressed: `raw/<source>/<sha256>.<ext>`. */
const KEY_PATTERN = /^raw\/([a-z0-9][a-z0-9._-]*)\/([0-9a-f]{64})(?:\.([a-z0-9]+))?$/;

export function releaseKey(source: string, sha256: string, extension: string): string {
  return `raw/${source}/${sha256}${extension ? `.${extension.replace(/^\./, '').toLowerCase()}` : ''}`;
}

export function parseReleaseKey(key: string): { source: string; sha256: string; extension?: string } {
  const match = KEY_PATTERN.exec(decodeURIComponent(key.replace(/\+/g, ' ')));
  if (!match) throw new Error(`not a raw release key: "${key}" (expected raw/<source>/<sha256>.<ext>)`);
  return { source: match[1], sha256: match[2], ...(match[3] ? { extension: match[3] } : {}) };
}
