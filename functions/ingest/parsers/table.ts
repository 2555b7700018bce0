/**
 * Jurisdiction-level tables (FOIA "top jurisdictions" spreadsheets) as CSV or XLSX: a name
 * (`Miami-Dade`, `Denver`, `Clark`), a state, a period and a declined count, optionally
 * offence-category columns. Category columns are a separate measure from the total
 * (SOURCES.md §2: the "284 declined" headline counts serious offences only), so they become
 * category observations that the tally keeps apart from the total.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { parseQuarter, quarterOf, quarterRange, type DateRange, type QuarterId } from '../../domain/quarter';
import { InvalidReleaseError, type Observation, type ParseSummary, type Parser } from '../../domain/release';
import { sniffFileKind, describeFileKind } from './file-kind';
import { headerNames, isBlankRow, matchColumns, normalizeHeader, requireColumns, type CellValue, type ColumnIndex, type ColumnSpec } from './header-row';
import { assertPlausibleDate, parseReleaseDate, plausibleDateRange } from './release-date';
import { readXlsxRows } from './xlsx-rows';

const TABLE_COLUMNS = {
  jurisdiction: {
    aliases: ['Jurisdiction', 'County', 'AOR/Jurisdiction', 'Jurisdiction Name', 'County Name', 'Law Enforcement Agency', 'Agency', 'Jail/Jurisdiction'],
    required: true,
  },
  state: { aliases: ['State', 'ST', 'State Name', 'Jurisdiction State'], required: true },
  count: {
    aliases: ['Declined', 'Declined Detainers', 'Detainers Declined', 'Number Declined', 'Declined Detainer Count', 'Total Declined', 'Declined Count', 'Count'],
    required: true,
  },
  facility: { aliases: ['Facility', 'Detention Facility', 'Jail'], required: false },
  quarter: { aliases: ['Quarter', 'Fiscal Quarter', 'FY Quarter', 'Period'], required: false },
  from: { aliases: ['From', 'Start Date', 'Period Start', 'Begin Date', 'From Date'], required: false },
  to: { aliases: ['To', 'End Date', 'Period End', 'Through', 'To Date'], required: false },
} satisfies Record<string, ColumnSpec>;

type TableField = keyof typeof TABLE_COLUMNS;

/** Offence categories as FOIA tables head them; a column so headed is a category count. */
const CATEGORY_HEADERS = new Set(
  [
    'Assault', 'Drug/Alcohol', 'Drugs', 'Dangerous Drugs', 'Weapons', 'Weapon Offenses', 'Sex Offenses', 'Sexual Assault', 'Homicide',
    'Robbery', 'Burglary', 'Larceny', 'Theft', 'Fraud', 'Traffic', 'Traffic Offenses', 'DUI', 'Driving Under the Influence', 'Kidnapping',
    'Obstruction', 'Family Offenses', 'Domestic Violence', 'Stolen Vehicle', 'Immigration', 'Other',
  ].map(normalizeHeader),
);

function isCategoryHeader(name: string): boolean {
  const key = normalizeHeader(name);
  return CATEGORY_HEADERS.has(key) || /^offen[cs]e /.test(key);
}

const HEADER_SEARCH_ROWS = 30;
const QUARTER_IN_TEXT = /\bFY\s?(\d{4})\s*-?\s*Q([1-4])\b|\bQ([1-4])\s*FY\s?(\d{4})\b/i;
const DATE_TOKEN = String.raw`(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})`;
const RANGE_IN_TEXT = new RegExp(`${DATE_TOKEN}\\s*(?:-|–|—|to|through|thru)\\s*${DATE_TOKEN}`, 'i');
const TOTAL_ROW = /^(grand\s+)?totals?\b/i;

function quarterIn(text: string): QuarterId | undefined {
  const match = QUARTER_IN_TEXT.exec(text);
  if (!match) return undefined;
  return parseQuarter(match[1] ? `FY${match[1]}Q${match[2]}` : `FY${match[4]}Q${match[3]}`);
}

function rangeIn(text: string): DateRange | undefined {
  const match = RANGE_IN_TEXT.exec(text);
  if (!match) return undefined;
  const from = parseReleaseDate(match[1]);
  const to = parseReleaseDate(match[2]);
  return from && to && from <= to ? { from, to } : undefined;
}

/** A period given as a quarter or as a date range → the one quarter it speaks for. */
function periodQuarter(file: string, where: string, range: DateRange): QuarterId {
  const quarter = quarterOf(range.from);
  if (quarterOf(range.to) !== quarter) {
    throw new InvalidReleaseError(file, `${where}: period ${range.from} to ${range.to} spans more than one fiscal quarter; counts cannot be attributed`);
  }
  return quarter;
}

/** A count cell: a non-negative whole number ("1,234" accepted); anything else is an error. */
function countOf(file: string, cell: CellValue, rowNumber: number, column: string, emptyIsZero: boolean): number {
  if (cell === undefined || (typeof cell === 'string' && cell.trim() === '')) {
    if (emptyIsZero) return 0;
    throw new InvalidReleaseError(file, `row ${rowNumber}, column "${column}": the count is empty`);
  }
  const value = typeof cell === 'number' ? cell : /^\s*[+-]?[\d,]*\.?\d+\s*$/.test(cell) ? Number(cell.replace(/[,\s]/g, '')) : Number.NaN;
  if (Number.isNaN(value)) throw new InvalidReleaseError(file, `row ${rowNumber}, column "${column}": "${String(cell).trim()}" is not a count`);
  if (value < 0) throw new InvalidReleaseError(file, `row ${rowNumber}, column "${column}": ${value} is negative, not a count`);
  if (!Number.isInteger(value)) throw new InvalidReleaseError(file, `row ${rowNumber}, column "${column}": ${value} is fractional, not a count`);
  return value;
}

function cellText(cell: CellValue): string | undefined {
  if (cell === undefined) return undefined;
  const text = String(cell).trim();
  return text === '' ? undefined : text;
}

type RowHandler = (cells: CellValue[], rowNumber: number) => void;

/** Tab or comma (or semicolon), by which is most common in the first lines. */
function detectDelimiter(sample: string): string {
  const lines = sample.split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, 20);
  const counts = { '\t': 0, ',': 0, ';': 0 };
  for (const line of lines) for (const d of Object.keys(counts) as Array<keyof typeof counts>) counts[d] += line.split(d).length - 1;
  const [best, count] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  return count > 0 ? best : ',';
}

async function* utf8Text(file: string, label: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    try {
      yield decoder.decode(chunk, { stream: true });
    } catch {
      throw new InvalidReleaseError(label, `is not UTF-8 text: invalid byte sequence within bytes ${offset}–${offset + chunk.length} (re-save it as UTF-8)`);
    }
    offset += chunk.length;
  }
  try {
    yield decoder.decode();
  } catch {
    throw new InvalidReleaseError(label, 'is not UTF-8 text: it ends inside a multi-byte sequence');
  }
}

async function readCsvRows(file: string, label: string, onRow: RowHandler): Promise<number> {
  const texts = utf8Text(file, label);
  const first = await texts.next();
  const head = first.done ? '' : first.value;
  const delimiter = detectDelimiter(head.slice(0, 65536));
  async function* all(): AsyncGenerator<string> {
    if (head) yield head;
    yield* texts;
  }
  const source = Readable.from(all());
  const parser = parse({ delimiter, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true });
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let rows = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      rows++;
      onRow(record, info.lines);
    }
  } catch (error) {
    if (error instanceof InvalidReleaseError) throw error;
    throw new InvalidReleaseError(label, `unreadable CSV: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    source.destroy();
  }
  return rows;
}

export async function parseTableWith(file: string, sink: (o: Observation) => void, options: { label?: string; now?: Date } = {}): Promise<ParseSummary> {
  const label = options.label ?? file;
  const plausible = plausibleDateRange(options.now);
  const kind = await sniffFileKind(file);
  if (kind !== 'zip' && kind !== 'text') throw new InvalidReleaseError(label, `is ${describeFileKind(kind)}, not a CSV or XLSX table`);

  let columns: ColumnIndex<TableField> | undefined;
  let names: string[] = [];
  let categories: Array<{ index: number; name: string }> = [];
  const declared: { quarter?: QuarterId; range?: DateRange } = {};
  let rowsRead = 0;
  let rowsKept = 0;
  let totalRows = 0;
  let coverage: DateRange | undefined;

  const widen = (range: DateRange) => {
    coverage = coverage ? { from: range.from < coverage.from ? range.from : coverage.from, to: range.to > coverage.to ? range.to : coverage.to } : range;
  };

  const onRow: RowHandler = (cells, rowNumber) => {
    if (!columns) {
      if (isBlankRow(cells)) return;
      const { columns: found } = matchColumns(cells, TABLE_COLUMNS);
      if (found.jurisdiction !== undefined && found.count !== undefined) {
        requireColumns(label, found, TABLE_COLUMNS, rowNumber);
        columns = found;
        names = headerNames(cells);
        const used = new Set(Object.values(found));
        categories = cells.flatMap((cell, index) =>
          typeof cell === 'string' && !used.has(index) && isCategoryHeader(cell) ? [{ index, name: cell.trim() }] : [],
        );
        return;
      }
      // A title row may declare the period: "Declined detainers, FY2017 Q1" or "10/1/2016 - 12/31/2016".
      const title = cells.filter((c) => c !== undefined).join(' ');
      declared.quarter ??= quarterIn(title);
      declared.range ??= rangeIn(title);
      if (rowNumber > HEADER_SEARCH_ROWS) {
        throw new InvalidReleaseError(label, `no header row with a jurisdiction column and a declined count column in the first ${HEADER_SEARCH_ROWS} rows`);
      }
      return;
    }
    if (isBlankRow(cells)) return;
    const c = columns as Required<Pick<ColumnIndex<TableField>, 'jurisdiction' | 'state' | 'count'>> & ColumnIndex<TableField>;
    const jurisdiction = cellText(cells[c.jurisdiction]);
    const facility = c.facility === undefined ? undefined : cellText(cells[c.facility]);
    if (jurisdiction !== undefined && TOTAL_ROW.test(jurisdiction)) {
      totalRows++;
      return;
    }
    rowsRead++;
    if (jurisdiction === undefined && facility === undefined) {
      throw new InvalidReleaseError(label, `row ${rowNumber}: no jurisdiction name`);
    }
    const state = cellText(cells[c.state]);
    const count = countOf(label, cells[c.count], rowNumber, columnName(c.count), false);

    let quarter: QuarterId | undefined;
    const quarterCell = c.quarter === undefined ? undefined : cellText(cells[c.quarter]);
    if (quarterCell !== undefined) {
      quarter = quarterIn(quarterCell) ?? (/^FY\s?\d{4}\s*Q[1-4]$/i.test(quarterCell) ? parseQuarter(quarterCell) : undefined);
      if (!quarter) throw new InvalidReleaseError(label, `row ${rowNumber}, column "${columnName(c.quarter!)}": "${quarterCell}" is not a fiscal quarter (e.g. FY2017 Q1)`);
      widen(quarterRange(quarter));
    } else if (c.from !== undefined && c.to !== undefined && cellText(cells[c.from]) !== undefined) {
      const from = parseReleaseDate(cells[c.from]);
      const to = parseReleaseDate(cells[c.to]);
      if (!from || !to || from > to) throw new InvalidReleaseError(label, `row ${rowNumber}: "${String(cells[c.from])}" to "${String(cells[c.to])}" is not a date range`);
      assertPlausibleDate(from, label, `row ${rowNumber}`, plausible);
      assertPlausibleDate(to, label, `row ${rowNumber}`, plausible);
      quarter = periodQuarter(label, `row ${rowNumber}`, { from, to });
      widen({ from, to });
    } else if (declared.quarter) {
      quarter = declared.quarter;
      widen(quarterRange(quarter));
    } else if (declared.range) {
      assertPlausibleDate(declared.range.from, label, 'declared period', plausible);
      assertPlausibleDate(declared.range.to, label, 'declared period', plausible);
      quarter = periodQuarter(label, 'declared period', declared.range);
      widen(declared.range);
    } else {
      throw new InvalidReleaseError(label, 'no period: neither a Quarter column, From/To dates, nor a period declared in the title rows');
    }
    assertPlausibleDate(quarterRange(quarter).from, label, `row ${rowNumber}, quarter ${quarter}`, { from: plausible.from, to: plausible.to });

    const place = {
      ...(jurisdiction !== undefined ? { jurisdiction } : {}),
      ...(facility !== undefined ? { facility } : {}),
      ...(state !== undefined ? { state } : {}),
    };
    rowsKept++;
    sink({ place, count, quarter });
    for (const category of categories) {
      const n = countOf(label, cells[category.index], rowNumber, category.name, true);
      if (n > 0) sink({ place, count: n, quarter, category: category.name });
    }
  };

  let headerCells: CellValue[] = [];
  const columnName = (index: number): string => cellText(headerCells[index]) ?? `column ${index + 1}`;
  const capture: RowHandler = (cells, rowNumber) => {
    const before = columns;
    onRow(cells, rowNumber);
    if (!before && columns) headerCells = [...cells];
  };

  let rowsInFile: number;
  if (kind === 'zip') {
    rowsInFile = (await readXlsxRows(file, (cells, rowNumber) => capture(cells, rowNumber), { label })).rows;
  } else {
    rowsInFile = await readCsvRows(file, label, capture);
  }
  if (rowsInFile === 0) throw new InvalidReleaseError(label, 'the table is empty (no rows)');
  if (!columns) throw new InvalidReleaseError(label, 'no header row with a jurisdiction column and a declined count column');
  if (rowsKept === 0) throw new InvalidReleaseError(label, 'the table has a header but no jurisdiction rows');

  const warnings: string[] = [];
  if (totalRows > 0) warnings.push(`${totalRows} total row(s) left out; totals are recomputed from the jurisdiction rows`);
  if (categories.length > 0) warnings.push(`offence categories (${categories.map((c) => c.name).join(', ')}) kept as a breakdown, apart from the declined total`);
  return {
    format: 'table',
    rowsRead,
    rowsKept,
    columns: names,
    ...(coverage ? { coverage, declaredCoverage: true } : {}),
    warnings,
  };
}

/** Parser for jurisdiction-level CSV/XLSX tables. */
export const parseTable: Parser = (file, sink) => parseTableWith(file, sink);
