/**
 * ICE's Declined Detainer Outcome Report (2017 PDF). Only section II, "Jurisdictions with
 * Recorded Declined Detainers", holds declined detainers (one row each); section I ranks
 * jurisdictions by detainers *issued* and must never be read as declined counts. Rows are
 * rebuilt from text positions (pdfjs), the table continues across pages under a repeated
 * header, and each detainer counts on its declined date. Coverage is the week in the title.
 *
 * Headings come as ICE printed them ("Section II: Jurisdictions with Recorded Declined
 * Detainers Broken Down by …", wrapping onto a second line) or in the shorter "II. …" form;
 * page 1's table of contents lists every section in a row and only switches sections. Column
 * headers may be centred over left-aligned cells and may wrap onto two or three lines.
 */
import { readFile } from 'node:fs/promises';
import type { DateRange } from '../../domain/quarter';
import { InvalidReleaseError, type Observation, type Parser, type ParseSummary } from '../../domain/release';
import { assertPlausibleDate, dateRangeIn, parseReleaseDate, plausibleDateRange } from './release-date';

type DdorField = 'state' | 'county' | 'facility' | 'citizenship' | 'issued' | 'declined' | 'notable';

/** A text item, or several merged into a phrase: left and right edge in page units, font size. */
interface Word {
  x: number;
  right: number;
  size: number;
  text: string;
}

interface Line {
  y: number;
  size: number;
  words: Word[];
  text: string;
}

/** A table column: the header's text and the span of x positions whose cells belong to it. */
interface Column {
  field?: DdorField;
  name: string;
  from: number;
  to: number;
}

const HEADER_KEYS: Array<[DdorField, RegExp]> = [
  ['issued', /issued/i],
  ['declined', /declined/i],
  ['notable', /notable|criminal/i],
  ['citizenship', /citizenship|country/i],
  ['facility', /facility/i],
  ['county', /county|jurisdiction/i],
  ['state', /^state$/i],
];

/** Cells a wrapped line may continue; state and dates never wrap. */
const WRAPPING: ReadonlySet<DdorField> = new Set(['county', 'facility', 'citizenship', 'notable']);

/**
 * The report week as the title states it: "February 4, 2017 - February 10, 2017",
 * "Jan. 28 – Feb. 3, 2017", "Jan. 28 Feb. 3, 2017" (dash lost in extraction), "Feb 11 - Feb 17, 2017",
 * "1/28/2017 - 2/3/2017".
 */
export function reportWeekIn(text: string): DateRange | undefined {
  return dateRangeIn(text);
}

/**
 * "Section II: …", "Section II. …", "SECTION II – …", "II. …", "II: …", with or without a leading
 * bullet (a table of contents entry). A line starting "Section I lists …" is prose, not a heading.
 */
const BULLET = String.raw`(?:[•·▪●◦\uF0A7\uF0B7*-]\s*)?`;
const WORDED_SECTION = new RegExp(`^${BULLET}section\\s+(I|II|III|IV|V|VI)\\s*[.:\\-–—]\\s*(.*)$`, 'i');
const BARE_SECTION = new RegExp(`^${BULLET}(I|II|III|IV|V|VI)\\s*[.:]\\s+(\\S.*)$`);
const DECLINED_DETAINERS = /declined\s+detainers/i;

function sectionHeading(text: string): { section: string; title: string } | undefined {
  const match = WORDED_SECTION.exec(text) ?? BARE_SECTION.exec(text);
  // Case-insensitive "Section", but the numeral as printed: "ii." is no heading.
  if (!match || !/^[IV]+$/.test(match[1])) return undefined;
  return { section: match[1], title: match[2].trim() };
}

/** Joins words left to right, with a space only where the gap between them shows one. */
function joined(words: Word[]): string {
  let text = '';
  for (const [i, word] of words.entries()) {
    if (i > 0 && word.x - words[i - 1].right > 0.15 * Math.max(word.size, words[i - 1].size)) text += ' ';
    text += word.text;
  }
  return text;
}

type TextItemLike = { str: string; transform: number[]; width?: number; height?: number };

/** Groups a page's text items into lines (top to bottom), words left to right. */
function linesOf(items: TextItemLike[]): Line[] {
  const words = items
    .filter((item) => item.str.trim() !== '')
    .map((item) => {
      const text = item.str.trim();
      const size = Math.hypot(item.transform[2], item.transform[3]) || item.height || 10;
      const x = item.transform[4];
      // Widths are in page units; without one, guess half an em a character.
      const width = item.width !== undefined && item.width > 0 ? item.width : text.length * size * 0.5;
      return { x, right: x + width, y: item.transform[5], size, text };
    })
    .sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Line[] = [];
  for (const { y, ...word } of words) {
    const line = lines[lines.length - 1];
    if (line && Math.abs(line.y - y) <= 2) line.words.push(word);
    else lines.push({ y, size: 0, words: [word], text: '' });
  }
  for (const line of lines) {
    line.words.sort((a, b) => a.x - b.x);
    line.size = Math.max(...line.words.map((w) => w.size));
    line.text = joined(line.words);
  }
  return lines;
}

/** Merges words separated by less than half the font size: one header label or one cell each. */
function phrasesOf(words: Word[]): Word[] {
  const phrases: Word[][] = [];
  for (const word of words) {
    const current = phrases[phrases.length - 1];
    const last = current?.[current.length - 1];
    if (last && word.x - last.right < 0.5 * Math.max(word.size, last.size)) current.push(word);
    else phrases.push([word]);
  }
  return phrases.map((parts) => ({
    x: parts[0].x,
    right: Math.max(...parts.map((p) => p.right)),
    size: Math.max(...parts.map((p) => p.size)),
    text: joined(parts),
  }));
}

function fieldOf(text: string): DdorField | undefined {
  return HEADER_KEYS.find(([, pattern]) => pattern.test(text))?.[0];
}

/**
 * The table header spread over `band` (one line, or a label wrapped onto more): labels that
 * overlap across lines are one column. Each column reaches halfway across the gap to its
 * neighbours' labels, so left-aligned cells under centred labels still fall in their column.
 */
function tableHeader(band: Line[]): Column[] | undefined {
  const labels = band.flatMap((line, row) => phrasesOf(line.words).map((phrase) => ({ ...phrase, row }))).sort((a, b) => a.x - b.x);
  const clusters: Array<{ x: number; right: number; parts: typeof labels }> = [];
  for (const label of labels) {
    const last = clusters[clusters.length - 1];
    if (last && label.x < last.right) {
      last.parts.push(label);
      last.right = Math.max(last.right, label.right);
    } else clusters.push({ x: label.x, right: label.right, parts: [label] });
  }
  const seen = new Set<DdorField>();
  const columns = clusters.map((cluster, i): Column => {
    const name = cluster.parts
      .sort((a, b) => a.row - b.row || a.x - b.x)
      .map((p) => p.text)
      .join(' ');
    let field = fieldOf(name);
    if (field && seen.has(field)) field = undefined;
    if (field) seen.add(field);
    const from = i === 0 ? -Infinity : (clusters[i - 1].right + cluster.x) / 2;
    const to = i === clusters.length - 1 ? Infinity : (cluster.right + clusters[i + 1].x) / 2;
    return { ...(field ? { field } : {}), name, from, to };
  });
  return seen.has('state') && seen.has('county') && seen.has('declined') ? columns : undefined;
}

function hasDate(line: Line): boolean {
  return line.words.some((w) => parseReleaseDate(w.text) !== undefined);
}

/**
 * A table header starting at `lines[index]`: the line alone, or with up to two close lines
 * below it that hold no dates (a wrapped label, or one-line labels centred between two lines).
 */
function headerAt(lines: Line[], index: number): { columns: Column[]; used: number } | undefined {
  const first = lines[index];
  if (phrasesOf(first.words).filter((p) => fieldOf(p.text)).length < 2) return undefined;
  const band = [first];
  for (let j = index + 1; j < lines.length && band.length < 3; j++) {
    const above = band[band.length - 1];
    const line = lines[j];
    if (above.y - line.y > 1.6 * Math.max(above.size, line.size)) break;
    if (sectionHeading(line.text) || hasDate(line)) break;
    band.push(line);
  }
  for (let used = band.length; used >= 1; used--) {
    const columns = tableHeader(band.slice(0, used));
    if (columns) return { columns, used };
  }
  return undefined;
}

/**
 * A line's cells: each phrase goes to the column its centre falls in. Where two land in one
 * column beside an empty one (a short left-aligned cell under a wide centred header), the
 * outer one moves over: a table row has one cell a column.
 */
function cellsOf(line: Line, columns: Column[]): Partial<Record<DdorField, string>> {
  const byColumn: Word[][] = columns.map(() => []);
  for (const phrase of phrasesOf(line.words)) {
    const centre = (phrase.x + phrase.right) / 2;
    const index = columns.findIndex((c) => centre >= c.from && centre < c.to);
    if (index >= 0) byColumn[index].push(phrase);
  }
  for (let i = 0; i < byColumn.length; i++) {
    if (byColumn[i].length < 2) continue;
    if (i + 1 < byColumn.length && byColumn[i + 1].length === 0) byColumn[i + 1].push(byColumn[i].pop()!);
    else if (i > 0 && byColumn[i - 1].length === 0) byColumn[i - 1].push(byColumn[i].shift()!);
  }
  const cells: Partial<Record<DdorField, string>> = {};
  columns.forEach((column, i) => {
    if (column.field && byColumn[i].length > 0) cells[column.field] = byColumn[i].map((p) => p.text).join(' ');
  });
  return cells;
}

interface DeclinedRow {
  page: number;
  cells: Partial<Record<DdorField, string>>;
}

/** The text lines of each page of a PDF, read with pdfjs; a file pdfjs cannot open is one error naming it. */
async function* pdfPages(file: string, label: string): AsyncGenerator<{ pageNumber: number; lines: Line[] }> {
  // Loaded on first use: pdfjs is large and only this parser needs it.
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const data = new Uint8Array(await readFile(file));
  const task = getDocument({
    data,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: true,
    verbosity: 0,
  });
  try {
    let doc;
    try {
      doc = await task.promise;
    } catch (error) {
      throw new InvalidReleaseError(label, `unreadable PDF: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (let pageNumber = 1; pageNumber <= doc.numPages; pageNumber++) {
      const page = await doc.getPage(pageNumber);
      const content = await page.getTextContent();
      yield { pageNumber, lines: linesOf(content.items.filter((item): item is TextItemLike & typeof item => 'str' in item)) };
      page.cleanup();
    }
  } finally {
    await task.destroy();
  }
}

/**
 * Reads a report line by line: the week it covers (before the first section), the section
 * headings, and in section II the table headers, the rows, wrapped cells and the printed total.
 */
class SectionIIReader {
  week: DateRange | undefined;
  /**
   * Whether the last section II heading (the table of contents lists it first, the body's comes
   * later) is the declined-detainers one: either line of a wrapped heading may say so.
   */
  sawSectionII = false;
  sawHeader = false;
  printedTotal: number | undefined;
  headerNames: string[] = [];
  datedLinesWithoutHeader = 0;
  readonly rows: DeclinedRow[] = [];
  private section: string | undefined;
  /** The title of a section II heading without "declined detainers", which may follow on the next line. */
  private pendingII: string | undefined;
  private columns: Column[] | undefined;
  /** The line of the last row read, so only a line just below it can continue its cells. */
  private lastRowLine: { page: number; y: number } | undefined;

  /** Reads `lines[index]` of page `page`; returns how many lines it took (a header takes up to three). */
  read(lines: Line[], index: number, page: number): number {
    const line = lines[index];
    if (this.heading(line)) return 1;
    if (this.section === undefined) {
      this.week ??= reportWeekIn(line.text);
      return 1;
    }
    if (this.section !== 'II') return 1;
    const header = headerAt(lines, index);
    if (header) {
      this.columns = header.columns;
      this.sawHeader = true;
      this.headerNames = header.columns.map((c) => c.name);
      this.lastRowLine = undefined;
      return header.used;
    }
    const total = /total declined detainers[^\d]*(\d+)/i.exec(line.text);
    if (total) this.printedTotal = Number(total[1]);
    else if (!this.columns) {
      if (hasDate(line)) this.datedLinesWithoutHeader++;
    } else this.row(line, this.columns, page);
    return 1;
  }

  /** A section heading, or the second line of a wrapped section II heading: true when `line` was one. */
  private heading(line: Line): boolean {
    const heading = sectionHeading(line.text);
    if (heading) {
      this.section = heading.section;
      this.pendingII = undefined;
      if (this.section === 'II' && DECLINED_DETAINERS.test(heading.title)) this.sawSectionII = true;
      else if (this.section === 'II') {
        this.section = 'II?';
        this.sawSectionII = false;
        this.pendingII = heading.title;
      }
      this.columns = undefined;
      this.lastRowLine = undefined;
      return true;
    }
    if (this.pendingII === undefined) return false;
    const title = `${this.pendingII} ${line.text}`;
    this.pendingII = undefined;
    if (!DECLINED_DETAINERS.test(title)) return false;
    this.section = 'II';
    this.sawSectionII = true;
    return true;
  }

  /** A row of the table (its declined cell holds a date), or a wrapped cell continuing the row above. */
  private row(line: Line, columns: Column[], page: number): void {
    const cells = cellsOf(line, columns);
    if (cells.declined !== undefined && parseReleaseDate(cells.declined) !== undefined) {
      this.rows.push({ page, cells });
      this.lastRowLine = { page, y: line.y };
      return;
    }
    // A wrapped cell ("Notable Criminal Activity", a long facility name) continues the row
    // just above it. Lines right under a header (its wrapped labels) and footers, further
    // down the page, continue nothing.
    const fields = Object.keys(cells) as DdorField[];
    const previous = this.rows[this.rows.length - 1];
    const near = this.lastRowLine !== undefined && this.lastRowLine.page === page && this.lastRowLine.y - line.y <= 1.6 * line.size;
    if (!previous || !near || fields.length === 0 || !fields.every((f) => WRAPPING.has(f))) return;
    for (const field of fields) previous.cells[field] = previous.cells[field] ? `${previous.cells[field]} ${cells[field]}` : cells[field];
    this.lastRowLine = { page, y: line.y };
  }
}

export async function parseDdorWith(
  file: string,
  sink: (o: Observation) => void,
  options: { label?: string; now?: Date } = {},
): Promise<ParseSummary> {
  const label = options.label ?? file;
  const reader = new SectionIIReader();
  for await (const { pageNumber, lines } of pdfPages(file, label)) {
    for (let index = 0; index < lines.length; ) index += reader.read(lines, index, pageNumber);
  }
  if (!reader.sawSectionII) {
    throw new InvalidReleaseError(
      label,
      'no section II "Jurisdictions with Recorded Declined Detainers": not a Declined Detainer Outcome Report in the 2017 layout',
    );
  }
  const { rows, week, printedTotal, headerNames, sawHeader, datedLinesWithoutHeader } = reader;
  const plausible = plausibleDateRange(options.now);
  return sectionIISummary({ label, plausible, sink, rows, week, printedTotal, headerNames, sawHeader, datedLinesWithoutHeader });
}

/** What section II held, read: one observation per row by its declined date, the warnings and faults, the week as coverage. */
interface SectionII {
  label: string;
  plausible: { from: string; to: string };
  sink: (o: Observation) => void;
  rows: DeclinedRow[];
  week: DateRange | undefined;
  printedTotal: number | undefined;
  headerNames: string[];
  sawHeader: boolean;
  datedLinesWithoutHeader: number;
}

function sectionIISummary({
  label,
  plausible,
  sink,
  rows,
  week,
  printedTotal,
  headerNames,
  sawHeader,
  datedLinesWithoutHeader,
}: SectionII): ParseSummary {
  const warnings: string[] = [];
  let first: string | undefined;
  let last: string | undefined;
  let outsideWeek = 0;
  for (const [index, row] of rows.entries()) {
    const date = parseReleaseDate(row.cells.declined)!;
    assertPlausibleDate(date, label, `section II row ${index + 1} (page ${row.page}), Declined Date`, plausible);
    if (first === undefined || date < first) first = date;
    if (last === undefined || date > last) last = date;
    if (week && (date < week.from || date > week.to)) outsideWeek++;
    const { state, county, facility, notable } = row.cells;
    sink({
      place: { ...(state ? { state } : {}), ...(county ? { county } : {}), ...(facility ? { facility } : {}) },
      count: 1,
      date,
      ...(notable ? { category: notable } : {}),
    });
  }
  const faults: string[] = [];
  if (!sawHeader && datedLinesWithoutHeader > 0)
    faults.push(
      `section II has ${datedLinesWithoutHeader} dated line${datedLinesWithoutHeader === 1 ? '' : 's'} but no table header with State, County and Declined Date columns`,
    );
  if (rows.length === 0) warnings.push('section II lists no declined detainers');
  if (printedTotal !== undefined && printedTotal !== rows.length) {
    faults.push(`section II prints a total of ${printedTotal} declined detainers but ${rows.length} rows were read`);
  }
  if (outsideWeek > 0) warnings.push(`${outsideWeek} declined dates fall outside the report week ${week!.from} to ${week!.to}`);
  if (!week) warnings.push('no report week found in the title; coverage is the range of declined dates');
  const coverage = week ?? (first && last ? { from: first, to: last } : undefined);
  return {
    format: 'ddor',
    rowsRead: rows.length,
    rowsKept: rows.length,
    columns: headerNames,
    ...(coverage ? { coverage } : {}),
    ...(week ? { declaredCoverage: true } : {}),
    warnings,
    ...(faults.length > 0 ? { faults } : {}),
  };
}

/** Parser for ICE Declined Detainer Outcome Report PDFs. */
export const parseDdor: Parser = (file, sink) => parseDdorWith(file, sink);
