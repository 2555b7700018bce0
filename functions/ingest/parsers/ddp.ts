/**
 * Record-level detainer releases, one row per detainer: the Deportation Data Project's XLSX (the
 * header under about six title rows) and the older ICE FOIA files as delimited text (NPR's
 * FY2008–FY2015 files: tab-delimited `.csv`, comma-delimited `.txt`). A declined detainer has
 * lift reason `Detainer Declined by LEA`; it counts on its prepare date at its facility (city, state).
 */
import { InvalidReleaseError, type Observation, type ParseSummary, type Parser } from '../../domain/release';
import { headerNames, isBlankRow, matchColumns, requireColumns, type ColumnIndex, type ColumnSpec } from './header-row';
import { assertPlausibleDate, parseReleaseDate, plausibleDateRange } from './release-date';
import { readCsvRows } from './csv-rows';
import { describeFileKind, sniffFileKind } from './file-kind';
import { readXlsxRows, type XlsxCell, type XlsxReadOptions } from './xlsx-rows';

const DDP_COLUMNS = {
  prepareDate: { aliases: ['Detainer Prepare Date', 'Detainer Prepared Date', 'Prepare Date'], required: true },
  facility: { aliases: ['Detention Facility', 'Detainer Facility', 'Detainer Detention Facility', 'Det Facility', 'Facility', 'Facility Name'], required: true },
  city: { aliases: ['Facility City', 'Detention Facility City', 'Detainer Facility City', 'Detainer Detention Facility City', 'Det Facility City', 'City'], required: false },
  state: { aliases: ['Facility State', 'Detention Facility State', 'Detainer Facility State', 'Detainer Detention Facility State', 'Det Facility State', 'State'], required: true },
  liftReason: { aliases: ['Detainer Lift Reason', 'Lift Reason'], required: true },
  criminality: { aliases: ['Detainer Prepared Criminality', 'Detainer Criminality', 'Criminality'], required: false },
  person: { aliases: ['Unique Identifier', 'Anonymized Identifier', 'Alien Number Unique Identifier', 'Unique ID'], required: false },
} satisfies Record<string, ColumnSpec>;

type DdpField = keyof typeof DDP_COLUMNS;

/** The header is found among the first rows; real releases have about six title rows. */
const HEADER_SEARCH_ROWS = 30;
const DECLINED = 'detainer declined by lea';
const DAY_MS = 86_400_000;

/** FOIA redaction markers such as `(b)(6)`, `(b)(7)(C)`: present, but not data. */
const REDACTED = /^\(b\)\(\d\)/i;

function text(cell: XlsxCell): string | undefined {
  if (cell === undefined) return undefined;
  const value = (typeof cell === 'number' ? String(cell) : cell).trim();
  if (value === '' || REDACTED.test(value)) return undefined;
  return value;
}

/** `Detainer Declined by LEA`, the lift reason of a declined detainer, in any case and spacing around it. */
export function isDeclined(cell: XlsxCell): boolean {
  if (typeof cell !== 'string' || cell.length < DECLINED.length) return false;
  return cell.trim().toLowerCase() === DECLINED;
}

/** A header of a record-level release (one row per detainer): a prepare date, and a lift reason or a facility. */
export function isRecordHeader(cells: readonly XlsxCell[]): boolean {
  const { columns } = matchColumns(cells, DDP_COLUMNS);
  return columns.prepareDate !== undefined && (columns.liftReason !== undefined || columns.facility !== undefined);
}

export interface DdpParseOptions {
  /** Passed to the XLSX reader: caps, error label. */
  xlsx?: XlsxReadOptions;
  /** Clock for the plausible-date check. */
  now?: Date;
}

export async function parseDdpWith(file: string, sink: (o: Observation) => void, options: DdpParseOptions = {}): Promise<ParseSummary> {
  const label = options.xlsx?.label ?? file;
  const plausible = plausibleDateRange(options.now);
  let columns: ColumnIndex<DdpField> | undefined;
  let names: string[] = [];
  let rowsRead = 0;
  let rowsKept = 0;
  let undated = 0;
  let declinedUndated = 0;
  let declinedWithoutPlace = 0;
  let duplicates = 0;
  let first: string | undefined;
  let last: string | undefined;
  const select: { columns?: boolean[] } = {};
  let lastDay = Number.NaN;
  let lastDayIso: string | undefined;
  const lastSeenByPerson = new Map<string, { facility: string | undefined; at: number }>();
  // A workbook may continue a release on further sheets (Excel stops at 1,048,576 rows), each
  // under its own title rows and header; sheets without the header (notes, codebook) are passed over.
  let sheet: { name: string; index: number } | undefined;
  let headerSeen = false;
  let sawCity = false;
  const dataSheets: Array<{ name: string; rows: number }> = [];
  const skippedSheets: string[] = [];
  const where = (rowNumber: number) => (sheet && sheet.index > 0 ? `sheet "${sheet.name}", row ${rowNumber}` : `row ${rowNumber}`);
  const onSheet = (next: { name: string; index: number }) => {
    if (sheet && !columns) skippedSheets.push(sheet.name);
    sheet = next;
    columns = undefined;
    select.columns = undefined;
  };

  const onRow = (cells: XlsxCell[], rowNumber: number): void | 'next-sheet' => {
    if (!columns) {
      if (isBlankRow(cells)) return;
      const { columns: found, found: count } = matchColumns(cells, DDP_COLUMNS);
      if (count >= 3) {
        requireColumns(sheet && sheet.index > 0 ? `${label} (sheet "${sheet.name}")` : label, found, DDP_COLUMNS, rowNumber);
        headerSeen = true;
        if (found.city !== undefined) sawCity = true;
        dataSheets.push({ name: sheet?.name ?? '', rows: 0 });
        columns = found;
        names = headerNames(cells);
        const wanted: boolean[] = [];
        for (const index of Object.values(found)) if (index !== undefined) wanted[index] = true;
        select.columns = wanted;
      } else if (rowNumber > HEADER_SEARCH_ROWS) {
        // Another sheet of the workbook may hold the data; with none, the end says so.
        if (sheet) return 'next-sheet';
        throw new InvalidReleaseError(label, `no DDP header row (with "Detainer Prepare Date", "Detainer Lift Reason", ...) in the first ${HEADER_SEARCH_ROWS} rows`);
      }
      return;
    }
    if (isBlankRow(cells)) return;
    rowsRead++;
    if (dataSheets.length > 0) dataSheets[dataSheets.length - 1].rows++;
    const c = columns as Required<Pick<ColumnIndex<DdpField>, 'prepareDate' | 'facility' | 'state' | 'liftReason'>> & ColumnIndex<DdpField>;
    const prepared = cells[c.prepareDate];
    let date: string | undefined;
    if (typeof prepared === 'number') {
      // Serial dates, the common case, are compared as day numbers and turned into text once per day.
      const day = Math.floor(prepared);
      date = day === lastDay ? lastDayIso : parseReleaseDate(day);
      lastDay = day;
      lastDayIso = date;
    } else {
      date = parseReleaseDate(prepared);
    }
    const declined = isDeclined(cells[c.liftReason]);
    if (date === undefined) {
      undated++;
      if (declined) declinedUndated++;
      return;
    }
    if (date < plausible.from || date > plausible.to) assertPlausibleDate(date, label, `${where(rowNumber)}, Detainer Prepare Date`, plausible);
    if (first === undefined || date < first) first = date;
    if (last === undefined || date > last) last = date;
    if (!declined) return;

    const facility = text(cells[c.facility]);
    const city = c.city === undefined ? undefined : text(cells[c.city]);
    const state = text(cells[c.state]);
    if (facility === undefined && city === undefined) declinedWithoutPlace++;
    const category = c.criminality === undefined ? undefined : text(cells[c.criminality]);
    const person = c.person === undefined ? undefined : text(cells[c.person]);
    if (person !== undefined) {
      const at = Date.parse(`${date}T00:00:00Z`);
      const seen = lastSeenByPerson.get(person);
      if (seen && seen.facility === facility && Math.abs(at - seen.at) <= DAY_MS) duplicates++;
      lastSeenByPerson.set(person, { facility, at });
    }
    rowsKept++;
    sink({
      place: {
        ...(facility !== undefined ? { facility } : {}),
        ...(city !== undefined ? { city } : {}),
        ...(state !== undefined ? { state } : {}),
      },
      count: 1,
      date,
      ...(category !== undefined ? { category } : {}),
    });
  };

  const kind = await sniffFileKind(file);
  let rowsInFile: number;
  if (kind === 'text') rowsInFile = await readCsvRows(file, label, (cells, rowNumber) => void onRow(cells, rowNumber));
  else if (kind === 'zip') rowsInFile = (await readXlsxRows(file, onRow, { sheet: 'all', onSheet, ...options.xlsx, label, dates: 'serial', select })).rows;
  else throw new InvalidReleaseError(label, `is ${describeFileKind(kind)}, not an XLSX workbook or a delimited text file`);
  if (rowsInFile === 0) throw new InvalidReleaseError(label, kind === 'text' ? 'the file is empty (no rows)' : 'the worksheet is empty (no rows)');
  if (sheet && !columns) skippedSheets.push(sheet.name);
  if (!headerSeen) throw new InvalidReleaseError(label, `no DDP header row (with "Detainer Prepare Date", "Detainer Lift Reason", ...) found${skippedSheets.length > 1 ? ` in any of its ${skippedSheets.length} worksheets` : ''}`);
  if (rowsRead === 0) throw new InvalidReleaseError(label, 'the worksheet has a header but no detainer rows');

  const warnings: string[] = [];
  if (undated > 0) warnings.push(`${undated} of ${rowsRead} rows have no usable Detainer Prepare Date (${declinedUndated} of them declined); left out`);
  if (declinedWithoutPlace > 0) warnings.push(`${declinedWithoutPlace} declined rows have neither facility nor city (redacted or empty); kept with their state only`);
  if (duplicates > 0) warnings.push(`${duplicates} declined rows look like duplicates (same Unique Identifier and facility within 24 hours); counted as published`);
  if (dataSheets.length > 1) warnings.push(`read ${dataSheets.length} worksheets: ${dataSheets.map((d) => `"${d.name}" (${d.rows} row${d.rows === 1 ? '' : 's'})`).join(', ')}`);
  if (skippedSheets.length > 0 && headerSeen) warnings.push(`passed over worksheets without a detainer header: ${skippedSheets.map((n) => `"${n}"`).join(', ')}`);
  if (!sawCity) warnings.push('no Facility City column: facilities resolve by name only');
  return {
    format: 'ddp',
    rowsRead,
    rowsKept,
    columns: names,
    ...(first !== undefined && last !== undefined ? { coverage: { from: first, to: last } } : {}),
    warnings,
  };
}

/** Parser for record-level releases: DDP XLSX, ICE FOIA delimited text. */
export const parseDdp: Parser = (file, sink) => parseDdpWith(file, sink);
