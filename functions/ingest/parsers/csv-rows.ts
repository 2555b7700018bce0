/**
 * Delimited text releases, streamed record by record: FOIA tables and record-level ICE files
 * come comma-, tab-, semicolon- or pipe-delimited (NPR's `.csv` files are tab-delimited, its
 * `.txt` files comma-delimited), with or without a byte-order mark, CRLF or LF, names quoted
 * over line breaks, as UTF-8 or Latin-1 (Windows-1252), plain, gzip-compressed or zipped.
 *
 * The scanner is written here rather than taken from csv-parse: csv-parse decodes the whole text
 * and splits every field of every record into strings, many times the cost of reading the file
 * on a 316,000-row, 65-column release; this one decodes only the columns the parser asked for
 * (`select`).
 */
import { isUtf8 } from 'node:buffer';
import { InvalidReleaseError } from '../../domain/release';
import type { Cell, RowHandler, RowSelection } from './cell';

const DELIMITERS = ['\t', ',', ';', '|'] as const;

/**
 * The delimiter that splits the first lines into the same number of fields most often: a title
 * row or a quoted name with a comma in a tab-delimited file does not outvote the table's shape.
 */
function detectDelimiter(sample: string): string {
  const lines = sample
    .replace(/"[^"]*"/g, '""')
    .split(/\r\n|\n|\r/)
    .filter((l) => l.trim() !== '')
    .slice(0, 30);
  let best: { delimiter: string; lines: number; fields: number } = { delimiter: ',', lines: 0, fields: 0 };
  for (const delimiter of DELIMITERS) {
    const modes = new Map<number, number>();
    for (const line of lines) {
      const count = line.split(delimiter).length - 1;
      if (count > 0) modes.set(count, (modes.get(count) ?? 0) + 1);
    }
    for (const [fields, count] of modes) {
      if (count > best.lines || (count === best.lines && fields > best.fields)) best = { delimiter, lines: count, fields };
    }
  }
  return best.delimiter;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * Splits delimited bytes into records. It works on bytes, not text: the delimiter, quotes and
 * line ends are ASCII and never part of a UTF-8 sequence, and only the selected fields are
 * decoded, each into a string of its own (a slice of a chunk's text would keep the whole chunk
 * alive for as long as the tally keeps the name). A record's end is found with `indexOf`
 * (memchr); a record with a quote is read field by field, quotes and line breaks included.
 */
class CsvScanner {
  rows = 0;
  stopped = false;
  private line = 1;
  private readonly cells: Cell[] = [];
  private nextQuote = -1;
  private windows1252?: InstanceType<typeof TextDecoder>;

  constructor(
    private readonly delimiter: number,
    private readonly onRow: RowHandler,
    private readonly select: RowSelection,
    private readonly onWarning: (warning: string) => void,
  ) {}

  /** Reads the complete records of `b[from, end)`; returns where the unread rest begins. `offset` is `b[0]`'s place in the file. */
  scan(b: Buffer, from: number, end: number, final: boolean, offset: number): number {
    if (!this.windows1252) {
      const lastLine = final ? end : b.lastIndexOf(LF, end - 1) + 1;
      if (lastLine > from && !isUtf8(b.subarray(from, lastLine))) {
        this.windows1252 = new TextDecoder('windows-1252');
        this.onWarning(`text is not UTF-8 from byte ${offset + from}: read as Windows-1252 (Latin-1)`);
      }
    }
    this.nextQuote = -1;
    let p = from;
    while (p < end && !this.stopped) {
      const next = this.record(b, p, end, final);
      if (next < 0) break;
      p = next;
    }
    return p;
  }

  private text(b: Buffer, from: number, to: number): string {
    if (to <= from) return '';
    return this.windows1252 ? this.windows1252.decode(b.subarray(from, to)) : b.toString('utf8', from, to);
  }

  /** One record from `start`: the index after it, or -1 when `end` comes first (more bytes needed). */
  private record(b: Buffer, start: number, end: number, final: boolean): number {
    let lineEnd = b.indexOf(LF, start);
    if (lineEnd < 0 || lineEnd >= end) {
      if (!final) return -1;
      lineEnd = end;
    }
    if (this.nextQuote !== -2 && this.nextQuote < start) {
      const q = b.indexOf(QUOTE, start);
      this.nextQuote = q < 0 || q >= end ? -2 : q;
    }
    if (this.nextQuote >= 0 && this.nextQuote < lineEnd) return this.quotedRecord(b, start, end, final);
    const recordEnd = lineEnd > start && b[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    const rowNumber = this.line++;
    if (recordEnd === start) return lineEnd + 1;
    const cells = this.cells;
    const wanted = this.select.columns;
    cells.length = 0;
    // A byte loop, not indexOf per field: fields are a few bytes long and a native call costs more.
    const d = this.delimiter;
    let column = 0;
    let from = start;
    for (let i = start; i < recordEnd; i++) {
      if (b[i] !== d) continue;
      if (wanted === undefined || wanted[column] === true) cells[column] = this.text(b, from, i);
      column++;
      from = i + 1;
    }
    if (wanted === undefined || wanted[column] === true) cells[column] = this.text(b, from, recordEnd);
    this.emit(rowNumber);
    return lineEnd + 1;
  }

  /** A record with a quoted field, which may hold delimiters, `""` and line breaks. */
  private quotedRecord(b: Buffer, start: number, end: number, final: boolean): number {
    const cells = this.cells;
    const wanted = this.select.columns;
    const d = this.delimiter;
    cells.length = 0;
    let p = start;
    let lines = 0;
    for (let column = 0; ; column++) {
      const keep = wanted === undefined || wanted[column] === true;
      let value = '';
      if (b[p] === QUOTE) {
        let q = p + 1;
        let escaped = false;
        for (;;) {
          const close = b.indexOf(QUOTE, q);
          if (close < 0 || close >= end) {
            if (final) throw new Error(`a quoted field opened on line ${this.line} is never closed`);
            return -1;
          }
          if (close + 1 < end && b[close + 1] === QUOTE) {
            escaped = true;
            q = close + 2;
            continue;
          }
          if (close + 1 >= end && !final) return -1;
          for (let k = b.indexOf(LF, p); k >= 0 && k < close; k = b.indexOf(LF, k + 1)) lines++;
          if (keep) value = escaped ? this.text(b, p + 1, close).replaceAll('""', '"') : this.text(b, p + 1, close);
          p = close + 1;
          break;
        }
      }
      // Unquoted text, or text after the closing quote, up to the delimiter or the line end.
      const from = p;
      let c = 0;
      while (p < end && (c = b[p]) !== d && c !== LF) p++;
      if (p >= end && !final) return -1;
      const to = c === LF && p > from && b[p - 1] === CR ? p - 1 : p;
      if (keep) cells[column] = to > from ? value + this.text(b, from, to) : value;
      if (p < end && c === d) {
        p++;
        continue;
      }
      break;
    }
    if (p < end && b[p] === LF) p++;
    const rowNumber = this.line;
    this.line += lines + 1;
    this.emit(rowNumber);
    return p;
  }

  private emit(rowNumber: number): void {
    const cells = this.cells;
    if (cells.length <= 1 && (cells[0] === undefined || cells[0] === '') && this.select.columns === undefined) return;
    this.rows++;
    if (this.onRow(cells, rowNumber) === 'stop') this.stopped = true;
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/**
 * Streams the records of delimited text to `onRow` (cells reused per record; unselected columns
 * left undefined); returns how many were read. `source` is the byte stream, already unwrapped
 * (gunzipped, out of its zip); it is closed when reading ends, early or not. UTF-8 is read as
 * such; from the first stretch that is not UTF-8, Windows-1252 (the Latin-1 spreadsheets export),
 * with a warning.
 */
export async function readCsvRows(
  source: AsyncIterable<Buffer>,
  label: string,
  onRow: RowHandler,
  options: { select?: RowSelection; onWarning?: (warning: string) => void } = {},
): Promise<number> {
  let window = Buffer.allocUnsafe(1 << 20);
  let filled = 0;
  let offset = 0;
  let scanner: CsvScanner | undefined;
  let start = 0;
  try {
    for await (const chunk of source) {
      if (filled + chunk.length > window.length) {
        if (filled > MAX_RECORD_BYTES) throw new InvalidReleaseError(label, `no line end in ${filled} bytes: not a delimited text file`);
        const larger = Buffer.allocUnsafe(Math.max(window.length * 2, filled + chunk.length));
        window.copy(larger, 0, 0, filled);
        window = larger;
      }
      chunk.copy(window, filled);
      filled += chunk.length;
      if (!scanner) {
        start = UTF8_BOM.every((byte, i) => window[i] === byte) ? 3 : 0;
        const sample = window.toString('latin1', start, Math.min(filled, start + 65536));
        scanner = new CsvScanner(
          detectDelimiter(sample).charCodeAt(0),
          onRow,
          options.select ?? {},
          options.onWarning ?? (() => undefined),
        );
      }
      const used = scanner.scan(window, start, filled, false, offset);
      if (scanner.stopped) break;
      window.copyWithin(0, used, filled);
      offset += used;
      filled -= used;
      start = 0;
    }
    if (scanner && !scanner.stopped && filled > start) scanner.scan(window, start, filled, true, offset);
  } catch (error) {
    if (error instanceof InvalidReleaseError) throw error;
    throw new InvalidReleaseError(label, `unreadable CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
  return scanner?.rows ?? 0;
}
