/**
 * ICE's Declined Detainer Outcome Report (2017 PDF). Only section II, "Jurisdictions with
 * Recorded Declined Detainers", holds declined detainers (one row each); section I ranks
 * jurisdictions by detainers *issued* and must never be read as declined counts. Rows are
 * rebuilt from text positions (pdfjs), the table continues across pages under a repeated
 * header, and each detainer counts on its declined date. Coverage is the week in the title.
 */
import { readFile } from 'node:fs/promises';
import type { DateRange } from '../../domain/quarter';
import { InvalidReleaseError, type Observation, type ParseSummary, type Parser } from '../../domain/release';
import { assertPlausibleDate, parseReleaseDate, plausibleDateRange } from './release-date';

type DdorField = 'state' | 'county' | 'facility' | 'citizenship' | 'issued' | 'declined' | 'notable';

interface Word {
  x: number;
  text: string;
}

interface Line {
  y: number;
  words: Word[];
  text: string;
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

const MONTH = String.raw`(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`;
const WORDED_RANGE = new RegExp(`${MONTH}\\s+(\\d{1,2})(?:,?\\s*(\\d{4}))?\\s*(?:-|–|—|to|through|thru)\\s*(?:${MONTH}\\s+)?(\\d{1,2}),?\\s*(\\d{4})`, 'i');
const NUMERIC_RANGE = /(\d{1,2}\/\d{1,2}\/\d{2,4})\s*(?:-|–|—|to|through|thru)\s*(\d{1,2}\/\d{1,2}\/\d{2,4})/i;
const MONTH_NUMBER: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };

/** The report week as the title states it: "February 4, 2017 - February 10, 2017", "Jan 28 – Feb 3, 2017", "1/28/2017 - 2/3/2017". */
export function reportWeekIn(text: string): DateRange | undefined {
  const worded = WORDED_RANGE.exec(text);
  if (worded) {
    const [, m1, d1, y1, m2, d2, y2] = worded;
    const month1 = MONTH_NUMBER[m1.slice(0, 3).toLowerCase()];
    const month2 = m2 ? MONTH_NUMBER[m2.slice(0, 3).toLowerCase()] : month1;
    const year2 = Number(y2);
    const year1 = y1 ? Number(y1) : month1 > month2 ? year2 - 1 : year2;
    const from = parseReleaseDate(`${month1}/${d1}/${year1}`);
    const to = parseReleaseDate(`${month2}/${d2}/${year2}`);
    if (from && to && from <= to) return { from, to };
  }
  const numeric = NUMERIC_RANGE.exec(text);
  if (numeric) {
    const from = parseReleaseDate(numeric[1]);
    const to = parseReleaseDate(numeric[2]);
    if (from && to && from <= to) return { from, to };
  }
  return undefined;
}

/** Groups a page's text items into lines (top to bottom), words left to right. */
function linesOf(items: Array<{ str: string; transform: number[] }>): Line[] {
  const words = items
    .filter((item) => item.str.trim() !== '')
    .map((item) => ({ x: item.transform[4], y: item.transform[5], text: item.str.trim() }))
    .sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Line[] = [];
  for (const word of words) {
    const line = lines[lines.length - 1];
    if (line && Math.abs(line.y - word.y) <= 2) line.words.push({ x: word.x, text: word.text });
    else lines.push({ y: word.y, words: [{ x: word.x, text: word.text }], text: '' });
  }
  for (const line of lines) {
    line.words.sort((a, b) => a.x - b.x);
    line.text = line.words.map((w) => w.text).join(' ');
  }
  return lines;
}

function headerColumns(line: Line): Array<{ field: DdorField; x: number }> | undefined {
  const columns: Array<{ field: DdorField; x: number }> = [];
  for (const word of line.words) {
    const match = HEADER_KEYS.find(([, pattern]) => pattern.test(word.text));
    if (match && !columns.some((c) => c.field === match[0])) columns.push({ field: match[0], x: word.x });
  }
  const fields = new Set(columns.map((c) => c.field));
  return fields.has('state') && fields.has('county') && fields.has('declined') ? columns.sort((a, b) => a.x - b.x) : undefined;
}

const SECTION = /^(I|II|III|IV|V|VI)\.\s+(.*)$/;

interface DeclinedRow {
  page: number;
  cells: Partial<Record<DdorField, string>>;
}

export async function parseDdorWith(file: string, sink: (o: Observation) => void, options: { label?: string; now?: Date } = {}): Promise<ParseSummary> {
  const label = options.label ?? file;
  const plausible = plausibleDateRange(options.now);
  // Loaded on first use: pdfjs is large and only this parser needs it.
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const data = new Uint8Array(await readFile(file));
  const task = getDocument({ data, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, stopAtErrors: true, verbosity: 0 });
  let week: DateRange | undefined;
  let section: string | undefined;
  let sawSectionII = false;
  let columns: Array<{ field: DdorField; x: number }> | undefined;
  let printedTotal: number | undefined;
  let headerNames: string[] = [];
  const rows: DeclinedRow[] = [];
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
      const lines = linesOf(content.items.filter((item): item is { str: string; transform: number[] } & typeof item => 'str' in item));
      for (const line of lines) {
        const heading = SECTION.exec(line.text);
        if (heading) {
          section = heading[1];
          if (section === 'II' && /declined detainers/i.test(heading[2])) sawSectionII = true;
          else if (section === 'II') section = 'II?';
          columns = undefined;
          continue;
        }
        if (section === undefined) {
          week ??= reportWeekIn(line.text);
          continue;
        }
        if (section !== 'II') continue;
        const header = headerColumns(line);
        if (header) {
          columns = header;
          headerNames = line.words.map((w) => w.text);
          continue;
        }
        const total = /total declined detainers[^\d]*(\d+)/i.exec(line.text);
        if (total) {
          printedTotal = Number(total[1]);
          continue;
        }
        if (!columns) continue;
        const cells: Partial<Record<DdorField, string>> = {};
        for (const word of line.words) {
          let field: DdorField | undefined;
          for (const column of columns) if (column.x <= word.x + 3) field = column.field;
          if (!field) continue;
          cells[field] = cells[field] ? `${cells[field]} ${word.text}` : word.text;
        }
        if (cells.declined !== undefined && parseReleaseDate(cells.declined) !== undefined) {
          rows.push({ page: pageNumber, cells });
          continue;
        }
        // A wrapped "Notable Criminal Activity" continues the row above it.
        const fields = Object.keys(cells) as DdorField[];
        const previous = rows[rows.length - 1];
        if (previous && previous.page === pageNumber && fields.length === 1 && fields[0] === 'notable') {
          previous.cells.notable = previous.cells.notable ? `${previous.cells.notable} ${cells.notable}` : cells.notable;
        }
      }
      page.cleanup();
    }
  } finally {
    await task.destroy();
  }

  if (!sawSectionII) {
    throw new InvalidReleaseError(label, 'no section II "Jurisdictions with Recorded Declined Detainers": not a Declined Detainer Outcome Report in the 2017 layout');
  }
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
  if (rows.length === 0) warnings.push('section II lists no declined detainers');
  if (printedTotal !== undefined && printedTotal !== rows.length) {
    warnings.push(`section II prints a total of ${printedTotal} declined detainers but ${rows.length} rows were read`);
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
  };
}

/** Parser for ICE Declined Detainer Outcome Report PDFs. */
export const parseDdor: Parser = (file, sink) => parseDdorWith(file, sink);
