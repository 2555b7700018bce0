/**
 * Matching a release's header by meaning: column names drift between releases (`Detention
 * Facility` → `Detainer Facility`) and republishers rename them (`detainer_prepare_date`,
 * NPR's `det_facility`), so each field lists every name it has been published under, and
 * case, spaces, underscores, punctuation and camelCase do not distinguish them.
 */
import { InvalidReleaseError } from '../../domain/release';
import type { Cell } from './cell';
export type CellValue = Cell;

export interface ColumnSpec {
  /** Names the column has been published under; the first is the one errors name. */
  aliases: readonly string[];
  required: boolean;
}

/** Case, spacing and punctuation do not distinguish column names; camelCase splits into words. */
export function normalizeHeader(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The key names are compared by: their letters and digits only (`Det_Facility` = `det facility` = `DetFacility`). */
function headerKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

export type ColumnIndex<K extends string> = { [P in K]?: number };

/** Matches a row's cells against the specs; also reports how many fields it found. */
export function matchColumns<K extends string>(
  cells: readonly Cell[],
  specs: Record<K, ColumnSpec>,
): { columns: ColumnIndex<K>; found: number } {
  const positions = new Map<string, number>();
  cells.forEach((cell, index) => {
    if (typeof cell === 'string' && cell.trim() !== '') {
      const key = headerKey(cell);
      if (!positions.has(key)) positions.set(key, index);
    }
  });
  const columns: ColumnIndex<K> = {};
  const used = new Set<number>();
  let found = 0;
  for (const field of Object.keys(specs) as K[]) {
    for (const alias of specs[field].aliases) {
      const index = positions.get(headerKey(alias));
      if (index !== undefined && !used.has(index)) {
        columns[field] = index;
        used.add(index);
        found++;
        break;
      }
    }
  }
  return { columns, found };
}

/** `"Detainer Prepare Date" (also accepted: "date", …)`: how a field is named in error lines. */
export function describeField(spec: ColumnSpec, max = 4): string {
  const others = spec.aliases.slice(1, max);
  const more = spec.aliases.length > max ? ', …' : '';
  return `"${spec.aliases[0]}"${others.length > 0 ? ` (or ${others.map((a) => `"${a}"`).join(', ')}${more})` : ''}`;
}

/** Throws naming the first required field the header lacks, and the columns it has. */
export function requireColumns<K extends string>(
  file: string,
  columns: ColumnIndex<K>,
  specs: Record<K, ColumnSpec>,
  headerRow: number,
  cells: readonly Cell[] = [],
): void {
  for (const field of Object.keys(specs) as K[]) {
    const spec = specs[field];
    if (spec.required && columns[field] === undefined) {
      const others = spec.aliases.slice(1);
      const also = others.length > 0 ? ` (also accepted: ${others.map((a) => `"${a}"`).join(', ')})` : '';
      const has = headerNames(cells);
      throw new InvalidReleaseError(
        file,
        `missing required column "${spec.aliases[0]}"${also} in the header on row ${headerRow}${has.length > 0 ? `, which has ${quotedList(has)}` : ''}`,
      );
    }
  }
}

/** `"a", "b", "c" and 4 more`. */
export function quotedList(names: readonly string[], max = 12): string {
  const shown = names
    .slice(0, max)
    .map((n) => `"${n}"`)
    .join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** The header names as the file wrote them, blanks left out. */
export function headerNames(cells: readonly Cell[]): string[] {
  const names: string[] = [];
  for (const cell of cells) if (cell !== undefined && cell !== null && String(cell).trim() !== '') names.push(String(cell).trim());
  return names;
}
