import type { County, FacilityType, Place, Resolution, Resolver } from '../../domain/jurisdiction';
import aliasFile from './aliases.json' with { type: 'json' };
import { CountyList } from './county-list';
import { cityCandidates, nycPrecinctCounty, stateSuffix } from './facility-name';
import { facilityType, words } from './facility-type';
import { districtSeat } from './federal-districts';
import { Gazetteer } from './gazetteer';
import { cleanName, placeKey } from './place-name';
import { StateNames } from './state';

interface AliasEntry {
  name: string;
  state: string;
  fips: string;
  /** The facility's type when its name does not tell it (`DENVER JUSTICE CENTER` is the county jail). */
  type?: FacilityType;
  why?: string;
}

interface AliasFile {
  /** Facility names that no rule places (misspellings, named centres, federal offices). */
  facilities: AliasEntry[];
  /** Place names, as a county, jurisdiction or city, that the county list and gazetteer miss or get wrong. */
  places: AliasEntry[];
}

export interface ResolverOptions {
  /** Folder holding counties.json and places.json; defaults to `data/` beside this module (or the bundle). */
  dataDir?: URL;
  /** Replaces the curated aliases.json. */
  aliases?: AliasFile;
}

interface ReferenceData {
  counties: CountyList;
  gazetteer: Gazetteer;
  states: StateNames;
}

const DEFAULT_DATA_DIR = new URL('./data/', import.meta.url);
const loaded = new Map<string, ReferenceData>();

/** Reads the data files once per process and folder: they are a third of a megabyte of JSON. */
function referenceData(dataDir: URL): ReferenceData {
  let data = loaded.get(dataDir.href);
  if (!data) {
    const counties = CountyList.load(dataDir);
    data = { counties, gazetteer: Gazetteer.load(dataDir, counties), states: new StateNames(counties.states) };
    loaded.set(dataDir.href, data);
  }
  return data;
}

/** USPS code for "NEW JERSEY", "New Jersey", "nj", "D.C.", "Puerto Rico"; undefined when not a US state or territory. */
export function normaliseState(state: string | undefined, options: Pick<ResolverOptions, 'dataDir'> = {}): string | undefined {
  return referenceData(options.dataDir ?? DEFAULT_DATA_DIR).states.normalise(state);
}

/** The county with this 5-digit FIPS code, from the official list. */
export function countyByFips(fips: string, options: Pick<ResolverOptions, 'dataDir'> = {}): County | undefined {
  return referenceData(options.dataDir ?? DEFAULT_DATA_DIR).counties.byFips.get(fips);
}

/** A redacted city (`(b)(7)(E)`) or a placeholder is no city. */
function usableCity(city: string): string | undefined {
  return /^\(?b\)?\s*\(|^(N\/?A|UNKNOWN|NONE|REDACTED)$/i.test(city) || !/[A-Za-z]{2}/.test(city) ? undefined : city;
}

const COUNTY_MARKERS = new Set(['COUNTY', 'CNTY', 'CO', 'CTY', 'PARISH', 'PAR', 'BOROUGH', 'BORO']);

/**
 * Places a facility in a county by, in order: the curated alias table (facility name + state), the name's
 * own county (`X COUNTY JAIL`, `X CO. JAIL`, `X PARISH PRISON`, `X CITY JAIL` for independent cities, an
 * NYPD precinct), the county or jurisdiction the source names, the facility's city through the gazetteer,
 * a city inside the name, a Marshals office's district seat (README.md beside this file). Anything else
 * stays a facility, flagged `unresolved`. Each resolution also says what kind of facility it is.
 * Results are cached per distinct place.
 */
export function createResolver(options: ResolverOptions = {}): Resolver {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const aliases = options.aliases ?? (aliasFile as AliasFile);
  const cache = new Map<string, Resolution>();
  let rules: Rules | undefined;

  return {
    resolve(place: Place): Resolution {
      const key = `${place.facility}\u0001${place.city}\u0001${place.state}\u0001${place.county}\u0001${place.jurisdiction}\u0001${place.fips}\u0001${place.facilityType}`;
      let resolution = cache.get(key);
      if (!resolution) {
        rules ??= new Rules(referenceData(dataDir), aliases);
        resolution = rules.resolve(place);
        cache.set(key, resolution);
      }
      return resolution;
    },
  };
}

class Rules {
  private readonly facilityAliases = new Map<string, County>();
  /** Facility name key → county, for names curated in exactly one state (used when a source gives no state). */
  private readonly facilityAliasesAnyState = new Map<string, County | null>();
  private readonly placeAliases = new Map<string, County>();
  /** Facility name key → its curated type. */
  private readonly aliasTypes = new Map<string, FacilityType>();

  constructor(
    private readonly data: ReferenceData,
    aliases: AliasFile,
  ) {
    for (const entry of aliases.facilities) {
      const county = this.aliasCounty(entry);
      this.facilityAliases.set(`${county.state}:${placeKey(entry.name)}`, county);
      const nameKey = placeKey(entry.name);
      const seen = this.facilityAliasesAnyState.get(nameKey);
      this.facilityAliasesAnyState.set(nameKey, seen === undefined || seen?.fips === county.fips ? county : null);
      if (entry.type) this.aliasTypes.set(nameKey, entry.type);
    }
    for (const entry of aliases.places) {
      const county = this.aliasCounty(entry);
      this.placeAliases.set(`${county.state}:${placeKey(entry.name)}`, county);
    }
  }

  resolve(place: Place): Resolution {
    const facility = place.facility ? cleanName(place.facility) : undefined;
    const located = this.locate(place, facility);
    if (!facility) return located;
    const type = this.aliasTypes.get(placeKey(facility)) ?? facilityType(facility, place.facilityType);
    return { ...located, facility, facilityType: type };
  }

  private locate(place: Place, facility: string | undefined): Resolution {
    // A FIPS code the source gives decides, when it names a county of the stated state (if any).
    const byFips =
      place.fips && /^\d{4,5}$/.test(place.fips.trim()) ? this.data.counties.byFips.get(place.fips.trim().padStart(5, '0')) : undefined;
    if (byFips && (!place.state || this.data.states.normalise(place.state) === byFips.state)) return { jurisdiction: byFips, via: 'fips' };
    const city = place.city ? usableCity(cleanName(place.city)) : undefined;
    const suffix = facility ? stateSuffix(facility, this.data.states) : undefined;
    let state = this.data.states.normalise(place.state) ?? suffix?.state;
    let jurisdiction = place.jurisdiction ? cleanName(place.jurisdiction) : undefined;
    if (jurisdiction && !state) {
      // "Travis County, Texas" in one cell.
      const [, name, written] = /^(.+),\s*([^,]+)$/.exec(jurisdiction) ?? [];
      const parsed = this.data.states.normalise(written);
      if (name && parsed) [jurisdiction, state] = [name, parsed];
    }
    const byName = facility ? this.byFacilityName(facility, suffix!.name, state, city) : undefined;
    if (byName) return byName;
    const byPlace = state ? this.byPlaceNames(place, jurisdiction, city, state) : undefined;
    if (byPlace) return byPlace;
    const byWords = facility && state ? this.byNameWords(suffix!.name, state) : undefined;
    if (byWords) return byWords;
    return {
      jurisdiction: {
        kind: 'facility',
        name: facility ?? jurisdiction ?? (place.county ? cleanName(place.county) : undefined) ?? city ?? '',
        ...(city ? { city } : {}),
        ...(state ? { state } : {}),
      },
      via: 'unresolved',
    };
  }

  /** The curated alias table, then the county the name carries (`X CNTY JAIL`, an NYPD precinct). */
  private byFacilityName(facility: string, bare: string, state: string | undefined, city: string | undefined): Resolution | undefined {
    const alias = state
      ? (this.facilityAliases.get(`${state}:${placeKey(facility)}`) ?? this.facilityAliases.get(`${state}:${placeKey(bare)}`))
      : (this.facilityAliasesAnyState.get(placeKey(facility)) ?? undefined);
    if (alias) return { jurisdiction: alias, via: 'alias' };
    if (!state) return undefined;
    const precinct = state === 'NY' ? nycPrecinctCounty(words(bare), city) : undefined;
    const named = (precinct ? this.data.counties.byFips.get(precinct) : undefined) ?? this.countyInFacilityName(bare, state);
    return named ? { jurisdiction: named, via: 'pattern' } : undefined;
  }

  /** The county or jurisdiction the source names, then the city it gives. */
  private byPlaceNames(place: Place, jurisdiction: string | undefined, city: string | undefined, state: string): Resolution | undefined {
    for (const name of [place.county, jurisdiction]) {
      if (!name) continue;
      // "Miami-Dade County Corrections" as a jurisdiction reads like a facility name.
      const county = this.countyNamed(cleanName(name), state) ?? this.countyInFacilityName(name, state);
      if (county) return { jurisdiction: county, via: 'county-name' };
    }
    for (const name of [city, jurisdiction]) {
      if (!name) continue;
      const county = this.countyOfCity(name, state);
      if (county) return { jurisdiction: county, via: 'gazetteer' };
    }
    // A county written in the city column ("HARRIS COUNTY", "UNINCORPORATED MARICOPA CO").
    const county = city ? this.countyInFacilityName(city, state) : undefined;
    return county ? { jurisdiction: county, via: 'county-name' } : undefined;
  }

  /** Without a usable city: a city inside the name (`FDC MIAMI`, `SCI CAMP HILL`), else a Marshals office's district seat. */
  private byNameWords(name: string, state: string): Resolution | undefined {
    const nameWords = words(name);
    for (const candidate of cityCandidates(nameWords)) {
      const county = this.countyOfCity(candidate, state);
      if (county) return { jurisdiction: county, via: 'name-city' };
    }
    if (!nameWords.some((w) => /^(MARSHALS?|MARSHALLS?|USMS|USM)$/.test(w))) return undefined;
    const seat = districtSeat(nameWords, state);
    const county = seat ? this.countyOfCity(seat, state) : undefined;
    return county ? { jurisdiction: county, via: 'district' } : undefined;
  }

  /**
   * `MIAMI-DADE COUNTY JAIL`, `CONTRA COSTA CO. JAIL`, `ORLEANS PARISH PRISON`, `COUNTY OF SANTA CLARA`, `RICHMOND CITY JAIL`,
   * `CITY OF BALTIMORE`. "X CITY" counts only for an independent or consolidated city: Union City NJ is no Union County.
   */
  private countyInFacilityName(facility: string, state: string): County | undefined {
    const nameWords = words(facility);
    for (let i = 0; i < nameWords.length; i++) {
      const marker = nameWords[i];
      if (COUNTY_MARKERS.has(marker)) {
        // Longest run of words before the marker first: "NEW HANOVER COUNTY" before "HANOVER COUNTY".
        for (let start = 0; start < i; start++) {
          const county = this.countyNamed(nameWords.slice(start, i).join(' '), state);
          if (county) return county;
        }
        // A county name with a letter missing or wrong (`SACRAMNTO CNTY JAIL`), read only next to its marker.
        for (let start = Math.max(0, i - 3); start < i; start++) {
          const county = this.data.counties.findMisspelled(nameWords.slice(start, i).join(' '), state);
          if (county) return county;
        }
        if (nameWords[i + 1] === 'OF') {
          for (let end = nameWords.length; end > i + 2; end--) {
            const county = this.countyNamed(nameWords.slice(i + 2, end).join(' '), state);
            if (county) return county;
          }
        }
      } else if (marker === 'CITY') {
        const names = [];
        for (let start = 0; start < i; start++) names.push(nameWords.slice(start, i).join(' '));
        if (nameWords[i + 1] === 'OF')
          for (let end = nameWords.length; end > i + 2; end--) names.push(nameWords.slice(i + 2, end).join(' '));
        for (const name of names) {
          const county = this.data.counties.findIndependentCity(name, state) ?? this.placeAliases.get(`${state}:${placeKey(name)}`);
          if (county) return county;
        }
      }
    }
    return undefined;
  }

  /** A county as a source names it: "Miami-Dade", "Travis County", "TRAVIS CO.", "Dade", "Baltimore City". */
  private countyNamed(name: string, state: string): County | undefined {
    const counties = this.data.counties;
    const bare = name.replace(/[\s.]+(COUNTY|CNTY|CO|CTY|PARISH|PAR|BOROUGH|BORO)\.?$/i, '');
    return (
      counties.findByName(name, state) ??
      counties.findByName(bare, state) ??
      this.placeAliases.get(`${state}:${placeKey(name)}`) ??
      this.placeAliases.get(`${state}:${placeKey(bare)}`)
    );
  }

  /** Curated places (boroughs, consolidated cities) first, then independent cities, then the gazetteer. */
  private countyOfCity(city: string, state: string): County | undefined {
    return (
      this.placeAliases.get(`${state}:${placeKey(city)}`) ??
      this.data.counties.findIndependentCity(city, state) ??
      this.data.gazetteer.find(city, state)
    );
  }

  private aliasCounty(entry: AliasEntry): County {
    const county = this.data.counties.byFips.get(entry.fips);
    if (!county || county.state !== entry.state) {
      throw new Error(`aliases: ${entry.name} (${entry.state}) points at ${entry.fips}, not a county of that state`);
    }
    return county;
  }
}
