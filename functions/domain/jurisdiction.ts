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

export interface UnresolvedFacility {
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
  /** Facility type as a record-level source writes it (`County Jail`, `Federal`, …), when it has the column. */
  facilityType?: string;
  /** ICE's code for the facility (`DENCOCO`), when the source has it. */
  facilityCode?: string;
  /** ICE area of responsibility (`Denver Area of Responsibility`), when the source has it. */
  aor?: string;
}

export interface Resolution {
  jurisdiction: Jurisdiction;
  /** Which rule placed it: for reports and tests. */
  via: 'fips' | 'alias' | 'pattern' | 'county-name' | 'gazetteer' | 'unresolved';
}

export interface Resolver {
  resolve(place: Place): Resolution;
}
