/**
 * A cell as the row readers give it: text (CSV, XLSX), a number (XLSX; dates as Excel serial
 * days), or what Parquet holds (bigint for an unannotated INT64, boolean, null for a missing value).
 */
export type Cell = string | number | bigint | boolean | Date | null | undefined;

/**
 * Called once per row with its cells, indexed by column and REUSED for the next row (copy what
 * you keep). 'stop' ends the read; 'next-sheet' passes over the rest of an XLSX worksheet.
 */
export type RowHandler = (cells: Cell[], rowNumber: number) => void | 'stop' | 'next-sheet';

/** Columns to decode; the handler may fill `columns` once it has seen the header, and the rest are never decoded. */
export interface RowSelection {
  columns?: readonly boolean[];
  /**
   * Selected columns the handler reads only for some rows (an identifier, for declined records
   * only). A reader may leave them undefined in `cells` and decode one when the handler calls
   * `cell`; readers that do not defer decode them with the others.
   */
  lazy?: readonly boolean[];
  /** Set by a reader that defers `lazy` columns: a cell of the row being handled (valid during the call). */
  cell?: (column: number) => Cell;
}

/** FOIA redaction markers such as `(b)(6)`, `(b)(7)(C)`: present, but not data. */
const REDACTED = /^\(b\)\(\d\)/i;

/** A cell as trimmed text, or undefined when empty, missing or redacted. */
export function cellText(cell: Cell): string | undefined {
  if (cell === undefined || cell === null) return undefined;
  if (typeof cell === 'string') {
    if (cell.length === 0) return undefined;
    const code = cell.charCodeAt(0);
    const text = code === 32 || code === 9 || cell.charCodeAt(cell.length - 1) <= 32 ? cell.trim() : cell;
    if (text === '' || (text.charCodeAt(0) === 40 && REDACTED.test(text))) return undefined;
    return text;
  }
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? undefined : cell.toISOString();
  return String(cell);
}

export function isBlankRow(cells: readonly Cell[]): boolean {
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell !== undefined && cell !== null && (typeof cell !== 'string' || cell.trim() !== '')) return false;
  }
  return true;
}
