/**
 * A streaming reader of the worksheets of an XLSX workbook, built for one job: a
 * 316,000-row DDP release read in a few times the cost of inflating it, in bounded memory.
 * A general workbook model (exceljs, SheetJS) costs 10–30× that; this reads the zip's central
 * directory with yauzl, inflates each part with node's zlib (which runs on the thread pool,
 * overlapping the tokenizer), decodes a shared string when a selected cell first refers to it,
 * and scans the sheet XML with indexOf instead of a general XML parser.
 */
import { createReadStream } from 'node:fs';
import { createInflateRaw } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { InvalidReleaseError } from '../../domain/release';
import { describeFileKind, sniffFileKind } from './file-kind';
import { excelSerialToIso } from './release-date';

/** A cell: text (shared, inline, formula string, error, boolean as TRUE/FALSE), number, or empty. */
export type XlsxCell = string | number | undefined;

/**
 * Called once per `<row>` in sheet order, empty rows included. `cells` is indexed by column
 * (A = 0) and REUSED for the next row: copy what you keep. Return 'stop' to end reading early,
 * 'next-sheet' to pass over the rest of this worksheet (with `sheet: 'all'`).
 */
export type XlsxRowHandler = (cells: XlsxCell[], rowNumber: number) => void | 'stop' | 'next-sheet';

export interface XlsxReadOptions {
  /** Name used in error messages (archive key, URL); default: the path. */
  label?: string;
  /** Refuse any part that declares or inflates to more than this (zip bombs). Default 1 GiB. */
  maxPartBytes?: number;
  /** Shared strings are held in memory, so they get their own, lower cap. Default 256 MiB. */
  maxSharedStringsBytes?: number;
  /** Refuse a part whose declared inflated/compressed ratio passes this. Default 1000 (deflate's ceiling is ~1032). */
  maxCompressionRatio?: number;
  /** Date-styled numeric cells as ISO text (`2023-10-01` / `2023-10-01T12:39:30`, default) or raw Excel serials. */
  dates?: 'iso' | 'serial';
  /**
   * Which worksheet: the first visible one (default), one by name, or every
   * visible one in workbook order (a release past Excel's 1,048,576 rows continues on the next
   * sheet; `onSheet` says where each begins).
   */
  sheet?: 'first' | 'all' | { name: string };
  /** With `sheet: 'all'`: called before the rows of each worksheet. */
  onSheet?: (sheet: { name: string; index: number }) => void;
  /**
   * Columns to decode; others are skipped unread and left undefined. The handler may fill
   * `columns` once it has seen the header: most of a wide sheet is then never decoded.
   */
  select?: { columns?: readonly boolean[] };
}

export interface XlsxSheetSummary {
  /** The worksheet read (with `sheet: 'all'`, the names joined by ", "). */
  sheetName: string;
  /** Worksheets read. */
  sheets: number;
  /** `<row>` elements seen (including empty ones), in all the worksheets read. */
  rows: number;
  /** The handler returned 'stop'. */
  stopped: boolean;
  date1904: boolean;
}

const GIB = 1024 ** 3;
const SMALL_PART_CAP = 64 * 1024 * 1024;
const MAX_COLUMNS = 16384;

interface ZipContext {
  file: string;
  label: string;
  zip: ZipFile;
  entries: Map<string, Entry>;
  maxRatio: number;
}

function corrupt(label: string, detail: string): InvalidReleaseError {
  return new InvalidReleaseError(label, `truncated or corrupt XLSX: ${detail}`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function openZip(file: string, label: string): Promise<ZipFile> {
  try {
    return await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, strictFileNames: false, decodeStrings: true });
  } catch (error) {
    const message = messageOf(error);
    if (/end of central directory/i.test(message))
      throw corrupt(label, 'the zip directory at the end of the file is missing (the file ends early)');
    throw corrupt(label, message);
  }
}

async function listEntries(zip: ZipFile, label: string): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  try {
    for await (const entry of zip.eachEntry()) entries.set(entry.fileName.replace(/^\/+/, ''), entry);
  } catch (error) {
    throw corrupt(label, messageOf(error));
  }
  return entries;
}

/** Inflated chunks of one zip part, refusing zip bombs before and while inflating. */
async function* partChunks(ctx: ZipContext, name: string, cap: number): AsyncGenerator<Buffer> {
  const entry = ctx.entries.get(name);
  if (!entry) throw corrupt(ctx.label, `part ${name} is missing`);
  const declared = entry.uncompressedSize;
  if (declared > cap) {
    throw new InvalidReleaseError(ctx.label, `refused as a zip bomb: ${name} declares ${declared} bytes inflated, over the cap of ${cap}`);
  }
  if (entry.compressedSize > 0 && declared / entry.compressedSize > ctx.maxRatio) {
    throw new InvalidReleaseError(
      ctx.label,
      `refused as a zip bomb: ${name} compresses ${Math.round(declared / entry.compressedSize)}:1, over the limit of ${ctx.maxRatio}:1`,
    );
  }
  if (entry.isEncrypted()) throw new InvalidReleaseError(ctx.label, `${name} is encrypted; password-protected workbooks cannot be read`);
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw corrupt(ctx.label, `${name} uses unsupported zip compression method ${entry.compressionMethod}`);
  }
  if (entry.compressedSize === 0) {
    if (declared !== 0) throw corrupt(ctx.label, `${name} has no data but declares ${declared} bytes`);
    return;
  }
  let fileDataStart: number;
  try {
    ({ fileDataStart } = await ctx.zip.readLocalFileHeaderPromise(entry, { minimal: true }));
  } catch (error) {
    throw corrupt(ctx.label, `${name}: ${messageOf(error)}`);
  }
  const raw = createReadStream(ctx.file, { start: fileDataStart, end: fileDataStart + entry.compressedSize - 1, highWaterMark: 1 << 16 });
  const source = entry.compressionMethod === 8 ? raw.pipe(createInflateRaw({ chunkSize: 1 << 16 })) : raw;
  if (source !== raw) raw.on('error', (error) => source.destroy(error));
  let total = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      total += chunk.length;
      // The declared size may lie; the actual bytes are counted too, and nothing is buffered past the cap.
      if (total > cap) throw new InvalidReleaseError(ctx.label, `refused as a zip bomb: ${name} inflates past the cap of ${cap} bytes`);
      if (total > declared) throw corrupt(ctx.label, `${name} inflates to more than its declared ${declared} bytes`);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof InvalidReleaseError) throw error;
    throw corrupt(ctx.label, `${name}: ${messageOf(error)}`);
  } finally {
    raw.destroy();
    source.destroy();
  }
  if (total !== declared) throw corrupt(ctx.label, `${name} inflates to ${total} bytes, not the declared ${declared}`);
}

async function readPartText(ctx: ZipContext, name: string, cap = SMALL_PART_CAP): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of partChunks(ctx, name, cap)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag);
  return match ? (match[1] ?? match[2]) : undefined;
}

function resolveTarget(target: string): string {
  const parts = (target.startsWith('/') ? target.slice(1) : `xl/${target}`).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}

interface WorkbookLayout {
  sheets: Array<{ name: string; path: string }>;
  sharedStringsPath?: string;
  stylesPath?: string;
  date1904: boolean;
}

async function readWorkbookLayout(ctx: ZipContext, choice: XlsxReadOptions['sheet'] = 'first'): Promise<WorkbookLayout> {
  if (!ctx.entries.has('xl/workbook.xml')) {
    throw new InvalidReleaseError(ctx.label, 'is a zip archive but not an XLSX workbook (no xl/workbook.xml)');
  }
  const workbook = await readPartText(ctx, 'xl/workbook.xml');
  const relsXml = ctx.entries.has('xl/_rels/workbook.xml.rels') ? await readPartText(ctx, 'xl/_rels/workbook.xml.rels') : '';
  const rels = new Map<string, { target: string; type: string }>();
  for (const [tag] of relsXml.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = attribute(tag, 'Id');
    const target = attribute(tag, 'Target');
    if (id && target) rels.set(id, { target: resolveTarget(target), type: attribute(tag, 'Type') ?? '' });
  }
  const workbookPr = /<workbookPr\b[^>]*>/.exec(workbook)?.[0] ?? '';
  const date1904 = /^(1|true)$/i.test(attribute(workbookPr, 'date1904') ?? '');
  const sheets = [...workbook.matchAll(/<sheet\b[^>]*>/g)].map(([tag]) => ({
    name: attribute(tag, 'name') ?? '',
    relId: /\s[\w.-]+:id\s*=\s*"([^"]*)"/.exec(tag)?.[1],
    hidden: /hidden/i.test(attribute(tag, 'state') ?? ''),
  }));
  const pathOf = (s: (typeof sheets)[number]) => (s.relId && rels.get(s.relId)?.target) || 'xl/worksheets/sheet1.xml';
  const visible = sheets.filter((s) => !s.hidden);
  let chosen: Array<(typeof sheets)[number]>;
  if (choice === 'all') chosen = visible.length > 0 ? visible : sheets;
  else if (choice === 'first') chosen = [visible[0] ?? sheets[0]];
  else {
    const named = sheets.find((s) => s.name === choice.name);
    if (!named) throw new InvalidReleaseError(ctx.label, `the workbook has no worksheet named "${choice.name}"`);
    chosen = [named];
  }
  chosen = chosen.filter((s) => s !== undefined);
  if (chosen.length === 0) throw new InvalidReleaseError(ctx.label, 'the workbook has no worksheet');
  for (const sheet of chosen) if (!ctx.entries.has(pathOf(sheet))) throw corrupt(ctx.label, `worksheet part ${pathOf(sheet)} is missing`);
  const byType = (suffix: string, fallback: string) => {
    const found = [...rels.values()].find((r) => r.type.endsWith(suffix))?.target;
    const path = found ?? fallback;
    return ctx.entries.has(path) ? path : undefined;
  };
  return {
    sheets: chosen.map((sheet) => ({ name: sheet.name, path: pathOf(sheet) })),
    sharedStringsPath: byType('/sharedStrings', 'xl/sharedStrings.xml'),
    stylesPath: byType('/styles', 'xl/styles.xml'),
    date1904,
  };
}

/** Built-in number formats that are dates or times (ECMA-376 §18.8.30). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57]);

function isDateFormatCode(code: string): boolean {
  const stripped = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/_.|\*./g, '');
  return /[dmyhs]/i.test(stripped) && !/^general$/i.test(stripped.trim());
}

/** For each cell style index (`s="…"`), whether it formats the number as a date. */
function dateStylesOf(stylesXml: string): boolean[] {
  const custom = new Map<number, string>();
  for (const [tag] of stylesXml.matchAll(/<numFmt\b[^>]*>/g)) {
    const id = Number(attribute(tag, 'numFmtId'));
    const code = attribute(tag, 'formatCode');
    if (Number.isInteger(id) && code !== undefined) custom.set(id, decodeXmlText(code));
  }
  const cellXfs = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(stylesXml)?.[1] ?? '';
  return [...cellXfs.matchAll(/<xf\b[^>]*>/g)].map(([tag]) => {
    const id = Number(attribute(tag, 'numFmtId') ?? 0);
    const code = custom.get(id);
    return code !== undefined ? isDateFormatCode(code) : BUILTIN_DATE_FORMATS.has(id);
  });
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML entities, then OOXML's `_xHHHH_` escapes (how Excel stores CR and other control characters). */
function decodeXmlText(raw: string): string {
  let text = raw;
  if (text.includes('&')) {
    text = text.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (whole, name: string) => {
      if (name.charCodeAt(0) !== 35) return ENTITIES[name] ?? whole;
      const code = name.charCodeAt(1) === 120 ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    });
  }
  if (text.includes('_x')) text = text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return text;
}

/** Text of a string item (`<si>` or `<is>` body): plain `<t>` or rich-text runs, phonetic hints left out. */
function richText(s: string, from: number, to: number): string {
  if (s.startsWith('<t>', from) && s.indexOf('</t>', from) === to - 4) return decodeXmlText(s.slice(from + 3, to - 4));
  let body = s.slice(from, to);
  if (body.includes('<rPh')) body = body.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '');
  let text = '';
  for (const match of body.matchAll(/<t(?:\s[^>]*)?(?:\/>|>([\s\S]*?)<\/t>)/g)) text += match[1] ?? '';
  return decodeXmlText(text);
}

function isTagNameEnd(code: number): boolean {
  return code === 32 || code === 62 || code === 47 || code === 9 || code === 10 || code === 13;
}

/**
 * The workbook's shared strings, decoded when a selected cell first refers to one. A release's
 * table holds hundreds of thousands of them (identifiers, dates as text, every column's values);
 * the layout reads the few thousand of its columns. Decoding them all up front kept every one
 * in memory for the whole read: on the 316,000-row bench release that was 370,000 strings, most
 * of them slices pinning the decoded text of the whole part, and their mass survival grew the
 * young generation to its maximum. Here the part stays as its bytes, with where each item is.
 */
class SharedStrings {
  private readonly texts: Array<string | undefined>;
  /** Items decoded so far (not found among those kept). */
  decoded = 0;

  constructor(
    private readonly bytes: Buffer,
    /** Each item's body, `[starts[i], ends[i])`; -1 for an empty item (`<si/>`). */
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
    readonly count: number,
  ) {
    this.texts = new Array(count);
  }

  /** The text of item `index`, or undefined when there is no such item; kept for the next reference when `keep`. */
  get(index: number, keep: boolean): string | undefined {
    if (index >= this.count) return undefined;
    let text = this.texts[index];
    if (text === undefined) {
      this.decoded++;
      text = this.decode(index);
      if (keep) this.texts[index] = text;
    }
    return text;
  }

  private decode(index: number): string {
    const b = this.bytes;
    const start = this.starts[index];
    const end = this.ends[index];
    if (start < 0) return '';
    // `<t>…</t>` alone: the text between, decoded from the bytes; anything else (runs, attributes) as rich text.
    if (end - start >= 7 && b[start] === 60 && b[start + 1] === 116 && b[start + 2] === 62 && b.indexOf(T_CLOSE, start + 3) === end - 4)
      return decodeXmlText(b.toString('utf8', start + 3, end - 4));
    const text = b.toString('utf8', start, end);
    return richText(text, 0, text.length);
  }
}

const T_CLOSE = Buffer.from('</t>', 'latin1');
const SI_CLOSE = Buffer.from('</si>', 'latin1');

/** Where each `<si>` item's body is in the shared strings part. */
function indexStringItems(b: Buffer): SharedStrings {
  let starts = new Int32Array(1024);
  let ends = new Int32Array(1024);
  let count = 0;
  const add = (start: number, end: number) => {
    if (count === starts.length) {
      const larger = (a: Int32Array) => {
        const copy = new Int32Array(a.length * 2);
        copy.set(a);
        return copy;
      };
      starts = larger(starts);
      ends = larger(ends);
    }
    starts[count] = start;
    ends[count++] = end;
  };
  for (let p = 0; ; ) {
    const i = b.indexOf(SI_TAG, p);
    if (i === -1) break;
    if (!isTagNameEnd(b[i + 3])) {
      p = i + 3;
      continue;
    }
    const te = b.indexOf(62, i);
    if (te === -1) break;
    if (b[te - 1] === 47) {
      add(-1, -1);
      p = te + 1;
      continue;
    }
    const close = b.indexOf(SI_CLOSE, te);
    if (close === -1) {
      // An unclosed last item in a corrupt file: take what is there rather than loop.
      add(te + 1, b.length);
      break;
    }
    add(te + 1, close);
    p = close + 5;
  }
  return new SharedStrings(b, starts, ends, count);
}

/** The shared strings part, read whole as bytes (its inflated size is declared and capped), then indexed. */
async function readSharedStrings(ctx: ZipContext, path: string, cap: number): Promise<SharedStrings> {
  const declared = ctx.entries.get(path)?.uncompressedSize ?? 0;
  const bytes = Buffer.allocUnsafe(Math.min(declared, cap));
  let filled = 0;
  // partChunks refuses more bytes than declared or than the cap, and fewer than declared at the end.
  for await (const chunk of partChunks(ctx, path, cap)) filled += chunk.copy(bytes, filled);
  return indexStringItems(bytes.subarray(0, filled));
}

const SI_TAG = Buffer.from('<si', 'latin1');

const T_NUMBER = 0;
const T_SHARED = 1;
const T_INLINE = 2;
const T_TEXT = 3;
const T_BOOLEAN = 4;

interface SheetState {
  label: string;
  strings: SharedStrings;
  dateStyles: boolean[];
  isoDates: boolean;
  date1904: boolean;
  cells: XlsxCell[];
  lastRow: number;
  rows: number;
  stopped: boolean;
  onRow: XlsxRowHandler;
  select: { columns?: readonly boolean[] };
  /** `select.columns` as last seen, and its selected columns in order. */
  selected?: readonly boolean[];
  selectedList: number[];
  /** Per column: shared-string references, items decoded for it, whether it keeps them. */
  sharedUsage: Array<{ references: number; decoded: number; keep: boolean } | undefined>;
}

function cellType(b: Buffer, from: number, to: number): number {
  const first = b[from];
  const length = to - from;
  if (first === 115) return length === 1 ? T_SHARED : T_TEXT; // s | str
  if (first === 105) return T_INLINE; // inlineStr
  if (first === 98) return T_BOOLEAN; // b
  if (first === 110) return T_NUMBER; // n
  return T_TEXT; // e (error text such as #N/A), d (ISO date text)
}

/** The attributes of the `<c …>` tag just read; one scratch object, so no allocation per cell. */
const cellTag = { type: T_NUMBER, style: 0, col: -1, selfClosing: false };

/**
 * Reads a `<c …>` tag's attributes r (reference), t (type), s (style) from just after `<c`;
 * fills `cellTag` and returns the index after the tag.
 */
function readCellTag(b: Buffer, from: number, limit: number): number {
  let p = from;
  cellTag.type = T_NUMBER;
  cellTag.style = 0;
  cellTag.col = -1;
  cellTag.selfClosing = false;
  while (p < limit) {
    const code = b[p];
    if (code === 62) {
      cellTag.selfClosing = b[p - 1] === 47;
      return p + 1;
    }
    if (code === 32 || code === 47 || code === 9 || code === 10 || code === 13) {
      p++;
      continue;
    }
    const nameStart = p;
    while (p < limit && b[p] !== 61) p++;
    const nameLength = p - nameStart;
    p++;
    while (b[p] === 32) p++;
    const quote = b[p];
    const valueStart = ++p;
    while (p < limit && b[p] !== quote) p++;
    const valueEnd = p++;
    if (nameLength !== 1) continue;
    const name = b[nameStart];
    if (name === 114) {
      let letters = 0;
      for (let k = valueStart; k < valueEnd; k++) {
        const c = b[k];
        if (c >= 65 && c <= 90) letters = letters * 26 + (c - 64);
        else if (c >= 97 && c <= 122) letters = letters * 26 + (c - 96);
        else break;
      }
      cellTag.col = letters - 1;
    } else if (name === 116) {
      cellTag.type = cellType(b, valueStart, valueEnd);
    } else if (name === 115) {
      let n = 0;
      for (let k = valueStart; k < valueEnd; k++) n = n * 10 + (b[k] - 48);
      cellTag.style = n;
    }
  }
  return p;
}

/**
 * Reads a cell's body up to `</c>`: its `<v>`, a `<f>…</f>` (whose cached value is the `<v>`),
 * or `<is>`; an unwanted cell is passed over undecoded. Returns the index after `</c>`, or `limit`.
 */
function readCellBody(b: Buffer, from: number, limit: number, col: number, wanted: boolean, st: SheetState): number {
  let p = from;
  for (;;) {
    while (p < limit && b[p] !== 60) p++;
    if (p >= limit) return limit;
    const tag = b[p + 1];
    if (tag === 47 && b[p + 2] === 99 && b[p + 3] === 62) return p + 4;
    if (!wanted) {
      p++;
      continue;
    }
    if (tag === 118 && isTagNameEnd(b[p + 2])) {
      while (p < limit && b[p] !== 62) p++;
      if (b[p - 1] === 47) {
        p++;
        continue;
      }
      const vStart = ++p;
      while (p < limit && b[p] !== 60) p++;
      setValue(b, vStart, p, col, cellTag.type, cellTag.style, st);
      continue;
    }
    if (tag === 102 && isTagNameEnd(b[p + 2])) {
      // Formula text holds no raw '<': the next tag closes it (or the tag closes itself).
      while (p < limit && b[p] !== 62) p++;
      if (b[p - 1] !== 47) {
        p++;
        while (p < limit && b[p] !== 60) p++;
        while (p < limit && b[p] !== 62) p++;
      }
      p++;
      continue;
    }
    if (tag === 105 && b[p + 2] === 115 && isTagNameEnd(b[p + 3])) {
      while (p < limit && b[p] !== 62) p++;
      if (b[p - 1] === 47) {
        st.cells[col] = '';
        p++;
        continue;
      }
      const isStart = ++p;
      // `</is>`
      while (p < limit && !(b[p] === 60 && b[p + 1] === 47 && b[p + 2] === 105 && b[p + 3] === 115)) p++;
      const text = b.toString('utf8', isStart, p);
      st.cells[col] = richText(text, 0, text.length);
      p += 5;
      continue;
    }
    p++;
  }
}

/**
 * Reads the cells of one row, starting after the `<row …>` tag, in a single forward pass over
 * the inflated bytes: no text is decoded except the values kept, which keeps both the time and
 * the garbage per row low. Returns the index just past `</row>`, or `limit` when cut short.
 */
function parseCells(b: Buffer, from: number, limit: number, st: SheetState): number {
  const selected = st.select.columns;
  let p = from;
  let col = -1;
  for (;;) {
    while (p < limit && b[p] !== 60) p++;
    if (p >= limit) return limit;
    const next = b[p + 1];
    if (next === 47) {
      // `</row>` ends the row; `</c>`, `</v>`, `</f>` are passed over.
      if (b[p + 2] === 114 && b[p + 3] === 111 && b[p + 4] === 119) return p + 6;
      p += 2;
      continue;
    }
    if (next !== 99 || !isTagNameEnd(b[p + 2])) {
      p += 1;
      continue;
    }
    p = readCellTag(b, p + 2, limit);
    col = cellTag.col >= 0 ? cellTag.col : col + 1;
    if (col >= MAX_COLUMNS) throw corrupt(st.label, `row ${st.lastRow} has a cell beyond the last Excel column`);
    if (cellTag.selfClosing) continue;
    p = readCellBody(b, p, limit, col, selected === undefined || selected[col] === true, st);
    if (p >= limit) return limit;
  }
}

/** A column keeps the shared strings it decodes while at most a quarter of its references are new (identifiers are not). */
const KEEPING_TRIAL = 4096;

/** Shared string `index` for a cell of `col`: kept once decoded unless the column's values rarely repeat. */
function sharedString(st: SheetState, index: number, col: number): string | undefined {
  const usage = (st.sharedUsage[col] ??= { references: 0, decoded: 0, keep: true });
  usage.references++;
  const before = st.strings.decoded;
  const text = st.strings.get(index, usage.keep);
  if (st.strings.decoded !== before && ++usage.decoded > KEEPING_TRIAL && usage.decoded * 4 > usage.references) usage.keep = false;
  return text;
}

function setValue(b: Buffer, from: number, to: number, col: number, type: number, style: number, st: SheetState): void {
  if (type === T_SHARED) {
    let index = 0;
    for (let k = from; k < to; k++) index = index * 10 + (b[k] - 48);
    const text = sharedString(st, index, col);
    if (text === undefined) throw corrupt(st.label, `row ${st.lastRow} refers to shared string ${index}, which does not exist`);
    st.cells[col] = text;
  } else if (type === T_NUMBER) {
    let n = 0;
    let k = from;
    while (k < to && b[k] >= 48 && b[k] <= 57) n = n * 10 + (b[k++] - 48);
    if (k < to || to === from) {
      const raw = b.toString('latin1', from, to);
      n = Number(raw);
      if (raw.length === 0 || Number.isNaN(n)) {
        st.cells[col] = raw;
        return;
      }
    }
    st.cells[col] = st.isoDates && st.dateStyles[style] ? excelSerialToIso(n, st.date1904) : n;
  } else if (type === T_BOOLEAN) {
    st.cells[col] = b[from] === 49 ? 'TRUE' : 'FALSE';
  } else {
    // Error text, formula strings, ISO dates, and text some writers put in `<v>` of inline cells.
    st.cells[col] = decodeXmlText(b.toString('utf8', from, to));
  }
}

/**
 * Empties the cells for the next row. With a selection only the selected columns can hold a value,
 * so only they are cleared and the array keeps its length: emptying it (`length = 0`) freed its
 * storage and every row grew it again, up to the last selected column (about 1 KB per row, 300 MB
 * of allocation over the 316,000-row release).
 */
function clearCells(st: SheetState): void {
  const selected = st.select.columns;
  const cells = st.cells;
  if (selected === undefined) {
    cells.length = 0;
    return;
  }
  if (selected !== st.selected) {
    st.selected = selected;
    st.selectedList = [];
    for (let i = 0; i < selected.length; i++) if (selected[i] === true) st.selectedList.push(i);
    cells.length = 0;
    for (let i = 0; i < selected.length; i++) cells[i] = undefined;
  }
  const list = st.selectedList;
  for (let k = 0; k < list.length; k++) cells[list[k]] = undefined;
}

/** Parses every `<row>` starting before `limit`; false once the handler asked to stop. */
function parseRows(b: Buffer, limit: number, st: SheetState): boolean {
  let p = 0;
  for (;;) {
    for (;;) {
      while (p < limit && b[p] !== 60) p++;
      if (p >= limit) return true;
      if (b[p + 1] === 114 && b[p + 2] === 111 && b[p + 3] === 119 && isTagNameEnd(b[p + 4])) break;
      p++;
    }
    p += 4;
    let rowNumber = st.lastRow + 1;
    let selfClosing = false;
    while (p < b.length) {
      const c = b[p];
      if (c === 62) {
        selfClosing = b[p - 1] === 47;
        p++;
        break;
      }
      if (c === 34 || c === 39) {
        p++;
        while (p < b.length && b[p] !== c) p++;
        p++;
        continue;
      }
      if (c === 114 && b[p + 1] === 61 && (b[p + 2] === 34 || b[p + 2] === 39) && isTagNameEnd(b[p - 1])) {
        let k = p + 3;
        let n = 0;
        while (b[k] >= 48 && b[k] <= 57) n = n * 10 + (b[k++] - 48);
        if (n > 0) rowNumber = n;
        p = k + 1;
        continue;
      }
      p++;
    }
    st.lastRow = rowNumber;
    st.rows++;
    clearCells(st);
    if (!selfClosing) p = parseCells(b, p, b.length, st);
    const verdict = st.onRow(st.cells, rowNumber);
    if (verdict === 'stop') {
      st.stopped = true;
      return false;
    }
    if (verdict === 'next-sheet') return false;
  }
}

/**
 * Streams the sheet's rows through one reused window: each inflated chunk is appended, the rows
 * starting before the last `<row` are parsed (an ASCII tag cannot split a UTF-8 sequence), and
 * the unfinished rest moves to the front. No buffer is allocated per chunk.
 */
async function scanRows(chunks: AsyncIterable<Buffer>, st: SheetState): Promise<void> {
  let window = Buffer.allocUnsafe(1 << 20);
  let filled = 0;
  for await (const chunk of chunks) {
    if (filled + chunk.length > window.length) {
      if (filled > MAX_ROW_BYTES) throw corrupt(st.label, `no row boundary in ${filled} bytes after row ${st.lastRow}`);
      const larger = Buffer.allocUnsafe(Math.max(window.length * 2, filled + chunk.length));
      window.copy(larger, 0, 0, filled);
      window = larger;
    }
    chunk.copy(window, filled);
    filled += chunk.length;
    const view = window.subarray(0, filled);
    const cut = view.lastIndexOf(ROW_TAG);
    if (cut <= 0) continue;
    if (!parseRows(view, cut, st)) return;
    window.copyWithin(0, cut, filled);
    filled -= cut;
  }
  if (filled > 0) parseRows(window.subarray(0, filled), filled, st);
}

const MAX_ROW_BYTES = 64 * 1024 * 1024;
const ROW_TAG = Buffer.from('<row', 'latin1');

/**
 * Streams the rows of the workbook's first visible worksheet to `onRow`.
 * Throws InvalidReleaseError for anything that is not a readable XLSX: another kind of file,
 * a truncated or corrupt zip, a zip bomb, missing parts.
 */
export async function readXlsxRows(file: string, onRow: XlsxRowHandler, options: XlsxReadOptions = {}): Promise<XlsxSheetSummary> {
  const label = options.label ?? file;
  const kind = await sniffFileKind(file);
  if (kind !== 'zip') throw new InvalidReleaseError(label, `is ${describeFileKind(kind)}, not an XLSX workbook`);
  return readXlsxZipRows(file, onRow, options);
}

/** `readXlsxRows` for a file already known to be a zip (sniffed once by the caller). */
export async function readXlsxZipRows(file: string, onRow: XlsxRowHandler, options: XlsxReadOptions = {}): Promise<XlsxSheetSummary> {
  const label = options.label ?? file;
  const maxPartBytes = options.maxPartBytes ?? GIB;
  const zip = await openZip(file, label);
  try {
    const ctx: ZipContext = { file, label, zip, entries: await listEntries(zip, label), maxRatio: options.maxCompressionRatio ?? 1000 };
    const layout = await readWorkbookLayout(ctx, options.sheet);
    const strings = layout.sharedStringsPath
      ? await readSharedStrings(ctx, layout.sharedStringsPath, Math.min(maxPartBytes, options.maxSharedStringsBytes ?? 256 * 1024 * 1024))
      : new SharedStrings(Buffer.alloc(0), new Int32Array(0), new Int32Array(0), 0);
    const dateStyles = layout.stylesPath ? dateStylesOf(await readPartText(ctx, layout.stylesPath)) : [];
    const st: SheetState = {
      label,
      strings,
      dateStyles,
      isoDates: (options.dates ?? 'iso') === 'iso',
      date1904: layout.date1904,
      cells: [],
      lastRow: 0,
      rows: 0,
      stopped: false,
      onRow,
      select: options.select ?? {},
      selectedList: [],
      sharedUsage: [],
    };
    for (const [index, sheet] of layout.sheets.entries()) {
      options.onSheet?.({ name: sheet.name, index });
      st.lastRow = 0;
      await scanRows(partChunks(ctx, sheet.path, maxPartBytes), st);
      if (st.stopped) break;
    }
    return {
      sheetName: layout.sheets.map((s) => s.name).join(', '),
      sheets: layout.sheets.length,
      rows: st.rows,
      stopped: st.stopped,
      date1904: layout.date1904,
    };
  } finally {
    zip.close();
  }
}
