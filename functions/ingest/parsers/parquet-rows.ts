/**
 * Parquet releases (the Deportation Data Project's `detainers-latest.parquet`), read with
 * hyparquet one row group at a time and, within it, one selected column at a time: memory holds
 * one group's selected columns and the decoding of one of them, never the file (byte ranges are
 * read from it as hyparquet asks for them).
 * The column names come first as a header row; the parser then selects the columns it reads.
 * Dates and timestamps (DATE, TIMESTAMP in ms/µs/ns, INT96) become Excel serial days, the form
 * the XLSX reader gives, so every layout reads one kind of date number.
 */

import { type FileHandle, open } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { decompress as decompressZstd } from 'fzstd';
import { type AsyncBuffer, type FileMetaData, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { decompressLz4, decompressLz4Raw } from 'hyparquet-compressors/src/lz4.js';
import { InvalidReleaseError } from '../../domain/release';
import type { Cell, RowHandler, RowSelection } from './cell';

/** 1970-01-01 as an Excel serial day. */
const EPOCH_SERIAL = 25569;
const DAY_MS = 86_400_000;

const SERIAL_DAYS = {
  timestampFromMilliseconds: (millis: bigint) => Number(millis) / DAY_MS + EPOCH_SERIAL,
  timestampFromMicroseconds: (micros: bigint) => Number(micros) / (DAY_MS * 1e3) + EPOCH_SERIAL,
  timestampFromNanoseconds: (nanos: bigint) => Number(nanos) / (DAY_MS * 1e6) + EPOCH_SERIAL,
  dateFromDays: (days: number) => days + EPOCH_SERIAL,
};

/**
 * Decompressors for every codec Parquet writers use. SNAPPY is hyparquet's own; GZIP and BROTLI
 * come from node's zlib (native; hyparquet-compressors' brotli and its dictionary alone would
 * push the ingest Lambda's bundle past 1 MB); ZSTD (fzstd) and LZ4 as hyparquet-compressors
 * has them, imported one by one for the same reason.
 */
export const PARQUET_COMPRESSORS = {
  GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)),
  BROTLI: (input: Uint8Array) => new Uint8Array(brotliDecompressSync(input)),
  ZSTD: (input: Uint8Array) => decompressZstd(input),
  LZ4: decompressLz4,
  LZ4_RAW: decompressLz4Raw,
};

type ColumnChunk = { rowStart: number; rowEnd: number; data: ArrayLike<unknown> };

function unreadable(label: string, error: unknown): InvalidReleaseError {
  if (error instanceof InvalidReleaseError) return error;
  return new InvalidReleaseError(label, `unreadable Parquet: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * The file as hyparquet's AsyncBuffer: each byte range it asks for is read into an ArrayBuffer of
 * its size (hyparquet's own `asyncBufferFromFile` opens a read stream per range and concatenates
 * its chunks, holding the bytes twice).
 */
async function fileRanges(path: string): Promise<AsyncBuffer & { close(): Promise<void> }> {
  const handle: FileHandle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return {
      byteLength: size,
      async slice(start: number, end: number = size): Promise<ArrayBuffer> {
        const bytes = new Uint8Array(Math.max(0, Math.min(end, size) - start));
        for (let at = 0; at < bytes.length; ) {
          const { bytesRead } = await handle.read(bytes, at, bytes.length - at, start + at);
          if (bytesRead === 0) throw new Error(`the file ends at byte ${start + at}, before byte ${end}`);
          at += bytesRead;
        }
        return bytes.buffer;
      },
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * One row group's selected columns, as the chunks hyparquet decoded them, read one column after
 * the other: decoding a column of 100,000 values makes several times its size in short-lived
 * arrays, and reading them all at once made that garbage for every column together.
 */
async function readGroup(file: AsyncBuffer, metadata: FileMetaData, columns: string[], rowStart: number, rowEnd: number) {
  const chunks = new Map<string, ColumnChunk[]>();
  for (const column of columns) {
    const list: ColumnChunk[] = [];
    await parquetRead({
      file,
      metadata,
      columns: [column],
      rowStart,
      rowEnd,
      compressors: PARQUET_COMPRESSORS,
      parsers: SERIAL_DAYS,
      onChunk: ({ columnData, rowStart: start, rowEnd: end }) => {
        list.push({ rowStart: start, rowEnd: end, data: columnData as ArrayLike<unknown> });
      },
    });
    chunks.set(column, list);
  }
  return chunks;
}

/** Row groups this large leave tens of megabytes of decoding garbage (see `collectDecodingGarbage`). */
const COLLECT_AFTER_ROWS = 20_000;
let fullGc: (() => void) | null | undefined;

/**
 * A full garbage collection, between decoding a large row group and reading its rows. Decoding a
 * column of 100,000 nullable values makes several times its size in short-lived arrays (levels,
 * arrays grown value by value), most of them too large for the young generation, so they wait
 * for the next full collection while the rows are read and the next group decoded: the 316,000-row
 * bench release peaked at 146-171 MB over runs, and at 133 MB in every run with this collection
 * (about 10 ms each, four times). Node has no public call for it: `--expose-gc` set at run time
 * gives `gc` to a new context. Where that fails, nothing is collected.
 */
function collectDecodingGarbage(): void {
  if (fullGc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      fullGc = runInNewContext('gc') as () => void;
    } catch {
      fullGc = null;
    }
  }
  fullGc?.();
}

/** The value of `row` in a column's chunks, from the chunk at `cursors[k]` on (moved forward). */
function valueAt(chunks: ColumnChunk[] | undefined, cursors: Int32Array, k: number, row: number): Cell {
  if (!chunks) return undefined;
  let chunk = chunks[cursors[k]];
  while (chunk && row >= chunk.rowEnd) chunk = chunks[++cursors[k]];
  if (!chunk || row < chunk.rowStart) return undefined;
  return chunk.data[row - chunk.rowStart] as Cell;
}

/** Streams a Parquet file's rows to `onRow`: row 1 is the column names, data rows follow. Returns the rows given. */
export async function readParquetRows(
  path: string,
  label: string,
  onRow: RowHandler,
  options: { select?: RowSelection } = {},
): Promise<number> {
  let file;
  try {
    file = await fileRanges(path);
  } catch (error) {
    throw unreadable(label, error);
  }
  try {
    return await readRows(file, label, onRow, options.select ?? {});
  } finally {
    await file.close();
  }
}

async function readRows(file: AsyncBuffer, label: string, onRow: RowHandler, select: RowSelection): Promise<number> {
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw unreadable(label, error);
  }
  const names = parquetSchema(metadata).children.map((child) => child.element.name);
  const cells: Cell[] = [...names];
  if (onRow(cells, 1) === 'stop') return 1;
  const selected = select.columns;
  const wanted = names.map((name, index) => ({ name, index })).filter(({ index }) => selected === undefined || selected[index] === true);
  let rows = 1;
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const groupEnd = groupStart + Number(group.num_rows);
    let chunks: Map<string, ColumnChunk[]>;
    try {
      chunks = await readGroup(
        file,
        metadata,
        wanted.map((w) => w.name),
        groupStart,
        groupEnd,
      );
    } catch (error) {
      throw unreadable(label, error);
    }
    if (groupEnd - groupStart >= COLLECT_AFTER_ROWS) collectDecodingGarbage();
    // Indexed loops: 316,000 rows × the selected columns, without an iterator per row.
    const indexes = wanted.map((w) => w.index);
    const lists = wanted.map((w) => chunks.get(w.name));
    const cursors = new Int32Array(wanted.length);
    cells.length = 0;
    for (let row = groupStart; row < groupEnd; row++) {
      for (let k = 0; k < indexes.length; k++) cells[indexes[k]] = valueAt(lists[k], cursors, k, row);
      rows++;
      if (onRow(cells, row + 2) === 'stop') return rows;
    }
    groupStart = groupEnd;
  }
  return rows;
}
