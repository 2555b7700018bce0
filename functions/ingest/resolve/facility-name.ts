import type { StateNames } from './state';

/**
 * `SACRAMENTO CNTY JAIL, CA` → the name and `CA`; `US MARSHALS,S.DIST.FL` → `FL` (the state ends the
 * district). A trailing part that is no state is left in the name.
 */
export function stateSuffix(facility: string, states: StateNames): { name: string; state?: string } {
  const match = /^(.*?)\s*,\s*([^,]+)$/.exec(facility);
  if (!match) return { name: facility };
  const [, name, tail] = match;
  const whole = states.normalise(tail);
  if (whole) return { name, state: whole };
  const last = /\bDIST\w*\W*([A-Z]{2})\W*$/i.exec(tail)?.[1];
  const district = last ? states.normalise(last) : undefined;
  return district ? { name: facility, state: district } : { name: facility };
}

// NYPD precinct numbers by borough: 1-34 Manhattan, 40-52 Bronx, 60-94 Brooklyn, 100-115 Queens, 120-123 Staten Island.
const PRECINCT_BOROUGHS: [from: number, to: number, fips: string][] = [
  [1, 34, '36061'],
  [40, 52, '36005'],
  [60, 94, '36047'],
  [100, 115, '36081'],
  [120, 123, '36085'],
];

/**
 * A New York City police precinct (`NYPD 75TH PCT`, `NEW YORK 103 PRECINCT`) lies in the borough its number
 * says, whatever city the record gives (often `NEW YORK`, which alone would mean Manhattan).
 */
export function nycPrecinctCounty(words: readonly string[], city: string | undefined): string | undefined {
  const text = words.join(' ');
  if (!/\b(PCT|PRECINCT)\b/.test(text)) return undefined;
  const nyc = /\b(NYPD|NYC|NEW YORK|MANHATTAN|BROOKLYN|BRONX|QUEENS|STATEN ISLAND)\b/;
  if (!nyc.test(text) && !(city && nyc.test(city.toUpperCase()))) return undefined;
  const number = Number(
    /\b(\d{1,3})(?:ST|ND|RD|TH)?\s+(?:PCT|PRECINCT)\b|\b(?:PCT|PRECINCT)\s+(\d{1,3})\b/.exec(text)?.slice(1).find(Boolean),
  );
  return PRECINCT_BOROUGHS.find(([from, to]) => number >= from && number <= to)?.[2];
}

/** Words of ICE facility names that never name the place: what is left may be a city (`FDC MIAMI`, `SCI CAMP HILL`). */
const FACILITY_WORDS = new Set(
  (
    'JAIL COUNTY CNTY CO CTY PARISH PAR BOROUGH BORO DETENTION DET CENTER CTR CENT CENTRE CT FACILITY FAC CORR CORRECTIONAL ' +
    'CORRECTIONS CORRECTION INSTITUTION INST INSTITUTE PRISON PENITENTIARY PEN STATE US U S USP FDC FCI FCC FMC FPC MCC MDC ' +
    'BOP USMS USM MARSHAL MARSHALS MARSHALL MARSHALLS FEDERAL FED SCI CDCR TDCJ DOC POLICE PD NYPD PCT PRECINCT DIST DISTRICT ' +
    'DEPT DEPARTMENT OF THE AND AT SHERIFF SHERIFFS SO OFFICE SPC ICE ERO IPC PROCESSING SERVICE HOLD ROOM STAGING HUB CONTRACT ' +
    'ADULT MEN MENS WOMEN WOMENS MAIN JUSTICE REGIONAL UNIT HOUSE INTAKE BOOKING RECEPTION RECEPT YOUTH JUVENILE JUV FORMER ' +
    'COMPLEX ANNEX DIVISION STATION HQ PRE TRIAL PRETRIAL COURT COURTHOUSE HOLDING SECURITY SECURE MAX MEDIUM MINIMUM CAMP ' +
    'NORTHERN SOUTHERN EASTERN WESTERN CENTRAL MIDDLE N E W C M D ED WD ND SD CD MD'
  ).split(' '),
);

/** Runs of the name's place-like words, longest first: `US MARSHAL-SAN ANTONIO, TX` → `SAN ANTONIO`, `SAN`, `ANTONIO`. */
export function cityCandidates(words: readonly string[]): string[] {
  const runs: string[][] = [];
  let run: string[] = [];
  for (const word of words) {
    if (FACILITY_WORDS.has(word) || /^\d+(ST|ND|RD|TH)?$/.test(word)) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push(word);
  }
  if (run.length) runs.push(run);
  const candidates: string[] = [];
  for (const r of runs) {
    for (let length = Math.min(4, r.length); length >= 1; length--) {
      for (let start = 0; start + length <= r.length; start++) candidates.push(r.slice(start, start + length).join(' '));
    }
  }
  return [...new Set(candidates)].sort((a, b) => b.split(' ').length - a.split(' ').length).filter((c) => c.replace(/ /g, '').length >= 4);
}
