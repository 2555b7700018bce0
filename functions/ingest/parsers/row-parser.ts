/**
 * The one skeleton every row-based layout plugs into: read rows (CSV, XLSX, Parquet) → find
 * the header under the title rows → map its columns → hand each row to the layout → let the
 * layout turn its counts into the summary and warnings. A layout says what its header looks
 * like and what a row means; finding the header, worksheets, blank rows and the refusal of a
 * header nobody can map are done here, once.
 */
import { InvalidReleaseError, type ParseSummary } from '../../domain/release';
import { type Cell, isBlankRow, type RowSelection } from './cell';
import { headerNames, quotedList } from './header-row';
import { type ReleaseFile, type RowContainer, readReleaseRows } from './release-file';

/** Where a row is, for error lines: `row 12`, or `sheet "Part 2", row 12` past the first worksheet. */
export type RowPlace = (rowNumber: number) => string;

export interface LayoutHeader {
  cells: readonly Cell[];
  rowNumber: number;
  /** The reader's selection: a layout may mark columns `lazy` and read them with `select.cell`. */
  select: RowSelection;
  /** The file's label, with the worksheet when it is not the first. */
  label: string;
  where: RowPlace;
}

export interface RowLayout {
  /** "record-level release (one row per detainer)". */
  readonly what: string;
  /** What its header needs, named with its commonest spellings. */
  readonly needs: string;
  /** Record-level releases continue over worksheets; a table is one sheet. */
  readonly allSheets: boolean;
  /** Fields of this layout a row names, and whether they make its header. */
  match(cells: readonly Cell[]): { fields: number; header: boolean };
  /** Starts reading under this header (throws naming a required column it lacks); the columns to decode. */
  begin(header: LayoutHeader): readonly boolean[] | undefined;
  /** A row above the header: a title may declare the period. */
  title?(cells: readonly Cell[]): void;
  row(cells: Cell[], rowNumber: number): void;
  /** The summary once every row is read; throws when the rows say the release is unusable. */
  finish(read: ReadFacts): ParseSummary;
}

export interface ReadFacts {
  container: RowContainer;
  /** Warnings of the reading itself (text encoding, worksheets). */
  warnings: string[];
  /** The header's names, as written. */
  columns: string[];
}

/** The header is found among the first rows; real releases have about six title rows. */
export const HEADER_SEARCH_ROWS = 30;

interface Sheet {
  name: string;
  index: number;
}

/** Header search across worksheets, and what the refusal names when no header is found. */
class HeaderSearch {
  chosen?: RowLayout;
  headerInSheet = false;
  columns: string[] = [];
  sheet?: Sheet;
  readonly dataSheets: Array<{ name: string; rows: number }> = [];
  readonly skippedSheets: string[] = [];
  private best?: { names: string[]; rowNumber: number; fields: number };

  constructor(
    private readonly file: ReleaseFile,
    private readonly layouts: readonly RowLayout[],
    private readonly select: RowSelection,
  ) {}

  where: RowPlace = (rowNumber) =>
    this.sheet && this.sheet.index > 0 ? `sheet "${this.sheet.name}", row ${rowNumber}` : `row ${rowNumber}`;

  /** A row before this sheet's header: the header itself, a title, or too far down. */
  look(cells: Cell[], rowNumber: number): void | 'next-sheet' {
    if (isBlankRow(cells)) return;
    for (const layout of this.chosen ? [this.chosen] : this.layouts) {
      const { fields, header } = layout.match(cells);
      if (header) return this.start(layout, cells, rowNumber);
      if (!this.best || fields > this.best.fields) this.best = { names: headerNames(cells), rowNumber, fields };
    }
    for (const layout of this.chosen ? [this.chosen] : this.layouts) layout.title?.(cells);
    if (rowNumber > HEADER_SEARCH_ROWS) {
      // Another sheet of the workbook may hold the data; with none, the end says so.
      if (this.sheet) return 'next-sheet';
      throw this.noHeader(` in the first ${HEADER_SEARCH_ROWS} rows`);
    }
  }

  private start(layout: RowLayout, cells: Cell[], rowNumber: number): void {
    const label = this.sheet && this.sheet.index > 0 ? `${this.file.label} (sheet "${this.sheet.name}")` : this.file.label;
    this.select.columns = layout.begin({ cells, rowNumber, label, where: this.where, select: this.select });
    this.chosen = layout;
    this.headerInSheet = true;
    this.columns = headerNames(cells);
    this.dataSheets.push({ name: this.sheet?.name ?? '', rows: 0 });
  }

  /** A new worksheet begins; false when the chosen layout reads one sheet and has read it. */
  nextSheet(sheet: Sheet): boolean {
    if (this.sheet && !this.headerInSheet) this.skippedSheets.push(this.sheet.name);
    if (this.chosen && !this.chosen.allSheets) return false;
    this.sheet = sheet;
    this.headerInSheet = false;
    this.select.columns = undefined;
    this.select.lazy = undefined;
    return true;
  }

  /** One line: the columns of the likeliest header row, and what each layout needed. */
  noHeader(where: string): InvalidReleaseError {
    const found =
      this.best && this.best.names.length > 0
        ? `the likeliest header (row ${this.best.rowNumber}) has ${quotedList(this.best.names)}`
        : 'no row has column names';
    const needed = this.layouts.map((l) => `a ${l.what} needs ${l.needs}`).join('; ');
    return new InvalidReleaseError(this.file.label, `no header row${where}: ${found}; ${needed}`);
  }
}

/** Reads a row-based release with the first of `layouts` whose header it finds. */
export async function parseRows(
  file: ReleaseFile,
  layouts: readonly RowLayout[],
  options: { xlsxCaps?: { maxPartBytes?: number } } = {},
): Promise<ParseSummary> {
  const select: RowSelection = {};
  const search = new HeaderSearch(file, layouts, select);
  const warnings: string[] = [];
  let sheetDone = false;
  const onRow = (cells: Cell[], rowNumber: number): void | 'stop' | 'next-sheet' => {
    if (sheetDone) return 'stop';
    if (!search.headerInSheet) return search.look(cells, rowNumber);
    if (isBlankRow(cells)) return;
    search.dataSheets[search.dataSheets.length - 1].rows++;
    search.chosen!.row(cells, rowNumber);
  };
  const onSheet = (sheet: Sheet) => {
    if (!search.nextSheet(sheet)) sheetDone = true;
  };
  const { rows, container } = await readReleaseRows(file, onRow, {
    select,
    xlsx: { sheet: 'all', onSheet, dates: 'serial', ...options.xlsxCaps },
    onWarning: (warning) => warnings.push(warning),
  });
  if (rows === 0)
    throw new InvalidReleaseError(file.label, container === 'xlsx' ? 'the worksheet is empty (no rows)' : 'the file is empty (no rows)');
  if (search.sheet && !search.headerInSheet && !sheetDone) search.skippedSheets.push(search.sheet.name);
  if (!search.chosen)
    throw search.noHeader(search.skippedSheets.length > 1 ? ` in any of its ${search.skippedSheets.length} worksheets` : '');
  if (search.dataSheets.length > 1)
    warnings.push(
      `read ${search.dataSheets.length} worksheets: ${search.dataSheets.map((d) => `"${d.name}" (${d.rows} row${d.rows === 1 ? '' : 's'})`).join(', ')}`,
    );
  if (search.skippedSheets.length > 0)
    warnings.push(`passed over worksheets without a header: ${search.skippedSheets.map((n) => `"${n}"`).join(', ')}`);
  return search.chosen.finish({ container, warnings, columns: search.columns });
}
