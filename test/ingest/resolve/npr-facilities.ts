import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

const dir = new URL('./fixtures/nprapps-sanctuary-cities/', import.meta.url);

export interface NprFacility {
  name: string;
  /** USPS state of the city NPR's file is about. */
  state: string;
  file: string;
}

/** Every distinct facility name in NPR's sanctuary-cities exports (MIT, (c) 2016 NPR), with the state its file covers. */
export function nprFacilities(): NprFacility[] {
  const found = new Map<string, NprFacility>();
  const add = (name: string, state: string, file: string) => {
    const clean = name.trim().replace(/\s+/g, ' ');
    if (!found.has(clean)) found.set(clean, { name: clean, state, file });
  };
  for (const file of ['MARTINEZ.csv', 'VISTA.csv']) {
    const rows = parse(readFileSync(new URL(file, dir)), { columns: true }) as { det_facility: string }[];
    for (const row of rows) add(row.det_facility, 'CA', file);
  }
  for (const [file, state] of [
    ['denver.md', 'CO'],
    ['miami.md', 'FL'],
  ] as const) {
    for (const line of readFileSync(new URL(file, dir), 'utf8').split('\n')) {
      const heading = /^([A-Z].*?) -- /.exec(line);
      if (heading) add(heading[1], state, file);
      const cell = /^\s+([^|]+?)\s+\|/.exec(line);
      if (cell && !/^(det_facility|year|\d+)$/.test(cell[1]) && !cell[1].startsWith('-')) add(cell[1], state, file);
    }
  }
  return [...found.values()];
}
