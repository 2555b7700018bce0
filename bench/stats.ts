/** Medians and the printed table. */

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Row {
  section: string;
  measure: string;
  value: string;
  target?: string;
  /** true: target held; false: missed; undefined: no target. */
  pass?: boolean;
}

export function formatTable(rows: Row[]): string {
  const header: Row = { section: 'Section', measure: 'Measure', value: 'Measured', target: 'Target' };
  const cells = (r: Row) => [r.section, r.measure, r.value, r.target ?? '', r.pass === undefined ? '' : r.pass ? 'ok' : 'MISSED'];
  const all = [cells(header).map((c, i) => (i === 4 ? '' : c)), ...rows.map(cells)];
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(all[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...all.slice(1).map(line)].join('\n');
}

export const ms = (value: number): string =>
  value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
export const mb = (kib: number): string => `${(kib / 1024).toFixed(0)} MB`;
export const ratio = (value: number): string => `${value.toFixed(1)}×`;
