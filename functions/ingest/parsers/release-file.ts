/**
 * A release file, sniffed once: what its bytes are (not what its name claims), and its rows
 * whatever the container: delimited text (plain, gzip-compressed, or the one CSV in a zip),
 * an XLSX workbook, or Parquet. Every row-based layout reads through `readReleaseRows`.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import yauzl from 'yauzl';
import { InvalidReleaseError } from '../../domain/release';
import type { RowHandler, RowSelection } from './cell';
import { readCsvRows } from './csv-rows';
import { describeFileKind, type FileKind, fileKindOf, refusedKindOfName, sniffFileKind, UNREADABLE_KINDS } from './file-kind';
import { readParquetRows } from './parquet-rows';
import { readXlsxZipRows, type XlsxReadOptions } from './xlsx-rows';

export interface ReleaseFile {
  path: string;
  /** Name used in error lines (archive key, URL, the path given). */
  label: string;
  kind: FileKind;
}

/**
 * Sniffs the file once. A format detainer-watch does not read (Stata, SPSS, Feather, legacy
 * .xls, an HTML page) is refused here with one line saying what to use instead.
 */
export async function openReleaseFile(path: string, label: string = path, expected?: string): Promise<ReleaseFile> {
  const kind = await sniffFileKind(path);
  const named = refusedKindOfName(label) ?? refusedKindOfName(path);
  if (named && (kind === 'binary' || kind === named || kind === 'gzip'))
    throw new InvalidReleaseError(label, `is ${describeFileKind(named)}`);
  if (kind === 'stata' || kind === 'spss' || kind === 'feather') throw new InvalidReleaseError(label, `is ${describeFileKind(kind)}`);
  if (kind === 'empty') throw new InvalidReleaseError(label, 'the file is empty (0 bytes)');
  if (UNREADABLE_KINDS.has(kind))
    throw new InvalidReleaseError(label, `is ${describeFileKind(kind)}${expected ? `, not ${expected}` : ''}`);
  return { path, label, kind };
}

export type RowContainer = 'csv' | 'xlsx' | 'parquet';

export interface RowReadOptions {
  select?: RowSelection;
  /** XLSX only: worksheets, caps, and where each sheet begins. */
  xlsx?: Omit<XlsxReadOptions, 'label' | 'select'>;
  onWarning?: (warning: string) => void;
}

/** What a zip holds: an XLSX workbook, or the one delimited text file to read. */
async function zipContent(file: ReleaseFile): Promise<{ xlsx: true } | { entry: string }> {
  let zip;
  try {
    zip = await yauzl.openPromise(file.path, { lazyEntries: true, autoClose: false, strictFileNames: false, decodeStrings: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A zip cut short is most often a workbook whose download stopped.
    if (/end of central directory/i.test(message))
      throw new InvalidReleaseError(
        file.label,
        'truncated or corrupt XLSX: the zip directory at the end of the file is missing (the file ends early)',
      );
    throw new InvalidReleaseError(file.label, `truncated or corrupt zip: ${message}`);
  }
  const names: string[] = [];
  try {
    for await (const entry of zip.eachEntry())
      if (!entry.fileName.endsWith('/') && !entry.fileName.startsWith('__MACOSX/')) names.push(entry.fileName);
  } finally {
    zip.close();
  }
  if (names.includes('xl/workbook.xml')) return { xlsx: true };
  const texts = names.filter((name) => /\.(csv|tsv|txt|psv|tab)$/i.test(name));
  if (texts.length === 1) return { entry: texts[0] };
  const listed = names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '');
  if (texts.length === 0)
    throw new InvalidReleaseError(file.label, `is a zip archive with no XLSX workbook and no CSV in it (it holds: ${listed || 'nothing'})`);
  throw new InvalidReleaseError(
    file.label,
    `is a zip archive holding ${texts.length} CSV files (${texts.join(', ')}): give the one release file`,
  );
}

/** The inflated bytes of one zip entry, refusing more than 1000:1 (a zip bomb). */
async function* zipEntryBytes(file: ReleaseFile, name: string): AsyncGenerator<Buffer> {
  const zip = await yauzl.openPromise(file.path, { lazyEntries: true, autoClose: false, strictFileNames: false, decodeStrings: true });
  try {
    let found;
    for await (const entry of zip.eachEntry()) if (entry.fileName === name) found = entry;
    if (!found) throw new InvalidReleaseError(file.label, `${name} is missing from the zip`);
    const cap = Math.max(found.compressedSize * 1000, 1 << 20);
    let total = 0;
    const stream = await zip.openReadStreamPromise(found);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > cap) throw new InvalidReleaseError(file.label, `refused as a zip bomb: ${name} inflates past ${cap} bytes`);
      yield chunk;
    }
  } finally {
    zip.close();
  }
}

/** Bytes that must be text: a gzip holding a workbook or a PDF is named as such. */
async function* textBytes(bytes: AsyncIterable<Buffer>, label: string, wrapper: string): AsyncGenerator<Buffer> {
  let first = true;
  for await (const chunk of bytes) {
    if (first) {
      const kind = fileKindOf(chunk.subarray(0, 4096));
      if (kind !== 'text') throw new InvalidReleaseError(label, `is ${wrapper} holding ${describeFileKind(kind)}, not delimited text`);
      first = false;
    }
    yield chunk;
  }
}

/** Bytes read per call from a plain text file. */
const FILE_CHUNK = 1 << 20;

/**
 * A plain file's bytes, read with `FileHandle.read` into two buffers in turn: the next read runs
 * on libuv's pool while the caller scans the chunk it was given. Each chunk is valid until the
 * next is asked for (the CSV reader copies it at once). A read stream costs ten times the reads
 * themselves on a 166 MB file: it allocates a buffer and passes it through its machinery per chunk.
 */
async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  const buffers = [Buffer.allocUnsafe(FILE_CHUNK), Buffer.allocUnsafe(FILE_CHUNK)];
  let position = 0;
  let turn = 0;
  let pending = handle.read(buffers[turn], 0, FILE_CHUNK, position);
  try {
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) return;
      position += bytesRead;
      turn ^= 1;
      pending = handle.read(buffers[turn], 0, FILE_CHUNK, position);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    // A read still under way when the caller stops early is let finish before the file is closed.
    await pending.catch(() => undefined);
    await handle.close();
  }
}

function gunzipped(path: string, label: string): AsyncIterable<Buffer> {
  const raw = createReadStream(path, { highWaterMark: 1 << 16 });
  const inflate = createGunzip({ chunkSize: 1 << 16 });
  raw.on('error', (error) => inflate.destroy(error));
  return textBytes(raw.pipe(inflate), label, describeFileKind('gzip'));
}

/** Streams the rows of any row-based release file; returns how many there were and the container read. */
export async function readReleaseRows(
  file: ReleaseFile,
  onRow: RowHandler,
  options: RowReadOptions = {},
): Promise<{ rows: number; container: RowContainer }> {
  const { label } = file;
  const csv = { select: options.select, onWarning: options.onWarning };
  switch (file.kind) {
    case 'text':
      return { rows: await readCsvRows(fileChunks(file.path), label, onRow, csv), container: 'csv' };
    case 'gzip':
      return { rows: await readCsvRows(gunzipped(file.path, label), label, onRow, csv), container: 'csv' };
    case 'parquet':
      return { rows: await readParquetRows(file.path, label, onRow, { select: options.select }), container: 'parquet' };
    case 'zip': {
      const content = await zipContent(file);
      if ('entry' in content) {
        return {
          rows: await readCsvRows(
            textBytes(zipEntryBytes(file, content.entry), label, `a zip archive (${content.entry})`),
            label,
            onRow,
            csv,
          ),
          container: 'csv',
        };
      }
      const summary = await readXlsxZipRows(file.path, onRow, { ...options.xlsx, label, select: options.select ?? {} });
      return { rows: summary.rows, container: 'xlsx' };
    }
    default:
      throw new InvalidReleaseError(label, `is ${describeFileKind(file.kind)}, not a release with rows (CSV, XLSX or Parquet)`);
  }
}
