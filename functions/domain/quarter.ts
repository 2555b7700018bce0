/**
 * Federal fiscal quarters. FY2017 began on 1 October 2016, so FY2017Q1 = Oct–Dec 2016.
 * All arithmetic is on UTC calendar dates (`YYYY-MM-DD`); the sources carry dates, not instants.
 */
export type QuarterId = `FY${number}Q${1 | 2 | 3 | 4}`;

/** A span of calendar days, both ends inclusive, as ISO dates. */
export interface DateRange {
  from: string;
  to: string;
}

const QUARTER_PATTERN = /^FY(\d{4})\s*Q([1-4])$/i;

export function parseQuarter(text: string): QuarterId {
  const match = QUARTER_PATTERN.exec(text.trim());
  if (!match) throw new Error(`not a fiscal quarter: "${text}" (expected e.g. FY2017Q1)`);
  return `FY${Number(match[1])}Q${Number(match[2]) as 1 | 2 | 3 | 4}`;
}

export function isQuarterId(text: string): text is QuarterId {
  return QUARTER_PATTERN.test(text) && text === text.toUpperCase() && !/\s/.test(text);
}

/** The fiscal quarter a calendar date (`YYYY-MM-DD`) falls in. */
export function quarterOf(date: string): QuarterId {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  if (!Number.isInteger(year) || month < 1 || month > 12) throw new Error(`not a date: "${date}"`);
  const fiscalYear = month >= 10 ? year + 1 : year;
  const q = (Math.floor(((month + 2) % 12) / 3) + 1) as 1 | 2 | 3 | 4;
  return `FY${fiscalYear}Q${q}`;
}

function parts(id: QuarterId): { fy: number; q: number } {
  const match = QUARTER_PATTERN.exec(id);
  if (!match) throw new Error(`not a fiscal quarter: "${id}"`);
  return { fy: Number(match[1]), q: Number(match[2]) };
}

/** First and last calendar day of a quarter. */
export function quarterRange(id: QuarterId): DateRange {
  const { fy, q } = parts(id);
  const startMonth = ((q - 1) * 3 + 9) % 12; // 0-based: Q1 → 9 (October)
  const startYear = q === 1 ? fy - 1 : fy;
  const from = new Date(Date.UTC(startYear, startMonth, 1));
  const to = new Date(Date.UTC(startYear, startMonth + 3, 0));
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}

/** "FY2017 Q1" — how people write it in subjects and tables. */
export function formatQuarter(id: QuarterId): string {
  const { fy, q } = parts(id);
  return `FY${fy} Q${q}`;
}

export function compareQuarters(a: QuarterId, b: QuarterId): number {
  const pa = parts(a);
  const pb = parts(b);
  return pa.fy - pb.fy || pa.q - pb.q;
}

export function nextQuarter(id: QuarterId): QuarterId {
  const { fy, q } = parts(id);
  return q === 4 ? `FY${fy + 1}Q1` : `FY${fy}Q${(q + 1) as 2 | 3 | 4}`;
}

/** Every quarter touched by a date range, in order. */
export function quartersIn(range: DateRange): QuarterId[] {
  const out: QuarterId[] = [];
  const last = quarterOf(range.to);
  for (let q = quarterOf(range.from); compareQuarters(q, last) <= 0; q = nextQuarter(q)) out.push(q);
  return out;
}

/** A quarter is complete for a release only when the release's coverage spans all of it. */
export function isQuarterComplete(id: QuarterId, coverage: DateRange): boolean {
  const range = quarterRange(id);
  return coverage.from <= range.from && coverage.to >= range.to;
}

export function previousQuarter(id: QuarterId): QuarterId {
  const { fy, q } = parts(id);
  return q === 1 ? `FY${fy - 1}Q4` : `FY${fy}Q${(q - 1) as 1 | 2 | 3}`;
}
