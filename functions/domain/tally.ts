import type { DateRange, QuarterId } from './quarter';
import { isQuarterComplete, quarterOf, quartersIn } from './quarter';
import type { Jurisdiction, Resolver } from './jurisdiction';
import { jurisdictionKey } from './jurisdiction';
import type { Observation } from './release';
import type { Ranking, Tally } from './ranking';
import { rankTallies } from './ranking';

/**
 * Counts declined detainers per fiscal quarter and jurisdiction while a parser streams
 * observations; keeps unresolved facilities as their own rows so nothing is dropped.
 */
export class QuarterTallies {
  private readonly quarters = new Map<QuarterId, Map<string, Tally>>();
  private resolved = 0;
  private unresolvedTotal = 0;
  private readonly unresolved = new Map<string, { name: string; state?: string; declined: number }>();
  private firstDate?: string;
  private lastDate?: string;

  constructor(private readonly resolver: Resolver) {}

  add(observation: Observation): void {
    const quarter = observation.quarter ?? (observation.date ? quarterOf(observation.date) : undefined);
    if (!quarter) return;
    if (observation.date) {
      if (!this.firstDate || observation.date < this.firstDate) this.firstDate = observation.date;
      if (!this.lastDate || observation.date > this.lastDate) this.lastDate = observation.date;
    }
    const { jurisdiction } = this.resolver.resolve(observation.place);
    const key = jurisdictionKey(jurisdiction);
    let byJurisdiction = this.quarters.get(quarter);
    if (!byJurisdiction) this.quarters.set(quarter, (byJurisdiction = new Map()));
    let tally = byJurisdiction.get(key);
    if (!tally) byJurisdiction.set(key, (tally = { jurisdiction, declined: 0 }));
    if (observation.category !== undefined) {
      // Categories are a breakdown of the same detainers for record sources, but separate
      // measures in table sources (SOURCES.md §2): a table observation with a category adds
      // to the breakdown only.
      tally.categories ??= {};
      tally.categories[observation.category] = (tally.categories[observation.category] ?? 0) + observation.count;
      if (observation.date === undefined) return;
    }
    tally.declined += observation.count;
    this.countResolution(jurisdiction, observation.count);
  }

  private countResolution(jurisdiction: Jurisdiction, count: number): void {
    if (jurisdiction.kind === 'county') {
      this.resolved += count;
      return;
    }
    this.unresolvedTotal += count;
    const key = jurisdictionKey(jurisdiction);
    const entry = this.unresolved.get(key) ?? { name: jurisdiction.name, ...(jurisdiction.state ? { state: jurisdiction.state } : {}), declined: 0 };
    entry.declined += count;
    this.unresolved.set(key, entry);
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

  unresolvedFacilities(): { name: string; state?: string; declined: number }[] {
    return [...this.unresolved.values()].sort((a, b) => b.declined - a.declined || a.name.localeCompare(b.name));
  }

  /**
   * One ranking per quarter the release speaks for: every quarter its coverage touches (an
   * empty one too, so a retraction of everything is seen), plus any quarter a table declares.
   */
  rankings(source: string, release: string, coverage: DateRange | undefined): Ranking[] {
    const quarters = new Set<QuarterId>(this.quarters.keys());
    if (coverage) for (const q of quartersIn(coverage)) quarters.add(q);
    return [...quarters].sort().map((quarter) => {
      const tallies = this.quarters.get(quarter) ?? new Map<string, Tally>();
      const rows = rankTallies(tallies.values());
      return {
        source,
        quarter,
        complete: coverage ? isQuarterComplete(quarter, coverage) : true,
        total: rows.reduce((sum, row) => sum + row.declined, 0),
        rows,
        release,
        ...(coverage ? { coverage } : {}),
      };
    });
  }
}
