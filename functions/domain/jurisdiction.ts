/**
 * Where declined detainers are counted. A county is identified by its 5-digit FIPS code;
 * a facility that could not be placed in a county is kept as itself and flagged, never dropped.
 */
export interface County {
  kind: 'county';
  /** 5-digit county FIPS, e.g. "06111". */
  fips: string;
  /** Official name, e.g. "Ventura County", "Baltimore city", "Denver County". */
  name: string;
  /** USPS state code, e.g. "CA". */
  state: string;
}

interface UnresolvedFacility {
  kind: 'facility';
  /** The facility name as the source wrote it (trimmed, whitespace collapsed). */
  name: string;
  city?: string;
  /** USPS state code when known. */
  state?: string;
}

export type Jurisdiction = County | UnresolvedFacility;

/** Stable identity used in rankings and diffs: the FIPS code, or the facility's name and state. */
export function jurisdictionKey(j: Jurisdiction): string {
  return j.kind === 'county' ? j.fips : `facility:${j.state ?? '??'}:${j.name.toUpperCase()}`;
}

/** "Ventura County, CA" or "METRO DADE JAIL, FL (unresolved facility)". */
export function jurisdictionLabel(j: Jurisdiction): string {
  if (j.kind === 'county') return `${j.name}, ${j.state}`;
  return `${j.name}${j.state ? `, ${j.state}` : ''} (unresolved facility)`;
}

/** What a source says about where a detainer was lodged; the resolver turns it into a Jurisdiction. */
export interface Place {
  facility?: string;
  city?: string;
  /** County as written by the source (DDOR has one; DDP does not). */
  county?: string;
  /** A jurisdiction name as written in a table source ("Miami-Dade", "Denver"). */
  jurisdiction?: string;
  /** USPS code or a spelled-out state name ("NEW JERSEY"); the resolver normalises it. */
  state?: string;
  /** County FIPS code when the source gives one (`06111`; `6111` as a spreadsheet drops the zero). */
  fips?: string;
  /** The facility's kind as the source states it, when it does ("County Jail", "USMS", "SPC", or a FacilityType). */
  facilityType?: string;
  /** ICE area of responsibility ("Denver Area of Responsibility"). */
  aor?: string;
  /** ICE's code of the detention facility. */
  facilityCode?: string;
}

/**
 * Who holds a facility: a county or city jail (`local`; also `ORLEANS PARISH PRISON` and the
 * `X COUNTY PRISON`s of PA and NJ), a police precinct or lock-up (`police`), a state prison
 * (`state`), a federal facility or the US Marshals (`federal`), an ICE or contract detention
 * centre (`ice`), or none of these that the name tells (`other`).
 */
export type FacilityType = 'local' | 'police' | 'state' | 'federal' | 'ice' | 'other';

export const FACILITY_TYPES: readonly FacilityType[] = ['local', 'police', 'state', 'federal', 'ice', 'other'];

export function isFacilityType(value: string): value is FacilityType {
  return (FACILITY_TYPES as readonly string[]).includes(value);
}

export interface Resolution {
  jurisdiction: Jurisdiction;
  /** Which rule placed it: for reports and tests. */
  via: 'fips' | 'alias' | 'pattern' | 'county-name' | 'gazetteer' | 'name-city' | 'district' | 'unresolved';
  /** The facility as the source wrote it (trimmed, whitespace collapsed); absent when the source names none (tables). */
  facility?: string;
  /** What kind of facility it is; absent when there is no facility. */
  facilityType?: FacilityType;
}

export interface Resolver {
  resolve(place: Place): Resolution;
}
