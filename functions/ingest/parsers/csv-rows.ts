/**
 * Delimited text releases, streamed record by record: FOIA tables and record-level ICE files
 * come comma-, tab-, semicolon- or pipe-delimited (NPR's `.csv` files are tab-delimited, its
 * `.txt` files comma-delimited), with or without a byte-order mark, CRLF or LF, names quoted
 * over line breaks, as UTF-8 or Latin-1 (Windows-1252), plain, gzip-compressed or zipped.
 *
 * The tokenizer is written here rather than taken from csv-parse: csv-parse splits every field
 * of every record into strings, which cost ~6× reading the file on a 316,000-row release; this
 * one cuts only the columns the parser asked for (`select`).
 */
import { InvalidReleaseError } from '../../domain/release';
import type { Cell, RowHandler, RowSelection } from './cell';

const DELIMITERS = ['\t', ',', ';', '|'] as const;

/**
 * The delimiter that splits the first lines into the same number of fields most often: a title
 * row or a quoted name with a comma in a tab-delimited file does not outvote the table's shape.
 */
export function detectDelimiter(sample: string): string {
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

/**
 * Text of a byte stream: UTF-8 while it is UTF-8; from the first byte that is not, Windows-1252
 * (the Latin-1 that spreadsheets export, `é` as one byte), with a warning naming where.
 */
export async function* decodedText(bytes: AsyncIterable<Buffer>, onWarning: (warning: string) => void): AsyncGenerator<string> {
  let utf8: InstanceType<typeof TextDecoder> | undefined = new TextDecoder('utf-8', { fatal: true });
  const latin1 = new TextDecoder('windows-1252');
  let offset = 0;
  for await (const chunk of bytes) {
    if (utf8) {
      try {
        const text = utf8.decode(chunk, { stream: true });
        offset += chunk.length;
        yield text;
        continue;
      } catch {
        utf8 = undefined;
        onWarning(`text is not UTF-8 from byte ${offset}: read as Windows-1252 (Latin-1)`);
      }
    }
    offset += chunk.length;
    yield latin1.decode(chunk, { stream: true });
  }
  if (utf8) {
    try {
      const rest = utf8.decode();
      if (rest) yield rest;
    } catch {
      onWarning('text ends inside a UTF-8 sequence: its last bytes are left out');
    }
  }
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Splits text into records across chunk boundaries; calls `onRow` with the selected cells. */
class CsvTokenizer {
  private carry = '';
  private line = 1;
  private readonly cells: Cell[] = [];
  rows = 0;
  stopped = false;

  constructor(
    private readonly delimiter: number,
    private readonly onRow: RowHandler,
    private readonly select: RowSelection,
  ) {}

  /** Feeds text; with `final`, the last record needs no line end. */
  push(text: string, final: boolean): void {
    const s = this.carry.length > 0 ? this.carry + text : text;
    let p = 0;
    while (p < s.length && !this.stopped) {
      const end = this.record(s, p, final);
      if (end < 0) break;
      p = end;
    }
    this.carry = this.stopped ? '' : s.slice(p);
  }

  /** Reads one record starting at `start`; its end, or -1 when the text stops inside it. */
  private record(s: string, start: number, final: boolean): number {
    const cells = this.cells;
    const wanted = this.select.columns;
    const d = this.delimiter;
    cells.length = 0;
    let p = start;
    let column = 0;
    let lines = 0;
    for (;;) {
      let value: string | undefined;
      const keep = wanted === undefined || wanted[column] === true;
      if (s.charCodeAt(p) === QUOTE) {
        // Quoted: "" is a quote, line breaks are part of the value.
        let q = p + 1;
        let escaped = false;
        for (;;) {
          const close = s.indexOf('"', q);
          if (close < 0) return final ? this.unclosed(start) : -1;
          if (s.charCodeAt(close + 1) === QUOTE) {
            escaped = true;
            q = close + 2;
            continue;
          }
          if (keep) value = escaped ? s.slice(p + 1, close).replaceAll('""', '"') : s.slice(p + 1, close);
          lines += countLines(s, p, close);
          p = close + 1;
          break;
        }
        // Text after the closing quote and before the delimiter is kept as written.
        const from = p;
        while (p < s.length) {
          const c = s.charCodeAt(p);
          if (c === d || c === LF || c === CR) break;
          p++;
        }
        if (keep && p > from) value += s.slice(from, p);
      } else {
        const from = p;
        while (p < s.length) {
          const c = s.charCodeAt(p);
          if (c === d || c === LF || c === CR) break;
          p++;
        }
        if (keep) value = s.slice(from, p);
      }
      if (p >= s.length && !final) return -1;
      if (value !== undefined) cells[column] = value;
      column++;
      const c = s.charCodeAt(p);
      if (c === d) {
        p++;
        continue;
      }
      // End of the record: LF, CRLF, CR, or the end of the text.
      if (c === CR && s.charCodeAt(p + 1) === LF) p += 2;
      else if (p < s.length) p++;
      else if (!final) return -1;
      break;
    }
    const rowNumber = this.line;
    this.line += lines + 1;
    if (column === 1 && (cells[0] === undefined || cells[0] === '')) return p;
    this.rows++;
    if (this.onRow(cells, rowNumber) === 'stop') this.stopped = true;
    return p;
  }

  private unclosed(start: number): never {
    throw new Error(`a quoted field opened on line ${this.line} (offset ${start}) is never closed`);
  }
}

function countLines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Streams the records of delimited text to `onRow` (cells reused per record; unselected columns
 * left undefined); returns how many were read. `source` is the byte stream, already unwrapped
 * (gunzipped, out of its zip); it is closed when reading ends, early or not.
 */
export async function readCsvRows(
  source: AsyncIterable<Buffer>,
  label: string,
  onRow: RowHandler,
  options: { select?: RowSelection; onWarning?: (warning: string) => void } = {},
): Promise<number> {
  const texts = decodedText(source, options.onWarning ?? (() => undefined));
  let tokenizer: CsvTokenizer | undefined;
  try {
    for await (const text of texts) {
      tokenizer ??= new CsvTokenizer(detectDelimiter(text.slice(0, 65536)).charCodeAt(0), onRow, options.select ?? {});
      tokenizer.push(text, false);
      if (tokenizer.stopped) break;
    }
    if (tokenizer && !tokenizer.stopped) tokenizer.push('', true);
  } catch (error) {
    if (error instanceof InvalidReleaseError) throw error;
    throw new InvalidReleaseError(label, `unreadable CSV: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    // Ends the byte stream too when the handler stopped or threw.
    await texts.return(undefined);
  }
  return tokenizer?.rows ?? 0;
}
