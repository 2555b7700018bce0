/**
 * Jurisdiction-level tables (FOIA "top jurisdictions" spreadsheets) as CSV or XLSX: a name
 * (`Miami-Dade`, `Denver`, `Clark`), a state, a period and a declined count, optionally
 * offence-category columns. Category columns are a separate measure from the total
 * (docs/data-sources.md §2: the "284 declined" headline counts serious offences only), so they become
 * category observations that the tally keeps apart from the total.
 */
import { type DateRange, parseQuarter, type QuarterId, quarterOf, quarterRange } from '../../domain/quarter';
import { InvalidReleaseError, type Observation, type Parser, type ParseSummary } from '../../domain/release';
import { type Cell, cellText } from './cell';
import {
  type CellValue,
  type ColumnIndex,
  type ColumnSpec,
  describeField,
  matchColumns,
  normalizeHeader,
  requireColumns,
} from './header-row';
import { isDeclined } from './lift-reason';
import { assertPlausibleDate, dateRangeIn, parseReleaseDate, plausibleDateRange } from './release-date';
import { openReleaseFile, type ReleaseFile } from './release-file';
import { type LayoutHeader, parseRows, type ReadFacts, type RowLayout } from './row-parser';

/** A declined count's names: a header with one of them is a table, not records. */
export const COUNT_ALIASES = [
  'Declined',
  'Declined Detainers',
  'Detainers Declined',
  'Number Declined',
  'Declined Detainer Count',
  'Total Declined',
  'Declined Count',
  'Count',
];

const TABLE_COLUMNS = {
  // A place is a jurisdiction (with its state) or a facility; header detection checks that one is there.
  jurisdiction: {
    aliases: [
      'Jurisdiction',
      'County',
      'AOR/Jurisdiction',
      'Jurisdiction Name',
      'County Name',
      'Law Enforcement Agency',
      'Agency',
      'Jail/Jurisdiction',
    ],
    required: false,
  },
  state: { aliases: ['State', 'ST', 'State Name', 'Jurisdiction State', 'Facility State'], required: false },
  count: { aliases: COUNT_ALIASES, required: true },
  fips: { aliases: ['FIPS', 'FIPS Code', 'County FIPS', 'County FIPS Code', 'FIPS County Code', 'GEOID'], required: false },
  facility: {
    aliases: [
      'Facility',
      'Detention Facility',
      'Jail',
      'Det Facility',
      'Detainer Detention Facility',
      'Detainer Facility',
      'Facility Name',
    ],
    required: false,
  },
  /** Aggregates by lift reason (NPR's exports): only `Detainer Declined by LEA` rows are declined detainers. */
  liftReason: { aliases: ['Lift Reason', 'Detainer Lift Reason'], required: false },
  quarter: { aliases: ['Quarter', 'Fiscal Quarter', 'FY Quarter', 'Period', 'Qtr'], required: false },
  fiscalYear: { aliases: ['Fiscal Year', 'FY'], required: false },
  /** A calendar year cannot be placed in a fiscal quarter: recognised only to say so. */
  year: { aliases: ['Year', 'Calendar Year', 'CY'], required: false },
  from: { aliases: ['From', 'Start Date', 'Period Start', 'Begin Date', 'From Date'], required: false },
  to: { aliases: ['To', 'End Date', 'Period End', 'Through', 'To Date'], required: false },
} satisfies Record<string, ColumnSpec>;

type TableField = keyof typeof TABLE_COLUMNS;

/** Offence categories as FOIA tables head them; a column so headed is a category count. */
const CATEGORY_HEADERS = new Set(
  [
    'Assault',
    'Drug/Alcohol',
    'Drugs',
    'Dangerous Drugs',
    'Weapons',
    'Weapon Offenses',
    'Sex Offenses',
    'Sexual Assault',
    'Homicide',
    'Robbery',
    'Burglary',
    'Larceny',
    'Theft',
    'Fraud',
    'Traffic',
    'Traffic Offenses',
    'DUI',
    'Driving Under the Influence',
    'Kidnapping',
    'Obstruction',
    'Family Offenses',
    'Domestic Violence',
    'Stolen Vehicle',
    'Immigration',
    'Other',
  ].map(normalizeHeader),
);

function isCategoryHeader(name: string): boolean {
  const key = normalizeHeader(name);
  return CATEGORY_HEADERS.has(key) || /^offen[cs]e /.test(key);
}

const TOTAL_ROW = /^(grand\s+)?totals?\b/i;

const FISCAL_YEAR = String.raw`(?:FY|Fiscal\s+Year)\s*'?(\d{4}|\d{2})`;
const QUARTER_NUMBER = String.raw`(?:Q(?:tr|uarter)?\s*([1-4])|([1-4])(?:st|nd|rd|th)?\s+Quarter|(First|Second|Third|Fourth)\s+Quarter)`;
const ORDINALS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4 };
/** "FY2017 Q1", "FY17-Q1", "Fiscal Year 2017, Q1", "FY 2017 First Quarter", "Q1 FY2017", "1st Quarter of FY 2017". */
const QUARTER_FORMS = [
  new RegExp(String.raw`\b${FISCAL_YEAR}\s*[-/,:]?\s*${QUARTER_NUMBER}\b`, 'i'),
  new RegExp(String.raw`\b${QUARTER_NUMBER}\s*[-/,:]?\s*(?:of\s+)?${FISCAL_YEAR}\b`, 'i'),
];

function fullFiscalYear(text: string): number {
  return text.length === 2 ? 2000 + Number(text) : Number(text);
}

/** The fiscal quarter a text names, in the spellings FOIA tables use; undefined when it names none. */
function quarterIn(text: string): QuarterId | undefined {
  const yearFirst = QUARTER_FORMS[0].exec(text);
  if (yearFirst) return quarterOfParts(yearFirst[1], yearFirst[2] ?? yearFirst[3] ?? yearFirst[4]);
  const quarterFirst = QUARTER_FORMS[1].exec(text);
  if (quarterFirst) return quarterOfParts(quarterFirst[4], quarterFirst[1] ?? quarterFirst[2] ?? quarterFirst[3]);
  return undefined;
}

function quarterOfParts(year: string, quarter: string): QuarterId | undefined {
  const n = ORDINALS[quarter.toLowerCase()] ?? Number(quarter);
  const fiscalYear = fullFiscalYear(year);
  if (!(n >= 1 && n <= 4) || fiscalYear < 1990 || fiscalYear > 2200) return undefined;
  return parseQuarter(`FY${fiscalYear}Q${n}`);
}

/** A period given as a quarter or as a date range → the one quarter it speaks for. */
function periodQuarter(file: string, where: string, range: DateRange): QuarterId {
  const quarter = quarterOf(range.from);
  if (quarterOf(range.to) !== quarter) {
    throw new InvalidReleaseError(
      file,
      `${where}: period ${range.from} to ${range.to} spans more than one fiscal quarter; counts cannot be attributed`,
    );
  }
  return quarter;
}

/** A count cell: a non-negative whole number ("1,234" accepted); anything else is an error. */
function countOf(file: string, cell: CellValue, rowNumber: number, column: string, emptyIsZero: boolean): number {
  if (cell === undefined || cell === null || (typeof cell === 'string' && cell.trim() === '')) {
    if (emptyIsZero) return 0;
    throw new InvalidReleaseError(file, `row ${rowNumber}, column "${column}": the count is empty`);
  }
  const text = typeof cell === 'string' ? cell : String(cell);
  const value =
    typeof cell === 'number'
      ? cell
      : typeof cell === 'bigint'
        ? Number(cell)
        : /^\s*[+-]?[\d,]*\.?\d+\s*$/.test(text)
          ? Number(text.replace(/[,\s]/g, ''))
          : Number.NaN;
  if (Number.isNaN(value))
    throw new InvalidReleaseError(file, `row ${rowNumber}, column "${column}": "${String(cell).trim()}" is not a count`);
  if (value < 0) throw new InvalidReleaseError(file, `row ${rowNumber}, column "${column}": ${value} is negative, not a count`);
  if (!Number.isInteger(value))
    throw new InvalidReleaseError(file, `row ${rowNumber}, column "${column}": ${value} is fractional, not a count`);
  return value;
}

/**
 * Headers no alias lists, as FOIA spreadsheets word them ("Total Declined Detainers", "Number of
 * Detainers Declined", "County/Jurisdiction Name"): a count column says "declined" and is not a
 * date, rate or reason; a place column says "jurisdiction" or "county" and is not a code.
 */
function nearColumns(cells: readonly CellValue[], found: ColumnIndex<TableField>): void {
  const used = new Set(Object.values(found));
  const find = (test: (name: string) => boolean) =>
    cells.findIndex((cell, index) => typeof cell === 'string' && !used.has(index) && test(normalizeHeader(cell)));
  if (found.count === undefined) {
    const index = find((name) => /\bdeclin/.test(name) && !/\b(date|rate|percent|pct|share|reason|policy)\b/.test(name));
    if (index >= 0) used.add((found.count = index));
  }
  if (found.jurisdiction === undefined && found.facility === undefined) {
    const index = find((name) => /\b(jurisdiction|county)\b/.test(name) && !/\b(code|fips|id|number|state)\b/.test(name));
    if (index >= 0) used.add((found.jurisdiction = index));
  }
}

/** Where a row's counts belong: a quarter, and the dates that widen the coverage. */
interface RowPeriod {
  quarter: QuarterId;
  range: DateRange;
}

/** The jurisdiction-table layout: a count per jurisdiction (or facility) and period. */
export class TableLayout implements RowLayout {
  readonly what = 'jurisdiction table';
  readonly needs =
    `a place column ${describeField(TABLE_COLUMNS.jurisdiction)} or ${describeField(TABLE_COLUMNS.facility)}, its state, and a declined count ${describeField(TABLE_COLUMNS.count)}`;
  readonly allSheets = false;
  private c!: Required<Pick<ColumnIndex<TableField>, 'count'>> & ColumnIndex<TableField>;
  private headerCells: Cell[] = [];
  private categories: Array<{ index: number; name: string }> = [];
  private readonly declared: { quarter?: QuarterId; range?: DateRange } = {};
  private readonly counts = { rowsRead: 0, rowsKept: 0, totalRows: 0, otherLiftReasons: 0 };
  private coverage: DateRange | undefined;
  private readonly plausible: { from: string; to: string };

  constructor(
    private readonly sink: (o: Observation) => void,
    private readonly label: string,
    now?: Date,
  ) {
    this.plausible = plausibleDateRange(now);
  }

  match(cells: readonly Cell[]): { fields: number; header: boolean } {
    const { columns, found } = matchColumns(cells, TABLE_COLUMNS);
    nearColumns(cells, columns);
    return { fields: found, header: (columns.jurisdiction !== undefined || columns.facility !== undefined) && columns.count !== undefined };
  }

  /** A title row may declare the period: "Declined detainers, FY2017 Q1" or "10/1/2016 - 12/31/2016". */
  title(cells: readonly Cell[]): void {
    const title = cells.filter((c) => c !== undefined && c !== null).join(' ');
    this.declared.quarter ??= quarterIn(title);
    this.declared.range ??= dateRangeIn(title);
  }

  begin(header: LayoutHeader): undefined {
    const { cells, rowNumber } = header;
    const { columns: found } = matchColumns(cells, TABLE_COLUMNS);
    nearColumns(cells, found);
    requireColumns(header.label, found, TABLE_COLUMNS, rowNumber, cells);
    // Names like "Clark" or "Franklin" are counties of many states: a jurisdiction column needs its state.
    if (found.jurisdiction !== undefined && found.facility === undefined && found.state === undefined) {
      throw new InvalidReleaseError(
        header.label,
        `missing required column "State" next to "${String(cells[found.jurisdiction]).trim()}" in the header on row ${rowNumber}: jurisdiction names are not unique across states`,
      );
    }
    this.c = found as typeof this.c;
    this.headerCells = [...cells];
    const used = new Set(Object.values(found));
    this.categories = cells.flatMap((cell, index) =>
      typeof cell === 'string' && !used.has(index) && isCategoryHeader(cell) ? [{ index, name: cell.trim() }] : [],
    );
    return undefined;
  }

  private columnName(index: number): string {
    return cellText(this.headerCells[index]) ?? `column ${index + 1}`;
  }

  row(cells: Cell[], rowNumber: number): void {
    const c = this.c;
    const jurisdiction = c.jurisdiction === undefined ? undefined : cellText(cells[c.jurisdiction]);
    const facility = c.facility === undefined ? undefined : cellText(cells[c.facility]);
    const first = jurisdiction ?? facility;
    if (first !== undefined && TOTAL_ROW.test(first)) {
      this.counts.totalRows++;
      return;
    }
    this.counts.rowsRead++;
    if (c.liftReason !== undefined && !isDeclined(cells[c.liftReason])) {
      this.counts.otherLiftReasons++;
      return;
    }
    if (jurisdiction === undefined && facility === undefined)
      throw new InvalidReleaseError(this.label, `row ${rowNumber}: no jurisdiction or facility name`);
    const state = c.state === undefined ? undefined : cellText(cells[c.state]);
    const count = countOf(this.label, cells[c.count], rowNumber, this.columnName(c.count), false);
    const { quarter, range } = this.periodOf(cells, rowNumber);
    this.coverage = this.coverage
      ? {
          // biome-ignore lint/complexity/useMathMinMax: ISO date strings, compared as text
          from: range.from < this.coverage.from ? range.from : this.coverage.from,
          // biome-ignore lint/complexity/useMathMinMax: ISO date strings, compared as text
          to: range.to > this.coverage.to ? range.to : this.coverage.to,
        }
      : range;
    assertPlausibleDate(quarterRange(quarter).from, this.label, `row ${rowNumber}, quarter ${quarter}`, this.plausible);
    const fips = c.fips === undefined ? undefined : cellText(cells[c.fips]);
    const place = {
      ...(jurisdiction !== undefined ? { jurisdiction } : {}),
      ...(facility !== undefined ? { facility } : {}),
      ...(state !== undefined ? { state } : {}),
      ...(fips !== undefined ? { fips } : {}),
    };
    this.counts.rowsKept++;
    this.sink({ place, count, quarter });
    for (const category of this.categories) {
      const n = countOf(this.label, cells[category.index], rowNumber, category.name, true);
      if (n > 0) this.sink({ place, count: n, quarter, category: category.name });
    }
  }

  /** The row's period: its Quarter (with Fiscal Year) cell, its From/To dates, or what the title declared. */
  private periodOf(cells: Cell[], rowNumber: number): RowPeriod {
    const c = this.c;
    const label = this.label;
    const quarterCell = c.quarter === undefined ? undefined : cellText(cells[c.quarter]);
    const fiscalYearCell = c.fiscalYear === undefined ? undefined : cellText(cells[c.fiscalYear]);
    if (quarterCell !== undefined) {
      // "FY2017 Q1" in one cell, or "Q1" / "1" beside a Fiscal Year column ("FY2017", "2017").
      const withYear =
        fiscalYearCell !== undefined && /^\s*(?:Q(?:tr)?\s*)?[1-4]\s*$/i.test(quarterCell)
          ? `FY${fiscalYearCell.replace(/^\s*FY\s*/i, '')} Q${quarterCell.replace(/\D/g, '')}`
          : quarterCell;
      const quarter = quarterIn(withYear) ?? (/^FY\s?\d{4}\s*Q[1-4]$/i.test(withYear) ? parseQuarter(withYear) : undefined);
      if (!quarter)
        throw new InvalidReleaseError(
          label,
          `row ${rowNumber}, column "${this.columnName(c.quarter!)}": "${quarterCell}" is not a fiscal quarter (e.g. FY2017 Q1)`,
        );
      return { quarter, range: quarterRange(quarter) };
    }
    if (c.from !== undefined && c.to !== undefined && cellText(cells[c.from]) !== undefined) {
      const from = parseReleaseDate(cells[c.from]);
      const to = parseReleaseDate(cells[c.to]);
      if (!from || !to || from > to)
        throw new InvalidReleaseError(
          label,
          `row ${rowNumber}: "${String(cells[c.from])}" to "${String(cells[c.to])}" is not a date range`,
        );
      assertPlausibleDate(from, label, `row ${rowNumber}`, this.plausible);
      assertPlausibleDate(to, label, `row ${rowNumber}`, this.plausible);
      return { quarter: periodQuarter(label, `row ${rowNumber}`, { from, to }), range: { from, to } };
    }
    if (this.declared.quarter) return { quarter: this.declared.quarter, range: quarterRange(this.declared.quarter) };
    if (this.declared.range) {
      assertPlausibleDate(this.declared.range.from, label, 'declared period', this.plausible);
      assertPlausibleDate(this.declared.range.to, label, 'declared period', this.plausible);
      return { quarter: periodQuarter(label, 'declared period', this.declared.range), range: this.declared.range };
    }
    if (c.year !== undefined || c.fiscalYear !== undefined) {
      const index = (c.year ?? c.fiscalYear)!;
      throw new InvalidReleaseError(
        label,
        `column "${this.columnName(index)}" gives whole years ("${cellText(cells[index]) ?? ''}" on row ${rowNumber}): a year's count cannot be placed in a fiscal quarter, and detainer-watch ranks quarters (give a Quarter column, From/To dates, or the record-level file)`,
      );
    }
    throw new InvalidReleaseError(label, 'no period: neither a Quarter column, From/To dates, nor a period declared in the title rows');
  }

  finish(read: ReadFacts): ParseSummary {
    const { rowsRead, rowsKept, totalRows, otherLiftReasons } = this.counts;
    if (rowsKept === 0 && otherLiftReasons > 0)
      throw new InvalidReleaseError(this.label, `none of the ${otherLiftReasons} rows has the lift reason "Detainer Declined by LEA"`);
    if (rowsKept === 0) throw new InvalidReleaseError(this.label, 'the table has a header but no jurisdiction rows');
    const warnings = [...read.warnings];
    if (totalRows > 0) warnings.push(`${totalRows} total row(s) left out; totals are recomputed from the jurisdiction rows`);
    if (otherLiftReasons > 0) warnings.push(`${otherLiftReasons} rows with another lift reason than "Detainer Declined by LEA" left out`);
    if (this.categories.length > 0)
      warnings.push(
        `offence categories (${this.categories.map((c) => c.name).join(', ')}) kept as a breakdown, apart from the declined total`,
      );
    return {
      format: 'table',
      rowsRead,
      rowsKept,
      columns: read.columns,
      ...(this.coverage ? { coverage: this.coverage, declaredCoverage: true } : {}),
      warnings,
    };
  }
}

async function parseTableWith(
  file: string | ReleaseFile,
  sink: (o: Observation) => void,
  options: { label?: string; now?: Date } = {},
): Promise<ParseSummary> {
  const release = typeof file === 'string' ? await openReleaseFile(file, options.label) : file;
  return parseRows(release, [new TableLayout(sink, release.label, options.now)]);
}

/** Parser for jurisdiction-level CSV/XLSX tables. */
export const parseTable: Parser = (file, sink) => parseTableWith(file, sink);
