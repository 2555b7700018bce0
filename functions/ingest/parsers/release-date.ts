/**
 * Dates as releases write them: Excel serial numbers, ISO text, US `M/D/YYYY` with or without
 * a time, Oracle-style `14-SEP-23`. Everything becomes an ISO calendar date (`YYYY-MM-DD`);
 * the sources carry dates, not instants, so no time zone is applied.
 */
import { InvalidReleaseError } from '../../domain/release';

const MONTHS: Record<string, number> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's civil_from_days; no Date allocation). */
function isoFromEpochDays(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/**
 * Excel serial day → ISO date. Serials count from 1899-12-30 in the 1900 system (which keeps
 * Lotus' fictitious 1900-02-29, so serials below 61 are one day off; no release dates from then).
 */
function excelSerialToIsoDate(serial: number, date1904 = false): string {
  const days = Math.floor(serial + 1e-9) + (date1904 ? 1462 : 0) - 25569;
  return isoFromEpochDays(days);
}

/** Excel serial → `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS` when it carries a time of day. */
export function excelSerialToIso(serial: number, date1904 = false): string {
  const date = excelSerialToIsoDate(serial, date1904);
  const seconds = Math.round((serial - Math.floor(serial + 1e-9)) * 86400);
  if (seconds <= 0 || seconds >= 86400) return date;
  return `${date}T${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The text of each day already written: a release dates 316,000 records with a few hundred days. */
const ISO_DAYS = new Map<number, string>();
const MAX_ISO_DAYS = 1 << 16;

/** `YYYY-MM-DD` of a calendar date, or undefined when there is no such day (month 13, February 30). */
export function validDate(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1) return undefined;
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > DAYS_IN_MONTH[m - 1] + (leap ? 1 : 0)) return undefined;
  const key = y * 10000 + m * 100 + d;
  let iso = ISO_DAYS.get(key);
  if (iso === undefined) {
    if (ISO_DAYS.size >= MAX_ISO_DAYS) ISO_DAYS.clear();
    ISO_DAYS.set(key, (iso = `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`));
  }
  return iso;
}

/** The number written by the digits `text[from, to)`, or -1 when one is not a digit. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function fullYear(y: number, digits: number): number {
  if (digits > 2) return y;
  return y < 70 ? 2000 + y : 1900 + y;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]|$)/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})(?:\s|$)/;
const ORACLE = /^(\d{1,2})-([A-Za-z]{3})-(\d{2}|\d{4})(?:\s|$)/;

/**
 * A date cell or field as written by a release → `YYYY-MM-DD`, or undefined when the value is
 * empty, redacted or not a date. Numbers are Excel serials.
 */
export function parseReleaseDate(value: string | number | bigint | boolean | Date | null | undefined): string | undefined {
  if (value === undefined || value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'bigint') return epochDate(Number(value));
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : isoFromEpochDays(Math.floor(value.getTime() / 86_400_000));
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 1) return undefined;
    if (value > 2958465) return epochDate(value);
    return excelSerialToIsoDate(value);
  }
  const text = value.trim();
  if (text.length === 0) return undefined;
  // Fast path for `YYYY-MM-DD`, alone or before a time (`T09:00`, ` 12:39:31`): what the XLSX reader
  // emits for date-styled cells and what CSV exports write; anything else goes to the patterns.
  if (text.length >= 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
    const after = text.length === 10 ? 84 : text.charCodeAt(10);
    const y = digits(text, 0, 4);
    const m = digits(text, 5, 7);
    const d = digits(text, 8, 10);
    if ((after === 84 || after === 32) && y >= 0 && m >= 0 && d >= 0) return validDate(y, m, d);
  }
  let match = ISO.exec(text);
  if (match) return validDate(Number(match[1]), Number(match[2]), Number(match[3]));
  match = US.exec(text);
  if (match) return validDate(fullYear(Number(match[3]), match[3].length), Number(match[1]), Number(match[2]));
  match = ORACLE.exec(text);
  if (match) {
    const month = MONTHS[match[2].toUpperCase()];
    return month ? validDate(fullYear(Number(match[3]), match[3].length), month, Number(match[1])) : undefined;
  }
  return undefined;
}

/**
 * A number too large for an Excel serial: `20140703` (YYYYMMDD), or an epoch time from a file
 * that stored its timestamps without saying their unit (seconds, ms, µs or ns, told by size).
 */
function epochDate(value: number): string | undefined {
  if (value >= 19000101 && value <= 21001231 && Number.isInteger(value)) {
    const ymd = validDate(Math.floor(value / 10000), Math.floor(value / 100) % 100, value % 100);
    if (ymd) return ymd;
  }
  const abs = Math.abs(value);
  const perDay = abs >= 1e17 ? 8.64e13 : abs >= 1e14 ? 8.64e10 : abs >= 1e11 ? 8.64e7 : abs >= 1e8 ? 86400 : undefined;
  return perDay === undefined ? undefined : isoFromEpochDays(Math.floor(value / perDay));
}

/** No declined-detainer data predates FY2000; nothing can be dated more than a year ahead. */
export function plausibleDateRange(now: Date = new Date()): { from: string; to: string } {
  const ahead = new Date(now.getTime());
  ahead.setUTCFullYear(ahead.getUTCFullYear() + 1);
  return { from: '1999-10-01', to: ahead.toISOString().slice(0, 10) };
}

/** Throws when a date lies outside any plausible range: a sign of a misread column or a broken file. */
export function assertPlausibleDate(date: string, file: string, where: string, range = plausibleDateRange()): void {
  if (date < range.from || date > range.to) {
    throw new InvalidReleaseError(file, `${where}: date ${date} is outside the plausible range ${range.from} to ${range.to}`);
  }
}

const MONTH_WORD =
  '(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';
/** "Jan. 28", "Jan.28", "Jan 28". */
const AFTER_MONTH = String.raw`(?:\.\s*|\s+)`;
const SEPARATOR = '(?:-|–|—|to|through|thru)';
/**
 * "October 1, 2016 - December 31, 2016", "Jan. 28 – Feb. 3, 2017", "Feb 11 - 17, 2017"; the second
 * month may follow a dash or, when the dash was lost in extraction, the first day directly.
 */
const WORDED_RANGE = new RegExp(
  `\\b${MONTH_WORD}${AFTER_MONTH}(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s*(\\d{4}))?,?\\s*(?:${SEPARATOR}\\s*(?:${MONTH_WORD}${AFTER_MONTH})?|${MONTH_WORD}${AFTER_MONTH})(\\d{1,2})(?:st|nd|rd|th)?,?\\s*(\\d{4})`,
  'i',
);
const DATE_TOKEN = String.raw`(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})`;
const NUMERIC_RANGE = new RegExp(`${DATE_TOKEN}\\s*${SEPARATOR}\\s*${DATE_TOKEN}`, 'i');

/** 1–12 for a month's name or its abbreviation (`Sept.` too). */
export function monthNumber(word: string): number {
  return MONTHS[word.slice(0, 3).toUpperCase()];
}

/**
 * A period written in a title or a heading → its first and last day, or undefined. Numeric
 * (`10/1/2016 - 12/31/2016`, ISO) and worded (`October 1, 2016 through December 31, 2016`,
 * `Jan. 28 – Feb. 3, 2017`: the first year, when left out, is the second's, or the one before
 * when the months wrap over New Year).
 */
export function dateRangeIn(text: string): { from: string; to: string } | undefined {
  const worded = WORDED_RANGE.exec(text);
  if (worded) {
    const [, m1, d1, y1, m2a, m2b, d2, y2] = worded;
    const month1 = monthNumber(m1);
    const m2 = m2a ?? m2b;
    const month2 = m2 ? monthNumber(m2) : month1;
    const year2 = Number(y2);
    const year1 = y1 ? Number(y1) : month1 > month2 ? year2 - 1 : year2;
    const from = validDate(year1, month1, Number(d1));
    const to = validDate(year2, month2, Number(d2));
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
