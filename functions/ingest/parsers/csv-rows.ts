/**
 * Delimited text releases, streamed record by record: FOIA tables and record-level ICE files
 * come comma-, tab-, semicolon- or pipe-delimited (NPR's `.csv` files are tab-delimited, its
 * `.txt` files comma-delimited), with or without a byte-order mark, CRLF or LF, names quoted
 * over line breaks, as UTF-8 or Latin-1 (Windows-1252), plain, gzip-compressed or zipped.
 *
 * The scanner is written here rather than taken from csv-parse: csv-parse decodes the whole text
 * and splits every field of every record into strings, many times the cost of reading the file
 * on a 316,000-row, 65-column release; this one decodes only the columns the parser asked for
 * (`select`), steps over the rest of a record once the last of them is read, and gives a
 * column's repeated values (states, facilities, lift reasons) as the one string decoded the
 * first time its bytes were seen.
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

/*
 * Four bytes at a time (SWAR): the scanner reads the text as little-endian 32-bit words (a
 * DataView, so any offset and any platform), the first byte in the lowest 8 bits. A byte equal to
 * `c` is a zero byte of `word ^ c * ONES`.
 */
const ONES = 0x01010101;
const LOWS = 0x7f7f7f7f;
const HIGHS = 0x80808080 | 0;
const LFS = Math.imul(LF, ONES);
const QUOTES = Math.imul(QUOTE, ONES);

/** Non-zero when a byte of `x` is 0; its lowest set bit marks the first such byte (the bits above it may be wrong). */
function anyZero(x: number): number {
  return (x - ONES) & ~x & HIGHS;
}

/** Bit 7 of exactly each byte of `x` that is 0. */
function zeroBytes(x: number): number {
  return ~(((x & LOWS) + LOWS) | x | LOWS);
}

/** The byte (0–3) that the lowest set bit of `flags` marks. */
function firstMarked(flags: number): number {
  return (31 - Math.clz32(flags & -flags)) >> 3;
}

/** How many bytes `flags` marks (bits 7, 15, 23, 31). */
function countMarked(flags: number): number {
  return Math.imul(flags >>> 7, ONES) >>> 24;
}

/** Windows-1252's characters for bytes 0x80–0x9F (Latin-1 has control codes there; Node's TextDecoder gives those too). */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1 = /[\x80-\x9f]/g;

function windows1252(b: Buffer, from: number, to: number): string {
  const text = b.toString('latin1', from, to);
  return C1.test(text) ? text.replace(C1, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]) : text;
}

/** Values longer than this are decoded every time: names and codes are shorter, free text is rarely repeated. */
const MAX_SHARED_BYTES = 128;
/** A column keeps sharing values while at most a quarter of them are new (dates with times and identifiers are not). */
const SHARING_TRIAL = 4096;
const MAX_SHARED_VALUES = 1 << 16;

interface Shared {
  /** Where the value's bytes are in the column's `bytes`. */
  at: number;
  length: number;
  text: string;
  next: Shared | undefined;
}

/**
 * One column's values by their bytes: a repeated value is not decoded again, and every record
 * that names the same facility gives the tally the same string (whose hash V8 has already
 * computed). A column whose values rarely repeat stops looking after a trial.
 */
class ColumnValues {
  off = false;
  private readonly byHash = new Map<number, Shared>();
  private bytes = Buffer.allocUnsafeSlow(4096);
  private view = new DataView(this.bytes.buffer, 0, this.bytes.length);
  private used = 0;
  private seen = 0;
  private added = 0;

  /** A hash of `b[from, to)` from its length and three of its words (first, middle, last): `find` compares every byte. */
  static hash(view: DataView, from: number, to: number): number {
    const n = to - from;
    let h: number;
    if (n >= 4) {
      h = Math.imul(view.getInt32(from, true), 0x9e3779b1) ^ Math.imul(view.getInt32(to - 4, true), 0x85ebca6b);
      h ^= view.getInt32(from + ((n - 4) >> 1), true);
    } else h = n === 0 ? 0 : view.getInt32(from, true) & ((1 << (n << 3)) - 1);
    return (Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + n) & 0x3fffffff;
  }

  find(view: DataView, b: Buffer, from: number, to: number, hash: number): string | undefined {
    this.seen++;
    const length = to - from;
    for (let e = this.byHash.get(hash); e !== undefined; e = e.next) {
      if (e.length !== length) continue;
      const at = e.at;
      let k = 0;
      while (k + 4 <= length && this.view.getInt32(at + k, true) === view.getInt32(from + k, true)) k += 4;
      while (k < length && this.bytes[at + k] === b[from + k]) k++;
      if (k === length) return e.text;
    }
    return undefined;
  }

  add(b: Buffer, from: number, to: number, hash: number, text: string): void {
    if (++this.added > SHARING_TRIAL && this.added * 4 > this.seen) {
      this.off = true;
      this.byHash.clear();
      this.bytes = Buffer.alloc(0);
      return;
    }
    if (this.added > MAX_SHARED_VALUES) return;
    const length = to - from;
    if (this.used + length > this.bytes.length) {
      const larger = Buffer.allocUnsafeSlow(this.bytes.length * 2 + length);
      this.bytes.copy(larger, 0, 0, this.used);
      this.bytes = larger;
      this.view = new DataView(larger.buffer, 0, larger.length);
    }
    b.copy(this.bytes, this.used, from, to);
    this.byHash.set(hash, { at: this.used, length, text, next: this.byHash.get(hash) });
    this.used += length;
  }
}

/**
 * Splits delimited bytes into records. It works on bytes, not text: the delimiter, quotes and
 * line ends are ASCII and never part of a UTF-8 sequence, and only the selected fields are
 * decoded, each into a string of its own (a slice of a chunk's text would keep the whole chunk
 * alive for as long as the tally keeps the name). The bytes are looked at four at a time where
 * that is enough (the end of a field, a closing quote, the delimiters of fields stepped over).
 * The caller leaves eight bytes free after the bytes to scan: a line feed is put in the first, so
 * the loops look for the delimiter and the line end only, never for the end of the buffer, and
 * the words that hold it can be read whole.
 */
class CsvScanner {
  rows = 0;
  stopped = false;
  private line = 1;
  private readonly cells: Cell[] = [];
  private windows1252 = false;
  /** Where, in the bytes being scanned, the first line that is not UTF-8 begins. */
  private switchAt = Number.POSITIVE_INFINITY;
  /** `select.columns` as last seen, and what follows from it. */
  private selected: readonly boolean[] | undefined;
  /** The selected columns, in order. */
  private wantedList: number[] = [];
  /** Selected columns left undecoded until the handler asks (`select.lazy`), and where their field is in this record. */
  private lazyList: number[] = [];
  private readonly deferred: Array<{ from: number; close: number; to: number } | undefined> = [];
  private buffer?: Buffer;
  private values: Array<ColumnValues | undefined> = [];
  /** The column `skipFields` stopped at. */
  private reached = 0;
  /** The bytes being scanned, as words; the delimiter in each byte of a word. */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private readonly delimiters: number;
  /** Line breaks inside the quoted fields of the record being read. */
  private breaks = 0;

  constructor(
    private readonly delimiter: number,
    private readonly onRow: RowHandler,
    private readonly select: RowSelection,
    private readonly onWarning: (warning: string) => void,
  ) {
    this.delimiters = Math.imul(delimiter, ONES);
    select.cell = this.cellOf;
  }

  /** A cell of the record being handled: a deferred one decoded now, any other as read. */
  private readonly cellOf = (column: number): Cell => {
    const field = this.deferred[column];
    if (field === undefined || field.from < 0 || !this.buffer) return this.cells[column];
    const { from, close, to } = field;
    if (close >= 0) return this.quoted(this.buffer, from, close, to, column);
    const values = this.values[column]!;
    return values.off || to - from > MAX_SHARED_BYTES ? this.text(this.buffer, from, to) : this.shared(values, this.buffer, from, to);
  };

  /** Reads the complete records of `b[from, end)`; returns where the unread rest begins. `offset` is `b[0]`'s place in the file. */
  scan(b: Buffer, from: number, end: number, final: boolean, offset: number): number {
    this.switchAt = this.windows1252 ? Number.POSITIVE_INFINITY : firstNonUtf8Line(b, from, final ? end : b.lastIndexOf(LF, end - 1) + 1);
    b[end] = LF;
    this.buffer = b;
    if (this.view.buffer !== b.buffer || this.view.byteOffset !== b.byteOffset) this.view = new DataView(b.buffer, b.byteOffset, b.length);
    let p = from;
    while (p < end && !this.stopped) {
      if (p >= this.switchAt) this.switchToWindows1252(offset + p);
      // A blank line: no record, one more line.
      const first = b[p];
      if (first === LF || (first === CR && b[p + 1] === LF)) {
        if (first === CR && p + 1 === end && !final) break;
        this.line++;
        p = Math.min(p + (first === LF ? 1 : 2), end);
        continue;
      }
      const next = this.record(b, p, end, final);
      if (next < 0) break;
      // A record decoded as UTF-8 that reaches into the first line that is not: read again.
      if (next > this.switchAt && !this.windows1252) {
        this.switchToWindows1252(offset + p);
        continue;
      }
      this.emit();
      p = next;
    }
    return p;
  }

  private switchToWindows1252(at: number): void {
    this.windows1252 = true;
    this.switchAt = Number.POSITIVE_INFINITY;
    // Bytes remembered as UTF-8 text read differently now.
    this.values = this.values.map((v) => (v ? new ColumnValues() : undefined));
    this.onWarning(`text is not UTF-8 from byte ${at}: read as Windows-1252 (Latin-1)`);
  }

  private text(b: Buffer, from: number, to: number): string {
    if (to <= from) return '';
    return this.windows1252 ? windows1252(b, from, to) : b.toString('utf8', from, to);
  }

  private reselect(columns: readonly boolean[] | undefined): void {
    this.selected = columns;
    this.values = [];
    this.wantedList = [];
    this.lazyList = [];
    this.deferred.length = 0;
    // With a selection the cells keep one length (emptying the array per record would free and
    // grow its storage again for every record): every selected cell is set or cleared per record.
    this.cells.length = 0;
    if (!columns) return;
    for (let i = 0; i < columns.length; i++) {
      if (columns[i] !== true) continue;
      this.wantedList.push(i);
      this.values[i] = new ColumnValues();
      if (this.select.lazy?.[i] === true) {
        this.lazyList.push(i);
        this.deferred[i] = { from: -1, close: -1, to: -1 };
      }
    }
    for (let i = 0; i < columns.length; i++) this.cells[i] = undefined;
  }

  /** One record from `start` into `this.cells`: the index after it, or -1 when `end` comes first (more bytes needed). */
  private record(b: Buffer, start: number, end: number, final: boolean): number {
    const wanted = this.select.columns;
    if (wanted !== this.selected) this.reselect(wanted);
    this.breaks = 0;
    return wanted === undefined ? this.everyField(b, start, end, final) : this.selectedFields(b, start, end, final);
  }

  /** The first delimiter or line end from `p` (the sentinel stops it at `end`). */
  private fieldEnd(p: number): number {
    const view = this.view;
    const delimiters = this.delimiters;
    for (let i = p; ; i += 4) {
      const v = view.getInt32(i, true);
      const f = anyZero(v ^ delimiters) | anyZero(v ^ LFS);
      if (f !== 0) return i + firstMarked(f);
    }
  }

  /** Every field decoded: the rows above and at the header, before the layout selects its columns. */
  private everyField(b: Buffer, start: number, end: number, final: boolean): number {
    const cells = this.cells;
    cells.length = 0;
    let p = start;
    for (let column = 0; ; column++) {
      let i: number;
      if (b[p] === QUOTE) {
        i = this.quotedField(b, p, column, end, final);
        if (i < 0) return -1;
      } else {
        i = this.fieldEnd(p);
        if (i === end && !final) return -1;
        cells[column] = this.text(b, p, b[i] === LF && i > p && b[i - 1] === CR ? i - 1 : i);
      }
      if (b[i] === LF) return i === end ? end : i + 1;
      p = i + 1;
    }
  }

  /**
   * The selected fields only: the fields between them are stepped over (`skipFields`), a column
   * whose values repeat gives the string of the first record that had the same bytes, and the
   * record's rest is stepped over once the last selected field is read.
   */
  private selectedFields(b: Buffer, start: number, end: number, final: boolean): number {
    const cells = this.cells;
    const list = this.wantedList;
    const deferred = this.deferred;
    for (let k = 0; k < this.lazyList.length; k++) deferred[this.lazyList[k]]!.from = -1;
    let p = start;
    let column = 0;
    for (let k = 0; k < list.length; k++, column++) {
      const target = list[k];
      if (column < target) {
        p = this.skipFields(b, p, column, target, end, final);
        if (p < 0) return -1;
        if (this.reached !== target) return this.endEarly(k, p, end);
        column = target;
      }
      let i: number;
      const field = deferred[column];
      if (field !== undefined) {
        i = this.deferField(b, p, field, end, final);
        if (i < 0) return -1;
        cells[column] = undefined;
      } else if (b[p] === QUOTE) {
        i = this.quotedField(b, p, column, end, final);
        if (i < 0) return -1;
      } else {
        i = this.fieldEnd(p);
        if (i === end && !final) return -1;
        const to = b[i] === LF && i > p && b[i - 1] === CR ? i - 1 : i;
        const values = this.values[column]!;
        cells[column] = values.off || to - p > MAX_SHARED_BYTES ? this.text(b, p, to) : this.shared(values, b, p, to);
      }
      if (b[i] === LF) return this.endEarly(k + 1, i, end);
      p = i + 1;
    }
    p = this.skipFields(b, p, column, Number.POSITIVE_INFINITY, end, final);
    if (p < 0) return -1;
    return p === end ? end : p + 1;
  }

  /** The record ended at the line end `lf` before the selected columns from the `k`th on: they are missing. */
  private endEarly(k: number, lf: number, end: number): number {
    const list = this.wantedList;
    for (; k < list.length; k++) this.cells[list[k]] = undefined;
    return lf === end ? end : lf + 1;
  }

  /** Where the field from `p` is, to decode it if the handler asks: the index of the delimiter or line end after it, or -1. */
  private deferField(b: Buffer, p: number, field: { from: number; close: number; to: number }, end: number, final: boolean): number {
    let close = -1;
    if (b[p] === QUOTE) {
      close = this.closingQuote(b, p, end, final);
      if (close < 0) return -1;
    }
    const i = this.fieldEnd(close < 0 ? p : close + 1);
    if (i === end && !final) return -1;
    field.from = p;
    field.close = close;
    field.to = b[i] === LF && i > (close < 0 ? p : close + 1) && b[i - 1] === CR ? i - 1 : i;
    return i;
  }

  /** A quoted field of `column` from `p` into the cells: the index of the delimiter or line end after it, or -1. */
  private quotedField(b: Buffer, p: number, column: number, end: number, final: boolean): number {
    const close = this.closingQuote(b, p, end, final);
    if (close < 0) return -1;
    const i = this.fieldEnd(close + 1);
    if (i === end && !final) return -1;
    this.cells[column] = this.quoted(b, p, close, b[i] === LF && i > close + 1 && b[i - 1] === CR ? i - 1 : i, column);
    return i;
  }

  /**
   * From the start of field `column` at `from`, over the fields before `target`: the start of
   * field `target` (`reached` = target), or the line end when the record ends first; -1 when more
   * bytes are needed. Most skipped fields are empty or a few bytes long, so a word with no line
   * end and no quote adds its delimiters to the count at once. A quote opens a quoted field only
   * at the start of one; elsewhere it is text.
   */
  private skipFields(b: Buffer, from: number, column: number, target: number, end: number, final: boolean): number {
    const view = this.view;
    const delimiters = this.delimiters;
    let i = from;
    for (;;) {
      // Eight bytes at once while neither word has a line end or a quote and the target is further.
      const v = view.getInt32(i, true);
      const w = view.getInt32(i + 4, true);
      if ((anyZero(v ^ LFS) | anyZero(v ^ QUOTES) | anyZero(w ^ LFS) | anyZero(w ^ QUOTES)) === 0) {
        const n = countMarked(zeroBytes(v ^ delimiters)) + countMarked(zeroBytes(w ^ delimiters));
        if (column + n < target) {
          column += n;
          i += 8;
          continue;
        }
      }
      const stops = anyZero(v ^ LFS) | anyZero(v ^ QUOTES);
      // The delimiters before the first line end or quote in the word (all of them when there is none).
      let marks = zeroBytes(v ^ delimiters);
      if (stops !== 0) marks &= (stops & -stops) - 1;
      const n = countMarked(marks);
      if (column + n >= target) {
        // The delimiter before field `target` is in this word.
        for (let skip = target - column - 1; skip > 0; skip--) marks &= marks - 1;
        this.reached = target;
        return i + firstMarked(marks) + 1;
      }
      column += n;
      if (stops === 0) {
        i += 4;
        continue;
      }
      i += firstMarked(stops);
      if (b[i] === LF) {
        if (i === end && !final) return -1;
        this.reached = column;
        return i;
      }
      if (i !== from && b[i - 1] !== this.delimiter) {
        i++;
        continue;
      }
      const close = this.closingQuote(b, i, end, final);
      if (close < 0) return -1;
      i = close + 1;
    }
  }

  /** An unquoted field `b[from, to)` of a column whose values repeat. */
  private shared(values: ColumnValues, b: Buffer, from: number, to: number): string {
    const hash = ColumnValues.hash(this.view, from, to);
    const known = values.find(this.view, b, from, to, hash);
    if (known !== undefined) return known;
    const text = this.text(b, from, to);
    values.add(b, from, to, hash, text);
    return text;
  }

  /** A quoted field `b[from, to)` whose closing quote is at `close`; text after that quote is kept. */
  private quoted(b: Buffer, from: number, close: number, to: number, column: number): string {
    const values = to - from <= MAX_SHARED_BYTES ? this.values[column] : undefined;
    const hash = values && !values.off ? ColumnValues.hash(this.view, from, to) : -1;
    if (hash >= 0) {
      const known = values!.find(this.view, b, from, to, hash);
      if (known !== undefined) return known;
    }
    let text = this.text(b, from + 1, close);
    if (text.includes('""')) text = text.replaceAll('""', '"');
    if (to > close + 1) text += this.text(b, close + 1, to);
    if (hash >= 0) values!.add(b, from, to, hash, text);
    return text;
  }

  /** The closing quote of the quoted field opening at `open` (`""` is a quote), or -1 when more bytes are needed. */
  private closingQuote(b: Buffer, open: number, end: number, final: boolean): number {
    const view = this.view;
    let q = open + 1;
    for (;;) {
      const v = view.getInt32(q, true);
      const f = anyZero(v ^ QUOTES) | anyZero(v ^ LFS);
      if (f === 0) {
        q += 4;
        continue;
      }
      q += firstMarked(f);
      if (b[q] === LF) {
        if (q === end) {
          if (final) throw new Error(`a quoted field opened on line ${this.line} is never closed`);
          return -1;
        }
        this.breaks++;
        q++;
        continue;
      }
      if (q + 1 === end && !final) return -1;
      if (b[q + 1] !== QUOTE) return q;
      q += 2;
    }
  }

  private emit(): void {
    const cells = this.cells;
    const rowNumber = this.line;
    this.line += 1 + this.breaks;
    this.breaks = 0;
    if (cells.length <= 1 && (cells[0] === undefined || cells[0] === '') && this.select.columns === undefined) return;
    this.rows++;
    if (this.onRow(cells, rowNumber) === 'stop') this.stopped = true;
  }
}

/** Where the first line of `b[from, to)` that is not UTF-8 begins, or Infinity (one native check when all of it is). */
function firstNonUtf8Line(b: Buffer, from: number, to: number): number {
  if (to <= from || isUtf8(b.subarray(from, to))) return Number.POSITIVE_INFINITY;
  for (let line = from; line < to; ) {
    const next = Math.min(b.indexOf(LF, line) + 1 || to, to);
    if (!isUtf8(b.subarray(line, next))) return line;
    line = next;
  }
  return from;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const MAX_RECORD_BYTES = 64 * 1024 * 1024;
/** The delimiter is told from the first 64 KiB (or the whole text when shorter). */
const SAMPLE_BYTES = 1 << 16;

/**
 * Streams the records of delimited text to `onRow` (cells reused per record; unselected columns
 * left undefined); returns how many were read. `source` is the byte stream, already unwrapped
 * (gunzipped, out of its zip); each chunk is copied before the next is asked for, so a source
 * may reuse its buffer. It is closed when reading ends, early or not. UTF-8 is read as such;
 * from the first line that is not UTF-8, Windows-1252 (the Latin-1 spreadsheets export), with a
 * warning.
 */
export async function readCsvRows(
  source: AsyncIterable<Buffer>,
  label: string,
  onRow: RowHandler,
  options: { select?: RowSelection; onWarning?: (warning: string) => void } = {},
): Promise<number> {
  let window = Buffer.allocUnsafe(4 << 20);
  let filled = 0;
  let offset = 0;
  let scanner: CsvScanner | undefined;
  let start = 0;
  const begin = (): CsvScanner => {
    start = UTF8_BOM.every((byte, i) => filled > i && window[i] === byte) ? 3 : 0;
    const sample = window.toString('latin1', start, Math.min(filled, start + SAMPLE_BYTES));
    return new CsvScanner(detectDelimiter(sample).charCodeAt(0), onRow, options.select ?? {}, options.onWarning ?? (() => undefined));
  };
  try {
    for await (const chunk of source) {
      // Eight bytes more than the bytes: the scanner's sentinel and the rest of the two words it reads at once.
      if (filled + chunk.length + 8 > window.length) {
        if (filled > MAX_RECORD_BYTES) throw new InvalidReleaseError(label, `no line end in ${filled} bytes: not a delimited text file`);
        const larger = Buffer.allocUnsafe(Math.max(window.length * 2, filled + chunk.length + 8));
        window.copy(larger, 0, 0, filled);
        window = larger;
      }
      chunk.copy(window, filled);
      filled += chunk.length;
      if (!scanner) {
        if (filled < SAMPLE_BYTES + 3) continue;
        scanner = begin();
      }
      const used = scanner.scan(window, start, filled, false, offset);
      if (scanner.stopped) break;
      window.copyWithin(0, used, filled);
      offset += used;
      filled -= used;
      start = 0;
    }
    if (!scanner && filled > 0) scanner = begin();
    if (scanner && !scanner.stopped && filled > start) scanner.scan(window, start, filled, true, offset);
  } catch (error) {
    if (error instanceof InvalidReleaseError) throw error;
    throw new InvalidReleaseError(label, `unreadable CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
  return scanner?.rows ?? 0;
}
