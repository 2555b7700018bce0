/**
 * Record-level detainer releases, one row per detainer, in every layout they are shared in:
 * ICE's own column names (the Deportation Data Project's XLSX under about six title rows, the
 * older FOIA files as delimited text), the DDP's processed snake_case files (Parquet, XLSX),
 * and newsroom republications such as NPR's `date, lift_reason, det_facility, city, state`.
 * Every record is one detainer *received* at its facility (the decline rate's denominator);
 * it is declined when its lift reason is `Detainer Declined by LEA`, and counts on its prepare
 * date. See docs/data-formats.md for the aliases and docs/data-sources.md for the sources.
 */
import type { Place } from '../../domain/jurisdiction';
import { InvalidReleaseError, type Observation, type Parser, type ParseSummary } from '../../domain/release';
import { type Cell, cellText, type RowSelection } from './cell';
import { type ColumnIndex, type ColumnSpec, describeField, matchColumns, requireColumns } from './header-row';
import { isDeclined } from './lift-reason';
import { assertPlausibleDate, parseReleaseDate, plausibleDateRange } from './release-date';
import { openReleaseFile, type ReleaseFile } from './release-file';
import { type LayoutHeader, parseRows, type ReadFacts, type RowLayout, type RowPlace } from './row-parser';
import { COUNT_ALIASES } from './table';

/** Each field under ICE's name first, then the DDP's processed names, NPR's, and variants. */
const RECORD_COLUMNS = {
  prepareDate: {
    aliases: [
      'Detainer Prepare Date',
      'detainer_prepare_date',
      'date',
      'Detainer Prepared Date',
      'Prepare Date',
      'Prepared Date',
      'Date Prepared',
      'Detainer Date',
      'Detainer Prepare Datetime',
      'Detainer Issue Date',
      'Issued Date',
    ],
    required: true,
  },
  liftReason: {
    aliases: [
      'Detainer Lift Reason',
      'detainer_lift_reason',
      'lift_reason',
      'Lift Reason',
      'Detainer Lift Reason Description',
      'Reason Lifted',
    ],
    required: true,
  },
  facility: {
    aliases: [
      'Detention Facility',
      'detention_facility',
      'det_facility',
      'Detainer Facility',
      'Detainer Detention Facility',
      'Detention Facility Name',
      'Detainer Facility Name',
      'Facility Name',
      'Facility',
      'Jail',
    ],
    required: true,
  },
  city: {
    aliases: [
      'Facility City',
      'facility_city',
      'city',
      'Detention Facility City',
      'Detainer Facility City',
      'Detainer Detention Facility City',
      'Det Facility City',
    ],
    required: false,
  },
  state: {
    aliases: [
      'Facility State',
      'facility_state',
      'state',
      'Detention Facility State',
      'Detainer Facility State',
      'Detainer Detention Facility State',
      'Det Facility State',
      'Facility State Code',
      'State Code',
      'State Name',
      'ST',
    ],
    required: true,
  },
  county: {
    aliases: [
      'Facility County',
      'facility_county',
      'county',
      'Detention Facility County',
      'Detainer Facility County',
      'Det Facility County',
      'County Name',
    ],
    required: false,
  },
  facilityType: {
    aliases: [
      'Facility Type',
      'facility_type',
      'Detention Facility Type',
      'Detainer Facility Type',
      'Det Facility Type',
      'Facility Type Description',
      'det_facility_type',
    ],
    required: false,
  },
  facilityCode: {
    aliases: ['Detention Facility Code', 'detention_facility_code', 'Detainer Facility Code', 'Det Facility Code', 'Facility Code'],
    required: false,
  },
  aor: {
    aliases: [
      'Facility AOR',
      'facility_aor',
      'AOR',
      'Detainer AOR',
      'Area of Responsibility',
      'Facility Area of Responsibility',
      'Responsible AOR',
    ],
    required: false,
  },
  citizenship: { aliases: ['Citizenship Country', 'citizenship_country', 'Country of Citizenship', 'Citizenship'], required: false },
  criminality: {
    aliases: [
      'Detainer Prepared Criminality',
      'detainer_prepared_criminality',
      'Detainer Criminality',
      'Detainer Prepare Criminality',
      'Criminality',
      'Offense Category',
      'Offence Category',
      'Offense',
      'Offence',
    ],
    required: false,
  },
  detainerType: { aliases: ['Detainer Type', 'detainer_type'], required: false },
  person: {
    aliases: [
      'Unique Identifier',
      'unique_identifier',
      'Anonymized Identifier',
      'Alien Number Unique Identifier',
      'Unique ID',
      'Person ID',
    ],
    required: false,
  },
} satisfies Record<string, ColumnSpec>;

type RecordField = keyof typeof RECORD_COLUMNS;

/** Recognised so a header maps, never decoded: nothing is counted by them. */
const RECOGNISED_ONLY: ReadonlySet<RecordField> = new Set(['citizenship', 'detainerType']);

/** The positions of the columns a record-level header maps that the layout reads (bench floors read the same). */
export function recordColumnsRead(cells: readonly Cell[]): number[] {
  const { columns } = matchColumns(cells, RECORD_COLUMNS);
  return (Object.entries(columns) as Array<[RecordField, number]>)
    .filter(([field]) => !RECOGNISED_ONLY.has(field))
    .map(([, index]) => index);
}
type RecordColumns = Required<Pick<ColumnIndex<RecordField>, 'prepareDate' | 'facility' | 'state' | 'liftReason'>> &
  ColumnIndex<RecordField>;

const DAY_MS = 86_400_000;
/** Excel serials of plausible dates (1900 to 9999); larger numbers are epoch times or YYYYMMDD. */
const MAX_SERIAL = 2958466;

const COUNT_KEYS = new Set(COUNT_ALIASES.map((a) => a.toLowerCase().replace(/[^a-z0-9]+/g, '')));

/**
 * A header of a record-level release: a prepare date with a lift reason, or with a facility when
 * no count column makes it a table (`Date, Facility, Declined` is a table).
 */
function isRecordHeader(cells: readonly Cell[]): boolean {
  const { columns } = matchColumns(cells, RECORD_COLUMNS);
  if (columns.prepareDate === undefined) return false;
  if (columns.liftReason !== undefined) return true;
  const counted = cells.some((cell) => typeof cell === 'string' && COUNT_KEYS.has(cell.toLowerCase().replace(/[^a-z0-9]+/g, '')));
  return columns.facility !== undefined && !counted;
}

interface DdpParseOptions {
  /** Passed to the XLSX reader: zip-bomb caps. */
  xlsx?: { maxPartBytes?: number };
  /** Clock for the plausible-date check. */
  now?: Date;
  /** Name for error lines (archive key, URL). */
  label?: string;
}

/** Counts of the rows read, for the summary and its warnings. */
interface RecordTallies {
  rowsRead: number;
  rowsKept: number;
  undated: number;
  declinedUndated: number;
  declinedWithoutPlace: number;
  duplicates: number;
  first?: string;
  last?: string;
}

/** The record-level layout: one observation per record, `received: 1`, `count` 1 when declined. */
export class RecordLayout implements RowLayout {
  readonly what = 'record-level release (one row per detainer)';
  readonly needs = (['prepareDate', 'liftReason', 'facility', 'state'] as const).map((f) => describeField(RECORD_COLUMNS[f])).join(', ');
  readonly allSheets = true;
  private c!: RecordColumns;
  private where: RowPlace = (n) => `row ${n}`;
  private select?: RowSelection;
  private dateColumn = '';
  private readonly counts: RecordTallies = {
    rowsRead: 0,
    rowsKept: 0,
    undated: 0,
    declinedUndated: 0,
    declinedWithoutPlace: 0,
    duplicates: 0,
  };
  private readonly plausible: { from: string; to: string };
  private readonly reasons = new Map<string, boolean>();
  private readonly lastSeenByPerson = new Map<string, { facility: string | undefined; at: number }>();
  /** Each prepare date as a time, parsed once. */
  private readonly dayOf = new Map<string, number>();
  private lastDay = Number.NaN;
  private lastDayIso: string | undefined;
  private lastText: string | undefined;
  private lastTextIso: string | undefined;

  constructor(
    private readonly sink: (o: Observation) => void,
    private readonly label: string,
    now?: Date,
  ) {
    this.plausible = plausibleDateRange(now);
  }

  match(cells: readonly Cell[]): { fields: number; header: boolean } {
    const { found } = matchColumns(cells, RECORD_COLUMNS);
    return { fields: found, header: found >= 3 && isRecordHeader(cells) };
  }

  begin(header: LayoutHeader): readonly boolean[] {
    const { columns } = matchColumns(header.cells, RECORD_COLUMNS);
    requireColumns(header.label, columns, RECORD_COLUMNS, header.rowNumber, header.cells);
    this.c = columns as RecordColumns;
    this.where = header.where;
    this.dateColumn = String(header.cells[this.c.prepareDate]).trim();
    this.select = header.select;
    // The identifier is read for declined records only (the duplicate check): one in twenty.
    if (this.c.person !== undefined) {
      const lazy: boolean[] = [];
      lazy[this.c.person] = true;
      header.select.lazy = lazy;
    }
    const wanted: boolean[] = [];
    for (const index of recordColumnsRead(header.cells)) wanted[index] = true;
    return wanted;
  }

  /** The prepare date as `YYYY-MM-DD`; the same serial day or text as the row before is not parsed again. */
  private dateOf(cell: Cell): string | undefined {
    if (typeof cell === 'number' && cell >= 1 && cell < MAX_SERIAL) {
      const day = Math.floor(cell);
      if (day !== this.lastDay) {
        this.lastDay = day;
        this.lastDayIso = parseReleaseDate(day);
      }
      return this.lastDayIso;
    }
    if (typeof cell === 'string') {
      if (cell !== this.lastText) {
        this.lastText = cell;
        this.lastTextIso = parseReleaseDate(cell);
      }
      return this.lastTextIso;
    }
    return parseReleaseDate(cell);
  }

  private declined(cell: Cell): boolean {
    if (typeof cell !== 'string') return false;
    let declined = this.reasons.get(cell);
    if (declined === undefined) this.reasons.set(cell, (declined = isDeclined(cell)));
    return declined;
  }

  row(cells: Cell[], rowNumber: number): void {
    const c = this.c;
    const counts = this.counts;
    counts.rowsRead++;
    const date = this.dateOf(cells[c.prepareDate]);
    const declined = this.declined(cells[c.liftReason]);
    if (date === undefined) {
      counts.undated++;
      if (declined) counts.declinedUndated++;
      return;
    }
    if (date < this.plausible.from || date > this.plausible.to)
      assertPlausibleDate(date, this.label, `${this.where(rowNumber)}, ${this.dateColumn}`, this.plausible);
    if (counts.first === undefined || date < counts.first) counts.first = date;
    if (counts.last === undefined || date > counts.last) counts.last = date;
    const place = this.placeOf(cells);
    if (!declined) {
      this.sink({ place, count: 0, date, received: 1 });
      return;
    }
    counts.rowsKept++;
    if (place.facility === undefined && place.city === undefined) counts.declinedWithoutPlace++;
    if (c.person !== undefined) {
      const person = this.select?.cell ? this.select.cell(c.person) : cells[c.person];
      this.checkDuplicate(cellText(person), place.facility, date);
    }
    const category = c.criminality === undefined ? undefined : cellText(cells[c.criminality]);
    this.sink(category === undefined ? { place, count: 1, date, received: 1 } : { place, count: 1, date, received: 1, category });
  }

  private placeOf(cells: Cell[]): Place {
    const c = this.c;
    const place: Place = {};
    const facility = cellText(cells[c.facility]);
    if (facility !== undefined) place.facility = facility;
    if (c.city !== undefined) {
      const city = cellText(cells[c.city]);
      if (city !== undefined) place.city = city;
    }
    const state = cellText(cells[c.state]);
    if (state !== undefined) place.state = state;
    if (c.county !== undefined) {
      const county = cellText(cells[c.county]);
      if (county !== undefined) place.county = county;
    }
    if (c.facilityType !== undefined) {
      const facilityType = cellText(cells[c.facilityType]);
      if (facilityType !== undefined) place.facilityType = facilityType;
    }
    if (c.facilityCode !== undefined) {
      const facilityCode = cellText(cells[c.facilityCode]);
      if (facilityCode !== undefined) place.facilityCode = facilityCode;
    }
    if (c.aor !== undefined) {
      const aor = cellText(cells[c.aor]);
      if (aor !== undefined) place.aor = aor;
    }
    return place;
  }

  /** Likely duplicates: the same person at the same facility within 24 hours (counted as published, and said). */
  private checkDuplicate(person: string | undefined, facility: string | undefined, date: string): void {
    if (person === undefined) return;
    let at = this.dayOf.get(date);
    if (at === undefined) this.dayOf.set(date, (at = Date.parse(`${date}T00:00:00Z`)));
    const seen = this.lastSeenByPerson.get(person);
    if (seen && seen.facility === facility && Math.abs(at - seen.at) <= DAY_MS) this.counts.duplicates++;
    this.lastSeenByPerson.set(person, { facility, at });
  }

  finish(read: ReadFacts): ParseSummary {
    const counts = this.counts;
    if (counts.rowsRead === 0) throw new InvalidReleaseError(this.label, 'the file has a header but no detainer rows');
    const warnings = [...read.warnings];
    const faults: string[] = [];
    const undated = `${counts.undated} of ${counts.rowsRead} rows have no usable ${this.dateColumn} (${counts.declinedUndated} of them declined); left out`;
    // Most rows undated is a misread column or a changed date format, not redaction.
    if (counts.undated * 2 > counts.rowsRead) faults.push(undated);
    else if (counts.undated > 0) warnings.push(undated);
    if (counts.declinedWithoutPlace > 0)
      warnings.push(
        `${counts.declinedWithoutPlace} declined rows have neither facility nor city (redacted or empty); kept with their state only`,
      );
    if (counts.duplicates > 0)
      warnings.push(
        `${counts.duplicates} declined rows look like duplicates (same Unique Identifier and facility within 24 hours); counted as published`,
      );
    if (this.c.city === undefined) warnings.push('no Facility City column: facilities resolve by name only');
    // Thousands of records and not one declined: the lift reasons are spelled in a way not known here.
    if (counts.rowsKept === 0 && counts.rowsRead >= 1000)
      faults.push(`none of the ${counts.rowsRead} records has the lift reason "Detainer Declined by LEA"`);
    else if (counts.rowsKept === 0) warnings.push(`none of the ${counts.rowsRead} records has the lift reason "Detainer Declined by LEA"`);
    return {
      format: 'ddp',
      rowsRead: counts.rowsRead,
      rowsKept: counts.rowsKept,
      columns: read.columns,
      ...(counts.first !== undefined && counts.last !== undefined ? { coverage: { from: counts.first, to: counts.last } } : {}),
      warnings,
      ...(faults.length > 0 ? { faults } : {}),
    };
  }
}

async function parseDdpWith(
  file: string | ReleaseFile,
  sink: (o: Observation) => void,
  options: DdpParseOptions = {},
): Promise<ParseSummary> {
  const release = typeof file === 'string' ? await openReleaseFile(file, options.label) : file;
  return parseRows(release, [new RecordLayout(sink, release.label, options.now)], { xlsxCaps: options.xlsx });
}

/** Parser for record-level releases: DDP XLSX or Parquet, ICE FOIA and republished CSV. */
export const parseDdp: Parser = (file, sink) => parseDdpWith(file, sink);
