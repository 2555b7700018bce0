/**
 * Parquet releases (the Deportation Data Project's `detainers-latest.parquet`), read with
 * hyparquet one row group at a time, so memory holds one group's selected columns, not the file.
 * The column names come first as a header row; the parser then selects the columns it reads.
 * Dates and timestamps (DATE, TIMESTAMP in ms/µs/ns, INT96) become Excel serial days, the form
 * the XLSX reader gives, so every layout reads one kind of date number.
 */

import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { decompress as decompressZstd } from 'fzstd';
import { asyncBufferFromFile, type FileMetaData, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
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

/** One row group's selected columns, as the chunks hyparquet decoded them. */
async function readGroup(
  file: Awaited<ReturnType<typeof asyncBufferFromFile>>,
  metadata: FileMetaData,
  columns: string[],
  rowStart: number,
  rowEnd: number,
) {
  const chunks = new Map<string, ColumnChunk[]>();
  await parquetRead({
    file,
    metadata,
    columns,
    rowStart,
    rowEnd,
    compressors: PARQUET_COMPRESSORS,
    parsers: SERIAL_DAYS,
    onChunk: ({ columnName, columnData, rowStart: start, rowEnd: end }) => {
      const list = chunks.get(columnName) ?? [];
      list.push({ rowStart: start, rowEnd: end, data: columnData as ArrayLike<unknown> });
      chunks.set(columnName, list);
    },
  });
  return chunks;
}

/** The value of `row` in a column's chunks, moving the column's cursor forward. */
function valueAt(chunks: ColumnChunk[] | undefined, cursor: { index: number }, row: number): Cell {
  if (!chunks) return undefined;
  let chunk = chunks[cursor.index];
  while (chunk && row >= chunk.rowEnd) chunk = chunks[++cursor.index];
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
  let metadata: FileMetaData;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw unreadable(label, error);
  }
  const names = parquetSchema(metadata).children.map((child) => child.element.name);
  const cells: Cell[] = [...names];
  if (onRow(cells, 1) === 'stop') return 1;
  const select = options.select?.columns;
  const wanted = names.map((name, index) => ({ name, index })).filter(({ index }) => select === undefined || select[index] === true);
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
    const columns = wanted.map(({ name, index }) => ({ index, chunks: chunks.get(name), cursor: { index: 0 } }));
    cells.length = 0;
    for (let row = groupStart; row < groupEnd; row++) {
      for (const column of columns) cells[column.index] = valueAt(column.chunks, column.cursor, row);
      rows++;
      if (onRow(cells, row + 2) === 'stop') return rows;
    }
    groupStart = groupEnd;
  }
  return rows;
}
