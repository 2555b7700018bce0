import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { releaseKey } from '../archive/release-key';
import { DEFAULT_MAX_BYTES, type SourceConfig } from '../commons/config';
import type { Deps } from '../commons/deps';
import type { Release, ReleaseFormat } from '../domain/release';
import { reportToOperator } from '../mail/operator-report';
import type { SourceState } from '../ports/store';
import type { DiscoveredRelease } from './discover';

export interface PollReport {
  source: string;
  /** 'unchanged' when the index answered 304. */
  index: 'unchanged' | 'changed';
  /** Releases archived for the first time in this poll. */
  archived: Release[];
  /** Links whose bytes were already known (same SHA-256) or answered 304. */
  skipped: number;
  bytesDownloaded: number;
  requests: number;
}

const INDEX_MAX_BYTES = 5 * 1024 * 1024;
const TIMEOUT_MS = 60_000;
/** Consecutive failed polls after which the operator hears about it (once per streak). */
const FAILURES_BEFORE_REPORT = 3;

const CONTENT_TYPES: Record<ReleaseFormat, string[]> = {
  ddp: [
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/octet-stream',
    'application/zip',
    'binary/octet-stream',
  ],
  ddor: ['application/pdf', 'application/octet-stream', 'binary/octet-stream'],
  table: [
    'text/csv',
    'text/plain',
    'text/tab-separated-values',
    'application/csv',
    'application/vnd.ms-excel',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/octet-stream',
    'binary/octet-stream',
  ],
};

const EXTENSIONS: Record<ReleaseFormat, string> = { ddp: 'xlsx', ddor: 'pdf', table: 'csv' };
const DATA_EXTENSIONS = new Set(['xlsx', 'pdf', 'csv', 'tsv', 'txt']);

/**
 * One poll of one source: a conditional GET of its index page (304 → done, nothing downloaded),
 * then a conditional GET of each release link; new bytes are archived under their SHA-256 and
 * recorded. Bytes already known are never archived or processed twice.
 */
export async function pollSource(deps: Deps, source: SourceConfig): Promise<PollReport> {
  const state: SourceState = (await deps.releases.getSourceState(source.name)) ?? {
    source: source.name,
    files: {},
    consecutiveFailures: 0,
  };
  const report: PollReport = { source: source.name, index: 'unchanged', archived: [], skipped: 0, bytesDownloaded: 0, requests: 0 };
  const now = () => deps.clock().toISOString();
  try {
    await pollInto(deps, source, state, report);
  } catch (error) {
    state.consecutiveFailures += 1;
    state.lastPolledAt = now();
    await deps.releases.saveSourceState(state);
    if (state.consecutiveFailures === FAILURES_BEFORE_REPORT) {
      await reportToOperator(deps, 'source-failing', {
        source: source.name,
        file: source.url,
        reason: `${state.consecutiveFailures} polls in a row failed; last error: ${String(error instanceof Error ? error.message : error)}`,
      });
    }
    throw error;
  }
  state.consecutiveFailures = 0;
  state.lastPolledAt = state.lastSuccessAt = now();
  await deps.releases.saveSourceState(state);
  deps.count?.('ReleasesFound', report.archived.length);
  deps.log.info('source polled', {
    source: source.name,
    index: report.index,
    archived: report.archived.map((r) => r.sha256),
    skipped: report.skipped,
    bytes: report.bytesDownloaded,
  });
  return report;
}

async function pollInto(deps: Deps, source: SourceConfig, state: SourceState, report: PollReport): Promise<void> {
  const common = { allowedHosts: source.allowedHosts, timeoutMs: TIMEOUT_MS, ...(source.allowLoopback ? { allowLoopback: true } : {}) };
  report.requests++;
  const index = await deps.fetcher.fetch({
    url: source.url,
    ...(state.etag ? { etag: state.etag } : {}),
    ...(state.lastModified ? { lastModified: state.lastModified } : {}),
    maxBytes: INDEX_MAX_BYTES,
    accept: ['text/html', 'application/xhtml+xml'],
    ...common,
  });
  if (index.status === 304) return;
  report.index = 'changed';
  report.bytesDownloaded += index.bytes;
  // The HTML parser loads only when the index page changed, not on the hourly 304.
  const { discoverReleases } = await import('./discover');
  const links = discoverReleases(index.body?.toString('utf8') ?? '', index.url, source);
  for (const link of links) await pollRelease(deps, source, state, link, report, common);
  if (index.etag) state.etag = index.etag;
  else delete state.etag;
  if (index.lastModified) state.lastModified = index.lastModified;
  else delete state.lastModified;
}

type FetchCommon = { allowedHosts: string[]; timeoutMs: number; allowLoopback?: boolean };

/**
 * One release link: fetched conditionally against what was last seen of it, and when its bytes
 * are new, archived and then recorded (a crash in between leaves bytes the ingest step can still
 * rebuild a record for, never a record without bytes).
 */
async function pollRelease(
  deps: Deps,
  source: SourceConfig,
  state: SourceState,
  link: DiscoveredRelease,
  report: PollReport,
  common: FetchCommon,
): Promise<void> {
  const known = state.files[link.url] ?? {};
  const file = join(deps.workDir, `download-${randomUUID()}`);
  try {
    report.requests++;
    const result = await deps.fetcher.fetch({
      url: link.url,
      ...(known.etag ? { etag: known.etag } : {}),
      ...(known.lastModified ? { lastModified: known.lastModified } : {}),
      maxBytes: source.maxBytes ?? DEFAULT_MAX_BYTES,
      accept: CONTENT_TYPES[source.parser],
      toFile: file,
      ...common,
    });
    if (result.status === 304) {
      report.skipped++;
      return;
    }
    report.bytesDownloaded += result.bytes;
    state.files[link.url] = {
      ...(result.etag ? { etag: result.etag } : {}),
      ...(result.lastModified ? { lastModified: result.lastModified } : {}),
      sha256: result.sha256,
    };
    if (await deps.releases.getRelease(source.name, result.sha256)) {
      report.skipped++;
      return;
    }
    // A file host's download URL often names no file (Box: `index.php?…`, `/download`): then the parser's own extension.
    const named = extname(new URL(result.url).pathname).slice(1).toLowerCase();
    const extension = DATA_EXTENSIONS.has(named) ? named : EXTENSIONS[source.parser];
    const archiveKey = releaseKey(source.name, result.sha256, extension);
    await deps.archive.putFile(archiveKey, file, {
      sha256: result.sha256,
      ...(result.contentType ? { contentType: result.contentType } : {}),
      sourceUrl: result.url,
    });
    const release: Release = {
      source: source.name,
      sha256: result.sha256,
      url: result.url,
      archiveKey,
      bytes: result.bytes,
      format: source.parser,
      firstSeen: deps.clock().toISOString(),
      ...((link.publishedAt ?? result.lastModified) ? { publishedAt: normaliseDate(link.publishedAt ?? result.lastModified) } : {}),
      status: 'archived',
    };
    if ((await deps.releases.recordRelease(release)) === 'created') report.archived.push(release);
    else report.skipped++;
  } finally {
    await rm(file, { force: true });
  }
}

function normaliseDate(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}
