import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dataDir = new URL('../../../functions/ingest/resolve/data/', import.meta.url);
const read = (file: string) => JSON.parse(readFileSync(new URL(file, dataDir), 'utf8'));

describe('derived county data', () => {
  it('lists every county once, with a 5-digit FIPS, an official name and a known state', () => {
    // Prepare
    const { states, counties } = read('counties.json') as { states: Record<string, string>; counties: string[][] };

    // Act
    const fips = counties.map(([code]) => code);
    const badRows = counties.filter(([code, name, state]) => !/^\d{5}$/.test(code) || !name || !(state in states));

    // Assess
    expect(new Set(fips).size).toBe(fips.length);
    expect(badRows).toEqual([]);
    // 3,143 counties and equivalents in the 50 states and DC, plus territories and CT's planning regions.
    expect(counties.filter(([code]) => Number(code.slice(0, 2)) <= 56).length).toBeGreaterThanOrEqual(3143);
    expect(counties).toContainEqual(['24510', 'Baltimore city', 'MD']);
    expect(counties).toContainEqual(['12086', 'Miami-Dade County', 'FL']);
    expect(counties).toContainEqual(['46102', 'Oglala Lakota County', 'SD']);
    expect(fips).not.toContain('46113');
  });

  it("points every gazetteer city at a county of the list, in the city's own state", () => {
    // Prepare
    const { counties } = read('counties.json') as { counties: string[][] };
    const { places } = read('places.json') as { places: Record<string, Record<string, string>> };
    const known = new Set(counties.map(([fips, , state]) => `${state}:${fips.slice(2)}`));

    // Act
    const dangling = Object.entries(places).flatMap(([state, cities]) =>
      Object.entries(cities)
        .filter(([, county]) => !known.has(`${state}:${county}`))
        .map(([city]) => `${city}, ${state}`),
    );

    // Assess
    expect(dangling).toEqual([]);
    expect(Object.values(places).reduce((n, cities) => n + Object.keys(cities).length, 0)).toBeGreaterThan(25_000);
  });
});
