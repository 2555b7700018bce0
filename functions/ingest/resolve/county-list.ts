import { readFileSync } from 'node:fs';
import type { County } from '../../domain/jurisdiction';
import { placeKey } from './place-name';

interface CountyFile {
  states: Record<string, string>;
  counties: [fips: string, name: string, state: string][];
}

// Longest first, so that "City and Borough" is stripped before "Borough".
const KIND_SUFFIXES = [
  ' City and Borough',
  ' Planning Region',
  ' Census Area',
  ' Municipality',
  ' Municipio',
  ' County',
  ' Parish',
  ' Borough',
  ' District',
  ' city',
];

/**
 * The official list of counties and equivalents (Census FIPS), read from `data/counties.json` which
 * `scripts/build-gazetteer.ts` derives from dataset packages.
 */
export class CountyList {
  readonly byFips = new Map<string, County>();
  /** USPS code → state name as written in the dataset. */
  readonly states = new Map<string, string>();
  // "state:key" → county; a bare name ("BALTIMORE") means the county, "BALTIMORE CITY" the independent city.
  private readonly byName = new Map<string, County>();
  private readonly independentCities = new Map<string, County>();
  /** USPS state → [bare name key, county], for names spelled with a letter wrong. */
  private readonly bareByState = new Map<string, [string, County][]>();

  constructor(file: CountyFile) {
    for (const [code, name] of Object.entries(file.states)) this.states.set(code, name);
    const bare: [string, County][] = [];
    for (const [fips, name, state] of file.counties) {
      const county: County = { kind: 'county', fips, name, state };
      this.byFips.set(fips, county);
      this.byName.set(`${state}:${placeKey(name)}`, county);
      const suffix = KIND_SUFFIXES.find((s) => name.endsWith(s));
      // Independent cities ("Richmond city") and Carson City, whose official name has a capital C.
      if (suffix === ' city' || (!suffix && name.endsWith(' City'))) {
        this.independentCities.set(`${state}:${placeKey(name.slice(0, -' city'.length))}`, county);
      }
      if (suffix) bare.push([`${state}:${placeKey(name.slice(0, -suffix.length))}`, county]);
    }
    // Counties claim bare names before independent cities do (Baltimore County over Baltimore city).
    bare.sort(([, a], [, b]) => Number(a.name.endsWith(' city')) - Number(b.name.endsWith(' city')));
    for (const [key, county] of bare) {
      if (!this.byName.has(key)) this.byName.set(key, county);
      const list = this.bareByState.get(county.state) ?? [];
      list.push([key.slice(county.state.length + 1), county]);
      this.bareByState.set(county.state, list);
    }
  }

  /**
   * The one county of the state whose name is one letter away from `name` (missing, extra, wrong or two
   * swapped: `SACRAMNTO`, `MARRICOPA`); undefined when none or several are. Names under 5 letters are not
   * guessed at: too many counties are a letter apart there.
   */
  findMisspelled(name: string, state: string): County | undefined {
    const key = placeKey(name);
    if (key.length < 5) return undefined;
    const near = (this.bareByState.get(state) ?? []).filter(([bare]) => oneEditApart(key, bare));
    const distinct = new Set(near.map(([, county]) => county.fips));
    return distinct.size === 1 ? near[0][1] : undefined;
  }

  /** "Miami-Dade", "MIAMI DADE COUNTY", "St. Louis city", "Prince George's" → the county of that state. */
  findByName(name: string, state: string): County | undefined {
    return this.byName.get(`${state}:${placeKey(name)}`);
  }

  /** An independent city or consolidated city named so ("Richmond" VA → Richmond city, "Carson" NV → Carson City). */
  findIndependentCity(name: string, state: string): County | undefined {
    const key = placeKey(name.replace(/\s+CITY$/i, ''));
    return this.independentCities.get(`${state}:${key}`);
  }

  static load(dataDir: URL): CountyList {
    return new CountyList(JSON.parse(readFileSync(new URL('counties.json', dataDir), 'utf8')) as CountyFile);
  }
}

/** True when a and b differ by exactly one inserted, deleted or replaced letter, or two swapped neighbours. */
function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
