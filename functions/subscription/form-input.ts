import type { SubscriberFilters } from '../domain/subscriber';
import { countyLabel, countyList, findCounty } from './county-names';

/** What the person typed, kept as text so a form with errors comes back as they left it. */
export interface FilterFields {
  states: string;
  counties: string;
  topN: string;
  minMove: string;
  minDelta: string;
}

export interface ParsedFilters {
  filters?: SubscriberFilters;
  /** Field name → message for the person. */
  errors: Record<string, string>;
}

const LIMITS = { states: 60, counties: 100, topN: [1, 100], minMove: [0, 1000], minDelta: [0, 100_000] } as const;
const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export function fieldsOf(form: URLSearchParams): FilterFields {
  return {
    states: form.get('states') ?? '',
    counties: form.get('counties') ?? '',
    topN: form.get('topN') ?? '',
    minMove: form.get('minMove') ?? '',
    minDelta: form.get('minDelta') ?? '',
  };
}

/** The filters as the form shows them: states as "CA, TX", counties one per line by name. */
export async function fieldsFromFilters(filters: SubscriberFilters): Promise<FilterFields> {
  const counties = await countyList();
  return {
    states: filters.states.join(', '),
    counties: filters.jurisdictions.map((j) => countyLabel(counties, j)).join('\n'),
    topN: String(filters.topN),
    minMove: String(filters.minMove),
    minDelta: String(filters.minDelta),
  };
}

/** The address, lower-cased, or a message saying what is wrong with it. */
export function parseEmail(text: string): { email?: string; error?: string } {
  const email = text.trim().toLowerCase();
  if (!email) return { error: 'Enter your email address.' };
  if (email.length > 254 || !EMAIL_PATTERN.test(email)) return { error: 'Enter an email address like name@example.org.' };
  return { email };
}

/**
 * Filters from the form: states as USPS codes, counties checked against the official list and
 * stored as FIPS codes, numbers within bounds; every problem is reported, not only the first.
 */
export async function parseFilters(fields: FilterFields, defaultTopN: number): Promise<ParsedFilters> {
  const counties = await countyList();
  const errors: Record<string, string> = {};
  const states = fields.states
    .split(/[\s,;]+/)
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const unknownStates = states.filter((s) => !counties.states.has(s));
  if (states.length > LIMITS.states) errors.states = `Choose at most ${LIMITS.states} states.`;
  else if (unknownStates.length)
    errors.states = `Not a US state or territory code: ${unknownStates.slice(0, 5).join(', ')}. Use two-letter codes like CA, TX.`;

  const entries = fields.counties
    .split(/[\n;]+/)
    .map((c) => c.trim())
    .filter(Boolean);
  const jurisdictions: string[] = [];
  if (entries.length > LIMITS.counties) errors.counties = `Choose at most ${LIMITS.counties} counties.`;
  for (const entry of errors.counties ? [] : entries) {
    const found = findCounty(counties, entry, errors.states ? [] : states);
    if (!found) {
      errors.counties = `Unknown county: "${entry.slice(0, 80)}". Write it like "Ventura County, CA" or as a FIPS code like 06111.`;
      break;
    }
    if ('ambiguous' in found) {
      errors.counties = `"${entry.slice(0, 80)}" is in several states (${found.ambiguous
        .slice(0, 4)
        .map((c) => c.state)
        .join(', ')}): add the state, like "${found.ambiguous[0].name}, ${found.ambiguous[0].state}".`;
      break;
    }
    if (!jurisdictions.includes(found.fips)) jurisdictions.push(found.fips);
  }

  const topN = wholeNumber(fields.topN, defaultTopN, LIMITS.topN, 'Top N', 'topN', errors);
  const minMove = wholeNumber(fields.minMove, 0, LIMITS.minMove, 'Minimum rank move', 'minMove', errors);
  const minDelta = wholeNumber(fields.minDelta, 0, LIMITS.minDelta, 'Minimum count change', 'minDelta', errors);
  if (Object.keys(errors).length) return { errors };
  return { errors, filters: { states: [...new Set(states)], jurisdictions, topN, minMove, minDelta } };
}

function wholeNumber(
  text: string,
  fallback: number,
  [min, max]: readonly [number, number],
  label: string,
  name: string,
  errors: Record<string, string>,
): number {
  if (text.trim() === '') return fallback;
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < min || value > max) errors[name] = `${label} must be a whole number from ${min} to ${max}.`;
  return value;
}
