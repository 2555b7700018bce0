import type { County } from '../domain/jurisdiction';
import { CountyList } from '../ingest/resolve/county-list';

let list: Promise<CountyList> | undefined;

/** The official county list (Census FIPS), loaded on first use as its own chunk. */
export function countyList(): Promise<CountyList> {
  list ??= import('../ingest/resolve/data/counties.json').then(
    (m) => new CountyList((m.default ?? m) as unknown as ConstructorParameters<typeof CountyList>[0]),
  );
  return list;
}

/**
 * A county the person typed: a FIPS code ("06111"), "Name, ST" ("Ventura County, CA"), or a bare name
 * found in exactly one of `states` (every state when none). Several matches ask for the state.
 */
export function findCounty(counties: CountyList, text: string, states: string[]): County | { ambiguous: County[] } | undefined {
  const entry = text.trim();
  if (/^\d{4,5}$/.test(entry)) return counties.byFips.get(entry.padStart(5, '0'));
  const named = /^(.*),\s*([A-Za-z]{2})$/.exec(entry);
  if (named) return counties.findByName(named[1], named[2].toUpperCase());
  const candidates = (states.length ? states : [...counties.states.keys()])
    .map((state) => counties.findByName(entry, state))
    .filter((county): county is County => county !== undefined);
  if (candidates.length > 1) return { ambiguous: candidates };
  return candidates[0];
}

export function countyLabel(counties: CountyList, fipsOrName: string): string {
  const county = counties.byFips.get(fipsOrName);
  return county ? `${county.name}, ${county.state}` : fipsOrName;
}
