import { describe, expect, it } from 'vitest';
import type { FacilityType } from '../../../functions/domain/jurisdiction';
import { FACILITY_TYPES } from '../../../functions/domain/jurisdiction';
import { countyByFips, createResolver } from '../../../functions/ingest/resolve/resolver';
import { ICE_FACILITY_CASES } from './ice-facility-names';

const resolveCase = (resolver: ReturnType<typeof createResolver>, c: (typeof ICE_FACILITY_CASES)[number]) =>
  resolver.resolve({ facility: c.facility, ...(c.city ? { city: c.city } : {}), ...(c.state ? { state: c.state } : {}) });

describe('resolver on facility names as ICE writes them', () => {
  it('has a test set worth the name: 150+ names, every expected code a county, every facility type present', () => {
    // Prepare
    const types = new Set(ICE_FACILITY_CASES.map((c) => c.type));

    // Act
    const unknownCodes = ICE_FACILITY_CASES.filter((c) => !countyByFips(c.fips)).map((c) => c.fips);

    // Assess
    expect(ICE_FACILITY_CASES.length).toBeGreaterThanOrEqual(150);
    expect(unknownCodes).toEqual([]);
    expect([...types].sort()).toEqual(FACILITY_TYPES.filter((t) => t !== 'other').sort());
  });

  it('places at least 99% of them in their county and classes at least 99% right', () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const results = ICE_FACILITY_CASES.map((c) => {
      const resolution = resolveCase(resolver, c);
      const fips = resolution.jurisdiction.kind === 'county' ? resolution.jurisdiction.fips : null;
      return { ...c, gotFips: fips, gotType: resolution.facilityType, via: resolution.via };
    });
    const placed = results.filter((r) => r.gotFips === r.fips);
    const classed = results.filter((r) => r.gotType === r.type);
    const byType = new Map<FacilityType, number>();
    for (const r of results) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    console.info(
      `ICE facility names: ${placed.length}/${results.length} placed in the expected county, ${classed.length}/${results.length} classed right; ` +
        [...byType].map(([type, n]) => `${type} ${n}`).join(', '),
    );

    // Assess
    expect(results.filter((r) => r.gotFips !== r.fips).map((r) => `${r.facility} → ${r.gotFips ?? 'unresolved'} (${r.via})`)).toEqual([]);
    expect(placed.length / results.length).toBeGreaterThanOrEqual(0.99);
    expect(classed.length / results.length).toBeGreaterThanOrEqual(0.99);
  });

  it.each([
    ['SACRAMNTO CNTY JAIL, CA', 'CALIFORNIA', '06067'],
    ['GWINNET CO JAIL', 'GEORGIA', '13135'],
  ])('reads %s, a county name with a letter missing, next to its county marker', (facility, state, fips) => {
    // Prepare
    const resolver = createResolver();

    // Act
    const resolution = resolver.resolve({ facility, state });

    // Assess
    expect(resolution.jurisdiction).toMatchObject({ kind: 'county', fips });
    expect(resolution.via).toBe('pattern');
  });

  it('does not guess a misspelt name without a county marker, nor a short one that several counties are a letter from', () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const unmarked = resolver.resolve({ facility: 'SACRAMNTO JAIL', state: 'CA' });
    const short = resolver.resolve({ facility: 'POLL CO JAIL', state: 'IA' });

    // Assess
    expect(unmarked.via).toBe('unresolved');
    expect(short.via).toBe('unresolved');
  });

  it('puts an NYPD precinct in the borough its number says, though the city column says NEW YORK', () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const bronx = resolver.resolve({ facility: 'NYPD 46TH PCT', city: 'NEW YORK', state: 'NEW YORK' });
    const queens = resolver.resolve({ facility: 'NEW YORK 110 PRECINCT', state: 'NY' });

    // Assess
    expect([bronx.jurisdiction, queens.jurisdiction]).toMatchObject([{ fips: '36005' }, { fips: '36081' }]);
  });

  it('places a Marshals office without a city at its district seat, and says so', () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const eastTexas = resolver.resolve({ facility: 'US MARSHALS, E.DIST.TX' });
    const westWashington = resolver.resolve({ facility: 'USMS WESTERN DISTRICT OF WASHINGTON', state: 'WA' });

    // Assess
    expect(eastTexas).toMatchObject({ jurisdiction: { fips: '48423' }, via: 'district', facilityType: 'federal' });
    expect(westWashington).toMatchObject({ jurisdiction: { fips: '53033' }, via: 'district' });
  });

  it('takes a stated facility type over the name, and a curated alias type over both', () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const stated = resolver.resolve({ facility: 'SOME DETENTION CENTER', state: 'TX', facilityType: 'USMS' });
    const curated = resolver.resolve({ facility: 'DENVER JUSTICE CENTER', state: 'CO' });

    // Assess
    expect(stated.facilityType).toBe('federal');
    expect(curated.facilityType).toBe('local');
  });

  it('reads a county written in the city column', () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const resolution = resolver.resolve({ facility: 'SHERIFF ANNEX', city: 'UNINCORPORATED MARICOPA CO', state: 'ARIZONA' });

    // Assess
    expect(resolution).toMatchObject({ jurisdiction: { fips: '04013' }, via: 'county-name' });
  });

  it('treats a redacted city as no city', () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const resolution = resolver.resolve({ facility: 'SOME LOCKUP', city: '(b)(7)(E)', state: 'TEXAS' });

    // Assess
    expect(resolution.jurisdiction).toEqual({ kind: 'facility', name: 'SOME LOCKUP', state: 'TX' });
  });
});
