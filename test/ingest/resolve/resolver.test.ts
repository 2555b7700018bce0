import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { County, Place, Resolution } from '../../../functions/domain/jurisdiction';
import aliasFile from '../../../functions/ingest/resolve/aliases.json' with { type: 'json' };
import { countyByFips, createResolver, normaliseState } from '../../../functions/ingest/resolve/resolver';
import { nprFacilities } from './npr-facilities';

const fipsOf = (resolution: Resolution) =>
  resolution.jurisdiction.kind === 'county' ? resolution.jurisdiction.fips : `unresolved:${resolution.jurisdiction.name}`;

describe('resolver on the real NPR facility names', () => {
  const expected: Record<string, string> = {
    'CONTRA COSTA CO. JAIL': '06013',
    'VISTA DETENTION FACILITY': '06073',
    'US MARSHALS, COLORADO': '08031',
    'DENVER HOLD ROOM': '08031',
    'DENVER JUSTICE CENTER': '08031',
    'GILLIAM YOUTH CENTER': '08031',
    'DALHIA STREET YOUTH CENTE': '08031',
    'DENVER COUNTY JAIL': '08031',
    'REGAL 8 INN': '08031',
    'KROME NORTH SPC': '12086',
    'TURNER GUIFORD KNIGHT (TGK) JAIL': '12086',
    'EVERGALDES CORR. INSTITUTION': '12086',
    'KROME/MIAMI HUB': '12086',
    'US MARSHALS,S.DIST.FL': '12086',
    'METRO DADE JAIL': '12086',
    'SOUTH FLORIDA RECEPT CENT': '12086',
    'MIAMI STAGING FACILITY': '12086',
    'DADE COUNTY CORRECTIONAL': '12086',
    'MIAMI FED.DET.CENTER': '12086',
    'MIAMI FCI (FORMER MCC)': '12086',
  };

  it('finds every facility name of the NPR files', () => {
    // Prepare
    const facilities = nprFacilities();

    // Act
    const names = facilities.map((f) => f.name).sort();

    // Assess
    expect(names).toEqual(Object.keys(expected).sort());
  });

  it('places every NPR facility in its county, with the state of its file', () => {
    // Prepare
    const resolver = createResolver();
    const facilities = nprFacilities();

    // Act
    const placed = facilities.map((f) => [f.name, fipsOf(resolver.resolve({ facility: f.name, state: f.state }))]);
    const resolvedShare = placed.filter(([, fips]) => !fips.startsWith('unresolved')).length / placed.length;

    // Assess
    console.info(`NPR facility names resolved: ${(resolvedShare * 100).toFixed(1)}% of ${placed.length}`);
    expect(Object.fromEntries(placed)).toEqual(expected);
    expect(resolvedShare).toBe(1);
  });

  it('places the NPR facilities without a state too, since each curated name belongs to one state', () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const placed = nprFacilities().map((f) => [f.name, fipsOf(resolver.resolve({ facility: f.name }))]);

    // Assess
    expect(Object.fromEntries(placed)).toEqual(expected);
  });

  it('places the county-named NPR facilities by pattern alone, without their curated aliases', () => {
    // Prepare
    const resolver = createResolver({ aliases: { facilities: [], places: aliasFile.places } });

    // Act
    const placed = ['DENVER COUNTY JAIL', 'CONTRA COSTA CO. JAIL', 'DADE COUNTY CORRECTIONAL'].map((facility) =>
      resolver.resolve({ facility, state: facility.startsWith('DENVER') ? 'CO' : facility.startsWith('DADE') ? 'FL' : 'CA' }),
    );

    // Assess
    expect(placed.map((r) => [fipsOf(r), r.via])).toEqual([
      ['08031', 'pattern'],
      ['06013', 'pattern'],
      ['12086', 'pattern'],
    ]);
  });

  it('names the facility as the source wrote it in the state the source gave: "NEW JERSEY" style state names', () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const resolution = resolver.resolve({ facility: '  TURNER GUIFORD KNIGHT (TGK)   JAIL ', state: 'FLORIDA' });

    // Assess
    expect(resolution).toEqual({
      jurisdiction: { kind: 'county', fips: '12086', name: 'Miami-Dade County', state: 'FL' },
      via: 'alias',
      facility: 'TURNER GUIFORD KNIGHT (TGK) JAIL',
      facilityType: 'local',
    });
  });
});

describe('resolver on facility names across states', () => {
  const cases: [facility: string, state: string, fips: string, via: Resolution['via']][] = [
    ['TURNER GUIFORD KNIGHT (TGK) JAIL', 'FL', '12086', 'alias'],
    ['METRO WEST DETENTION CENTER', 'FL', '12086', 'alias'],
    ['ORANGE COUNTY JAIL', 'FLORIDA', '12095', 'pattern'],
    ['ORANGE COUNTY JAIL', 'CALIFORNIA', '06059', 'pattern'],
    ["LOS ANGELES COUNTY MEN'S CENTRAL JAIL", 'CA', '06037', 'pattern'],
    ['SANTA CLARA CO. MAIN JAIL', 'CA', '06085', 'pattern'],
    ['SAN FRANCISCO COUNTY JAIL #2', 'CA', '06075', 'pattern'],
    ['TWIN TOWERS CORRECTIONAL FACILITY', 'CA', '06037', 'alias'],
    ['DENVER COUNTY JAIL', 'CO', '08031', 'alias'],
    ['ARAPAHOE CO JAIL', 'COLORADO', '08005', 'pattern'],
    ['HARRIS COUNTY JAIL', 'TEXAS', '48201', 'pattern'],
    ["TRAVIS COUNTY SHERIFF'S OFFICE", 'TX', '48453', 'pattern'],
    ['COOK COUNTY DEPT OF CORRECTIONS', 'ILLINOIS', '17031', 'pattern'],
    ['KING COUNTY CORRECTIONAL FACILITY', 'WASHINGTON', '53033', 'pattern'],
    ['NORTHWEST DETENTION CENTER', 'WA', '53053', 'alias'],
    ['ORLEANS PARISH PRISON', 'LOUISIANA', '22071', 'pattern'],
    ['ST. TAMMANY PARISH JAIL', 'LA', '22103', 'pattern'],
    ["PRINCE GEORGE'S COUNTY DETENTION CENTER", 'MARYLAND', '24033', 'pattern'],
    ['BALTIMORE COUNTY DETENTION CENTER', 'MD', '24005', 'pattern'],
    ['BALTIMORE CITY DETENTION CENTER', 'MD', '24510', 'pattern'],
    ['DEKALB COUNTY JAIL', 'GEORGIA', '13089', 'pattern'],
    ['STEWART DETENTION CENTER', 'GA', '13259', 'alias'],
    ['NASSAU COUNTY CORRECTIONAL CENTER', 'NEW YORK', '36059', 'pattern'],
    ['RIKERS ISLAND', 'NY', '36005', 'alias'],
    ['ESSEX COUNTY CORRECTIONAL FACILITY', 'NEW JERSEY', '34013', 'pattern'],
    ['MATANUSKA-SUSITNA BOROUGH JAIL', 'ALASKA', '02170', 'pattern'],
    ['RICHMOND CITY JAIL', 'VIRGINIA', '51760', 'pattern'],
    ['JAMES CITY COUNTY JAIL', 'VA', '51095', 'pattern'],
    ['ST. LOUIS CITY JUSTICE CENTER', 'MISSOURI', '29510', 'pattern'],
    ['ST. LOUIS COUNTY JAIL', 'MO', '29189', 'pattern'],
    ['CARSON CITY JAIL', 'NEVADA', '32510', 'pattern'],
    ['COUNTY OF SANTA CLARA ELMWOOD', 'CA', '06085', 'pattern'],
    ['CITY OF ALEXANDRIA ADC', 'VA', '51510', 'pattern'],
    ['PHILADELPHIA CITY JAIL', 'PA', '42101', 'pattern'],
  ];

  it.each(cases)('%s, %s → %s by %s', (facility, state, fips, via) => {
    // Prepare
    const resolver = createResolver();

    // Act
    const resolution = resolver.resolve({ facility, state });

    // Assess
    expect({ fips: fipsOf(resolution), via: resolution.via }).toEqual({ fips, via });
  });

  it('covers enough states to mean something', () => {
    // Prepare
    const states = new Set(cases.map(([, state]) => normaliseState(state)));

    // Act
    const size = states.size;

    // Assess
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(size).toBeGreaterThanOrEqual(8);
  });

  it("prefers the facility name over the city: a county jail is the county's even in another county's city", () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const resolution = resolver.resolve({ facility: 'FAIRFAX COUNTY ADULT DETENTION CENTER', city: 'FAIRFAX', state: 'VA' });

    // Assess
    expect(fipsOf(resolution)).toBe('51059');
  });

  it('does not read a county out of a city that merely ends in "City": Union City NJ is in Hudson County, not Union', () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const resolution = resolver.resolve({ facility: 'UNION CITY POLICE DEPARTMENT', state: 'NJ' });

    // Assess
    expect({ fips: fipsOf(resolution), via: resolution.via }).toEqual({ fips: '34017', via: 'name-city' });
  });
});

describe('resolver by city and state', () => {
  const cases: [city: string, state: string, fips: string][] = [
    ['MIAMI', 'FLORIDA', '12086'],
    ['SANTA ANA', 'CA', '06059'],
    ['AUSTIN', 'TEXAS', '48453'],
    ['CHICAGO', 'ILLINOIS', '17031'],
    ['SEATTLE', 'WA', '53033'],
    ['BALTIMORE', 'MARYLAND', '24510'],
    ['QUEENS', 'NEW YORK', '36081'],
    ['JAMAICA', 'NEW YORK', '36081'],
    ['BROOKLYN', 'NEW YORK', '36047'],
    ['MANHATTAN', 'NY', '36061'],
    ['BRONX', 'NEW YORK', '36005'],
    ['STATEN ISLAND', 'NEW YORK', '36085'],
    ['NEW YORK', 'NEW YORK', '36061'],
    ['SAN FRANCISCO', 'CALIFORNIA', '06075'],
    ['DENVER', 'COLORADO', '08031'],
    ['RICHMOND', 'VIRGINIA', '51760'],
    ['ST. LOUIS', 'MISSOURI', '29510'],
    ['SAINT LOUIS', 'MO', '29510'],
    ['CARSON CITY', 'NEVADA', '32510'],
    ['NASHVILLE', 'TENNESSEE', '47037'],
    ['INDIANAPOLIS', 'INDIANA', '18097'],
    ['JACKSONVILLE', 'FLORIDA', '12031'],
    ['PHILADELPHIA', 'PENNSYLVANIA', '42101'],
    ['ALEXANDRIA', 'VIRGINIA', '51510'],
    ['TACOMA', 'WASHINGTON', '53053'],
    ['ELIZABETH', 'NEW JERSEY', '34039'],
    ['NEWARK', 'NEW JERSEY', '34013'],
    ['PHOENIX', 'ARIZONA', '04013'],
    ['ATLANTA', 'GEORGIA', '13121'],
    ['HOUSTON', 'TEXAS', '48201'],
    ['FT. LAUDERDALE', 'FLORIDA', '12011'],
    ['WASHINGTON', 'DISTRICT OF COLUMBIA', '11001'],
    ['SAN JUAN', 'PUERTO RICO', '72127'],
    ['MARTINEZ', 'CALIFORNIA', '06013'],
    ['VISTA', 'CALIFORNIA', '06073'],
  ];

  it.each(cases)('%s, %s → %s', (city, state, fips) => {
    // Prepare
    const resolver = createResolver();

    // Act
    const resolution = resolver.resolve({ facility: 'US MARSHALS SERVICE', city, state });

    // Assess
    expect(fipsOf(resolution)).toBe(fips);
    expect(['gazetteer', 'alias']).toContain(resolution.via);
  });

  it('resolves a federal facility like any other, by its city and state', () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const resolution = resolver.resolve({ facility: 'FCI TERMINAL ISLAND', city: 'SAN PEDRO', state: 'CALIFORNIA' });

    // Assess
    expect(resolution).toEqual({
      jurisdiction: { kind: 'county', fips: '06037', name: 'Los Angeles County', state: 'CA' },
      via: 'gazetteer',
      facility: 'FCI TERMINAL ISLAND',
      facilityType: 'federal',
    });
  });
});

describe('resolver on county and jurisdiction names given by the source', () => {
  const cases: [place: Place, fips: string][] = [
    [{ jurisdiction: 'Miami-Dade', state: 'FL' }, '12086'],
    [{ jurisdiction: 'Denver', state: 'CO' }, '08031'],
    [{ jurisdiction: 'Clark', state: 'NV' }, '32003'],
    [{ jurisdiction: 'Los Angeles', state: 'CA' }, '06037'],
    [{ jurisdiction: 'Ventura', state: 'California' }, '06111'],
    [{ jurisdiction: 'Travis County, Texas' }, '48453'],
    [{ jurisdiction: 'Dade', state: 'FL' }, '12086'],
    [{ jurisdiction: 'Dade', state: 'GA' }, '13083'],
    [{ jurisdiction: 'Baltimore City', state: 'MD' }, '24510'],
    [{ jurisdiction: 'Baltimore', state: 'MD' }, '24005'],
    [{ county: 'TRAVIS', state: 'TX', facility: 'TRAVIS CORRECTIONAL COMPLEX' }, '48453'],
    [{ county: 'Franklin Co.', state: 'IA', facility: 'FRANKLIN CO. SHERIFF' }, '19069'],
    [{ county: 'DOÑA ANA', state: 'NM' }, '35013'],
    [{ county: 'LaPorte', state: 'IN' }, '18091'],
    [{ county: 'Saint Lucie', state: 'FL' }, '12111'],
    [{ jurisdiction: 'Santa Ana', state: 'CA' }, '06059'],
    [{ jurisdiction: 'Miami-Dade County Corrections', state: 'FL' }, '12086'],
  ];

  it.each(cases)('%j → %s', (place, fips) => {
    // Prepare
    const resolver = createResolver();

    // Act
    const resolution = resolver.resolve(place);

    // Assess
    expect(fipsOf(resolution)).toBe(fips);
  });

  it("says the county came from the source's own county name", () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const resolution = resolver.resolve({ jurisdiction: 'Clark', state: 'NV' });

    // Assess
    expect(resolution.via).toBe('county-name');
  });
});

describe('resolver on what it cannot place', () => {
  it('keeps an unknown facility as itself, with its city and USPS state', () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const resolution = resolver.resolve({ facility: ' REGIONAL   HOLD ROOM ', city: 'NOWHERE SPRINGS', state: 'NEW JERSEY' });

    // Assess
    expect(resolution).toEqual({
      jurisdiction: { kind: 'facility', name: 'REGIONAL HOLD ROOM', city: 'NOWHERE SPRINGS', state: 'NJ' },
      via: 'unresolved',
      facility: 'REGIONAL HOLD ROOM',
      facilityType: 'ice',
    });
  });

  it('keeps a county-named facility unresolved when no state says which county', () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const resolution = resolver.resolve({ facility: 'ORANGE COUNTY JAIL' });

    // Assess
    expect(resolution).toEqual({
      jurisdiction: { kind: 'facility', name: 'ORANGE COUNTY JAIL' },
      via: 'unresolved',
      facility: 'ORANGE COUNTY JAIL',
      facilityType: 'local',
    });
  });

  it('drops a state it cannot read rather than inventing one, and never throws on an empty place', () => {
    // Prepare
    const resolver = createResolver();

    // Act
    const unknownState = resolver.resolve({ facility: 'SOME JAIL', state: 'ATLANTIS' });
    const empty = resolver.resolve({});

    // Assess
    expect(unknownState.jurisdiction).toEqual({ kind: 'facility', name: 'SOME JAIL' });
    expect(empty.via).toBe('unresolved');
  });

  it('gives the same resolution object for a place it has seen, so a large file resolves each place once', () => {
    // Prepare
    const resolver = createResolver();
    const place = { facility: 'HARRIS COUNTY JAIL', city: 'HOUSTON', state: 'TEXAS' };

    // Act
    const first = resolver.resolve(place);
    const second = resolver.resolve({ ...place });

    // Assess
    expect(second).toBe(first);
  });
});

describe('state names', () => {
  it.each([
    ['NEW JERSEY', 'NJ'],
    ['New Jersey', 'NJ'],
    ['nj', 'NJ'],
    ['N.J.', 'NJ'],
    ['D.C.', 'DC'],
    ['DISTRICT OF COLUMBIA', 'DC'],
    ['Washington, D.C.', 'DC'],
    ['WASHINGTON', 'WA'],
    ['MT', 'MT'],
    ['PUERTO RICO', 'PR'],
    ['Guam', 'GU'],
    ['U.S. Virgin Islands', 'VI'],
  ])('%s → %s', (written, code) => {
    // Act
    const state = normaliseState(written);

    // Assess
    expect(state).toBe(code);
  });

  it.each([[''], ['ATLANTIS'], ['Calif'], [undefined]])('%j is no state', (written) => {
    // Act
    const state = normaliseState(written);

    // Assess
    expect(state).toBeUndefined();
  });
});

describe('curated aliases', () => {
  it.each([...aliasFile.facilities, ...aliasFile.places].map((e) => [e.name, e.state, e.fips]))(
    '%s, %s points at a county of that state (%s)',
    (_name, state, fips) => {
      // Act
      const county = countyByFips(fips) as County;

      // Assess
      expect(county.state).toBe(state);
      expect(county.fips).toBe(fips);
    },
  );

  it('refuses an alias that points outside its state', () => {
    // Prepare
    const resolver = createResolver({
      aliases: { facilities: [{ name: 'MISPLACED JAIL', state: 'TX', fips: '12086' }], places: [] },
    });

    // Act
    const act = () => resolver.resolve({ facility: 'ANY', state: 'TX' });

    // Assess
    expect(act).toThrow(/MISPLACED JAIL \(TX\) points at 12086/);
  });
});

describe('resolver data folder', () => {
  it('reads its data from the folder it is given, as a bundle ships it beside itself', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'resolver-data-'));
    cpSync(new URL('../../../functions/ingest/resolve/data/', import.meta.url), dir, { recursive: true });
    const resolver = createResolver({ dataDir: pathToFileURL(`${dir}/`) });

    // Act
    const resolution = resolver.resolve({ facility: 'US MARSHALS SERVICE', city: 'SEATTLE', state: 'WASHINGTON' });

    // Assess
    expect(fipsOf(resolution)).toBe('53033');
    rmSync(dir, { recursive: true });
  });

  it('fails with the missing file named when the folder has no data', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'resolver-empty-'));
    const resolver = createResolver({ dataDir: pathToFileURL(`${dir}/`) });

    // Act
    const act = () => resolver.resolve({ city: 'SEATTLE', state: 'WA' });

    // Assess
    expect(act).toThrow(/counties\.json/);
    rmSync(dir, { recursive: true });
  });
});

describe('resolver with a FIPS code from the source', () => {
  const resolver = createResolver();

  it.each([
    [{ jurisdiction: 'Ventura', state: 'CA', fips: '06111' }, '06111'],
    // A spreadsheet stores the code as a number and drops the leading zero.
    [{ jurisdiction: 'Ventura', state: 'CA', fips: '6111' }, '06111'],
    // The code decides over a name the other rules could not place.
    [{ jurisdiction: 'Dade Metro Area', state: 'FL', fips: '12086' }, '12086'],
    [{ facility: 'SOME JAIL', fips: '08031' }, '08031'],
  ])('places %o by its code', (place: Place, fips) => {
    // Act
    const resolution = resolver.resolve(place);

    // Assess
    expect(fipsOf(resolution)).toBe(fips);
    expect(resolution.via).toBe('fips');
  });

  it('does not trust a code that contradicts the stated state, or one that names no county', () => {
    // Act
    const contradicting = resolver.resolve({ jurisdiction: 'Clark', state: 'NV', fips: '06111' });
    const unknown = resolver.resolve({ jurisdiction: 'Clark', state: 'NV', fips: '99999' });

    // Assess: the name rules place both in Clark County, NV
    expect([fipsOf(contradicting), contradicting.via]).toEqual(['32003', 'county-name']);
    expect([fipsOf(unknown), unknown.via]).toEqual(['32003', 'county-name']);
  });
});
