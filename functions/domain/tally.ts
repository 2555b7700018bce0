import type { FacilityType, Jurisdiction, Place, Resolver } from './jurisdiction';
import { jurisdictionKey } from './jurisdiction';
import type { DateRange, QuarterId } from './quarter';
import { isQuarterComplete, quarterOf, quartersIn } from './quarter';
import type { FacilityTally, Ranking, Tally } from './ranking';
import { rankTallies } from './ranking';
import type { Observation } from './release';

/** A facility no rule placed in a county, with what it counted. */
export interface UnplacedFacility {
  name: string;
  city?: string;
  state?: string;
  declined: number;
  /** Detainers received there; absent when the source has no denominator. */
  received?: number;
}

/** Where one distinct place of the source counts: resolved once, reused for every record that names it. */
interface PlaceSlot {
  key: string;
  jurisdiction: Jurisdiction;
  facility?: string;
  facilityType?: FacilityType;
  /** Where this place counts in each quarter: its county's tally and its facility's, found once. */
  byQuarter?: Map<QuarterId, { tally: CountyTally; facility?: FacilityTally }>;
}

interface CountyTally {
  jurisdiction: Jurisdiction;
  declined: number;
  received?: number;
  categories?: Record<string, number>;
  facilities?: Map<string, FacilityTally>;
}

/**
 * Counts detainers per fiscal quarter and jurisdiction while a parser streams observations, keeping
 * unresolved facilities as their own rows so nothing is dropped. Record-level sources send every
 * record (316,000 in a real release, most not declined), so the work per observation is a place
 * lookup in a memo and a few additions: the resolver runs once per distinct place.
 */
export class QuarterTallies {
  private readonly quarters = new Map<QuarterId, Map<string, CountyTally>>();
  private readonly slots = new Map<string | undefined, Map<string | undefined, Map<string | undefined, PlaceSlot>>>();
  /** By the record's date (the same few hundred days recur; slicing out the month per record would allocate). */
  private readonly quarterByDate = new Map<string, QuarterId>();
  private resolved = 0;
  private unresolvedTotal = 0;
  private readonly unresolved = new Map<string, UnplacedFacility>();
  private firstDate?: string;
  private lastDate?: string;

  constructor(private readonly resolver: Resolver) {}

  add(observation: Observation): void {
    const quarter = observation.quarter ?? (observation.date ? this.quarterOf(observation.date) : undefined);
    if (!quarter) return;
    const { date, count, received, category } = observation;
    if (date) {
      if (!this.firstDate || date < this.firstDate) this.firstDate = date;
      if (!this.lastDate || date > this.lastDate) this.lastDate = date;
    }
    const slot = this.slotOf(observation.place);
    slot.byQuarter ??= new Map();
    let counts = slot.byQuarter.get(quarter);
    if (!counts) slot.byQuarter.set(quarter, (counts = { tally: this.countyTally(quarter, slot) }));
    const tally = counts.tally;
    if (category !== undefined) {
      // Categories are a breakdown of the same detainers for record sources, but separate
      // measures in table sources (SOURCES.md §2): a table observation with a category adds
      // to the breakdown only.
      if (count > 0) {
        tally.categories ??= {};
        tally.categories[category] = (tally.categories[category] ?? 0) + count;
      }
      if (date === undefined) return;
    }
    tally.declined += count;
    if (received !== undefined) tally.received = (tally.received ?? 0) + received;
    if (slot.facility !== undefined) {
      const facility = (counts.facility ??= this.facilityTally(tally, slot));
      facility.declined += count;
      if (received !== undefined) facility.received = (facility.received ?? 0) + received;
    }
    if (count > 0 || received !== undefined) this.countResolution(slot, count, received);
  }

  private quarterOf(date: string): QuarterId {
    let quarter = this.quarterByDate.get(date);
    if (!quarter) this.quarterByDate.set(date, (quarter = quarterOf(date)));
    return quarter;
  }

  /**
   * The memo is keyed field by field (facility → city → state → the rarer fields), not by one joined
   * string: each record brings new string instances, and joining them would allocate and hash a long
   * string per record where three short lookups do.
   */
  private slotOf(place: Place): PlaceSlot {
    let byCity = this.slots.get(place.facility);
    if (!byCity) this.slots.set(place.facility, (byCity = new Map()));
    let byState = byCity.get(place.city);
    if (!byState) byCity.set(place.city, (byState = new Map()));
    const rare =
      place.county !== undefined || place.jurisdiction !== undefined || place.fips !== undefined || place.facilityType !== undefined;
    const stateKey = rare
      ? `${place.state}\u0001${place.county}\u0001${place.jurisdiction}\u0001${place.fips}\u0001${place.facilityType}`
      : place.state;
    let slot = byState.get(stateKey);
    if (!slot) byState.set(stateKey, (slot = this.resolveSlot(place)));
    return slot;
  }

  private resolveSlot(place: Place): PlaceSlot {
    const resolution = this.resolver.resolve(place);
    return {
      key: jurisdictionKey(resolution.jurisdiction),
      jurisdiction: resolution.jurisdiction,
      // Facility names differ in case between records of one place: one facility per county and upper-case name.
      ...(resolution.facility !== undefined
        ? { facility: resolution.facility.toUpperCase(), facilityType: resolution.facilityType ?? 'other' }
        : {}),
    };
  }

  private countyTally(quarter: QuarterId, slot: PlaceSlot): CountyTally {
    let byJurisdiction = this.quarters.get(quarter);
    if (!byJurisdiction) this.quarters.set(quarter, (byJurisdiction = new Map()));
    let tally = byJurisdiction.get(slot.key);
    if (!tally) byJurisdiction.set(slot.key, (tally = { jurisdiction: slot.jurisdiction, declined: 0 }));
    return tally;
  }

  private facilityTally(tally: CountyTally, slot: PlaceSlot): FacilityTally {
    tally.facilities ??= new Map();
    const name = slot.facility!;
    let facility = tally.facilities.get(name);
    if (!facility) tally.facilities.set(name, (facility = { name, type: slot.facilityType ?? 'other', declined: 0 }));
    return facility;
  }

  private countResolution(slot: PlaceSlot, count: number, received: number | undefined): void {
    const jurisdiction = slot.jurisdiction;
    if (jurisdiction.kind === 'county') {
      this.resolved += count;
      return;
    }
    this.unresolvedTotal += count;
    let entry = this.unresolved.get(slot.key);
    if (!entry) {
      entry = {
        name: jurisdiction.name,
        ...(jurisdiction.city ? { city: jurisdiction.city } : {}),
        ...(jurisdiction.state ? { state: jurisdiction.state } : {}),
        declined: 0,
      };
      this.unresolved.set(slot.key, entry);
    }
    entry.declined += count;
    if (received !== undefined) entry.received = (entry.received ?? 0) + received;
  }

  /** First and last observation dates, when the source dates its rows. */
  observedRange(): DateRange | undefined {
    return this.firstDate && this.lastDate ? { from: this.firstDate, to: this.lastDate } : undefined;
  }

  /** Share of declined detainers placed in a county (1 when there were none). */
  resolutionRate(): number {
    const all = this.resolved + this.unresolvedTotal;
    return all === 0 ? 1 : this.resolved / all;
  }

  /** Facilities not placed in a county, most declined first (then most received): the ones that cost the ranking. */
  unresolvedFacilities(): UnplacedFacility[] {
    return [...this.unresolved.values()]
      .filter((u) => u.declined > 0 || (u.received ?? 0) > 0)
      .sort((a, b) => b.declined - a.declined || (b.received ?? 0) - (a.received ?? 0) || a.name.localeCompare(b.name));
  }

  /**
   * One ranking per quarter the release speaks for: every quarter its coverage touches (an
   * empty one too, so a retraction of everything is seen), plus any quarter a table declares.
   */
  rankings(source: string, release: string, coverage: DateRange | undefined): Ranking[] {
    const quarters = new Set<QuarterId>(this.quarters.keys());
    if (coverage) for (const q of quartersIn(coverage)) quarters.add(q);
    return [...quarters].sort().map((quarter) => {
      const tallies = [...(this.quarters.get(quarter)?.values() ?? [])].map(toTally);
      const rows = rankTallies(tallies);
      // Received per quarter: the sum of its counties' (each record counted in one of them).
      let received: number | undefined;
      for (const t of tallies) if (t.received !== undefined) received = (received ?? 0) + t.received;
      return {
        source,
        quarter,
        complete: coverage ? isQuarterComplete(quarter, coverage) : true,
        total: rows.reduce((sum, row) => sum + row.declined, 0),
        rows,
        ...(received !== undefined ? { received } : {}),
        release,
        ...(coverage ? { coverage } : {}),
      };
    });
  }
}

/** Facilities listed most declined first, then most received, then by name: the same order on every run. */
function toTally(county: CountyTally): Tally {
  const facilities = county.facilities
    ? [...county.facilities.values()].sort(
        (a, b) => b.declined - a.declined || (b.received ?? 0) - (a.received ?? 0) || a.name.localeCompare(b.name),
      )
    : undefined;
  return {
    jurisdiction: county.jurisdiction,
    declined: county.declined,
    ...(county.received !== undefined ? { received: county.received } : {}),
    ...(county.categories ? { categories: county.categories } : {}),
    ...(facilities ? { facilities } : {}),
  };
}
