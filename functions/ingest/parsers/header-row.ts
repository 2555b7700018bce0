/**
 * Finding a release's header row under its title rows and matching its columns by alias:
 * column names drift between releases (`Detention Facility` → `Detainer Facility`), so each
 * field lists every name it has been published under.
 */
import { InvalidReleaseError } from '../../domain/release';

export type CellValue = string | number | undefined;

export interface ColumnSpec {
  /** Names the column has been published under; the first is the one errors name. */
  aliases: readonly string[];
  required: boolean;
}

/** Case, spacing and punctuation do not distinguish column names. */
export function normalizeHeader(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

export type ColumnIndex<K extends string> = { [P in K]?: number };

/** Matches a row's cells against the specs; also reports how many fields it found. */
export function matchColumns<K extends string>(cells: readonly CellValue[], specs: Record<K, ColumnSpec>): { columns: ColumnIndex<K>; found: number } {
  const positions = new Map<string, number>();
  cells.forEach((cell, index) => {
    if (typeof cell === 'string' && cell.trim() !== '') {
      const key = normalizeHeader(cell);
      if (!positions.has(key)) positions.set(key, index);
    }
  });
  const columns: ColumnIndex<K> = {};
  let found = 0;
  for (const field of Object.keys(specs) as K[]) {
    for (const alias of specs[field].aliases) {
      const index = positions.get(normalizeHeader(alias));
      if (index !== undefined) {
        columns[field] = index;
        found++;
        break;
      }
    }
  }
  return { columns, found };
}

/** Throws naming the first required field the header lacks. */
export function requireColumns<K extends string>(
  file: string,
  columns: ColumnIndex<K>,
  specs: Record<K, ColumnSpec>,
  headerRow: number,
): void {
  for (const field of Object.keys(specs) as K[]) {
    const spec = specs[field];
    if (spec.required && columns[field] === undefined) {
      const others = spec.aliases.slice(1);
      const also = others.length > 0 ? ` (also accepted: ${others.map((a) => `"${a}"`).join(', ')})` : '';
      throw new InvalidReleaseError(file, `missing required column "${spec.aliases[0]}"${also} in the header on row ${headerRow}`);
    }
  }
}

/** The header names as the file wrote them, blanks left out. */
export function headerNames(cells: readonly CellValue[]): string[] {
  const names: string[] = [];
  for (const cell of cells) if (cell !== undefined && String(cell).trim() !== '') names.push(String(cell).trim());
  return names;
}

export function isBlankRow(cells: readonly CellValue[]): boolean {
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell !== undefined && (typeof cell === 'number' || cell.trim() !== '')) return false;
  }
  return true;
}
