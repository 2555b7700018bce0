import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDemoReleases } from '../../scripts/make-demo-releases';

const RELEASES_DIR = fileURLToPath(new URL('../../local/demo/releases/', import.meta.url));

/** Facility (name, state) → county, written independently of the generator: the demo's promise. */
const COUNTY_OF: Record<string, string> = {
  'VENTURA COUNTY JAIL|CALIFORNIA': 'Ventura CA',
  'TODD ROAD JAIL|CALIFORNIA': 'Ventura CA',
  'TURNER GUIFORD KNIGHT (TGK) JAIL|FLORIDA': 'Miami-Dade FL',
  'DADE COUNTY CORRECTIONAL|FLORIDA': 'Miami-Dade FL',
  'METRO DADE JAIL|FLORIDA': 'Miami-Dade FL',
  'DENVER JUSTICE CENTER|COLORADO': 'Denver CO',
  'DENVER COUNTY JAIL|COLORADO': 'Denver CO',
  'CLARK COUNTY DETENTION CENTER|NEVADA': 'Clark NV',
  'LOS ANGELES COUNTY JAIL|CALIFORNIA': 'Los Angeles CA',
  "MEN'S CENTRAL JAIL|CALIFORNIA": 'Los Angeles CA',
  'TRAVIS COUNTY JAIL|TEXAS': 'Travis TX',
  'NASSAU COUNTY CORRECTIONAL CENTER|NEW YORK': 'Nassau NY',
  'SANTA CLARA CO. JAIL|CALIFORNIA': 'Santa Clara CA',
  'COOK COUNTY JAIL|ILLINOIS': 'Cook IL',
  'KING COUNTY JAIL|WASHINGTON': 'King WA',
  'MULTNOMAH COUNTY JAIL|OREGON': 'Multnomah OR',
  'CONTRA COSTA CO. JAIL|CALIFORNIA': 'Contra Costa CA',
  'VISTA DETENTION FACILITY|CALIFORNIA': 'San Diego CA',
  'SAN DIEGO COUNTY JAIL|CALIFORNIA': 'San Diego CA',
  'FRANKLIN COUNTY JAIL|PENNSYLVANIA': 'Franklin PA',
  'ERO HOLD ROOM|CALIFORNIA': 'unresolved: ERO HOLD ROOM',
  'US MARSHALS, S.DIST.TX|TEXAS': 'unresolved: US MARSHALS, S.DIST.TX',
};

const Q1_FIRST = {
  'Ventura CA': 188,
  'Miami-Dade FL': 93,
  'Denver CO': 74,
  'Clark NV': 68,
  'Los Angeles CA': 57,
  'Travis TX': 45,
  'Nassau NY': 38,
  'Santa Clara CA': 33,
  'Cook IL': 29,
  'King WA': 24,
  'Multnomah OR': 19,
  'Contra Costa CA': 15,
  'San Diego CA': 12,
  'Franklin PA': 8,
  'unresolved: US MARSHALS, S.DIST.TX': 2,
  'unresolved: ERO HOLD ROOM': 1,
};
const Q2 = {
  'Ventura CA': 141,
  'Denver CO': 118,
  'Miami-Dade FL': 97,
  'Clark NV': 71,
  'Los Angeles CA': 66,
  'Travis TX': 52,
  'Santa Clara CA': 40,
  'Cook IL': 31,
  'Multnomah OR': 28,
  'Nassau NY': 26,
  'King WA': 22,
  'Contra Costa CA': 14,
  'San Diego CA': 13,
  'Franklin PA': 9,
  'unresolved: US MARSHALS, S.DIST.TX': 1,
  'unresolved: ERO HOLD ROOM': 2,
};
const { 'Nassau NY': _retracted, ...q1WithoutNassau } = Q1_FIRST;
const Q1_REVISED = { ...q1WithoutNassau, 'Clark NV': 61 };

const EXPECTED: Record<string, { declined: Record<string, Record<string, number>>; coverage: [string, string] }> = {
  'ddp-2017-01-release.xlsx': { declined: { FY2017Q1: Q1_FIRST }, coverage: ['2016-10-01', '2016-12-31'] },
  'ddp-2017-04-release.xlsx': { declined: { FY2017Q1: Q1_FIRST, FY2017Q2: Q2 }, coverage: ['2016-10-01', '2017-03-31'] },
  'ddp-2017-04-release-revised.xlsx': { declined: { FY2017Q1: Q1_REVISED, FY2017Q2: Q2 }, coverage: ['2016-10-01', '2017-03-31'] },
};

interface ReadBack {
  headerRow: number;
  header: string[];
  declined: Record<string, Record<string, number>>;
  otherRows: number;
  firstDate: string;
  lastDate: string;
  unknownFacilities: string[];
}

/** Each file is read once and shared by the tests that look at it. */
const readings = new Map<string, Promise<ReadBack>>();
function readBack(file: string): Promise<ReadBack> {
  if (!readings.has(file)) readings.set(file, readWorkbook(file));
  return readings.get(file) as Promise<ReadBack>;
}

async function readWorkbook(file: string): Promise<ReadBack> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.worksheets[0];
  let headerRow = 0;
  sheet.eachRow((row, n) => {
    if (!headerRow && row.values && (row.values as unknown[]).includes('Detainer Lift Reason')) headerRow = n;
  });
  const header = (sheet.getRow(headerRow).values as unknown[]).slice(1).map(String);
  const col = (name: string) => header.indexOf(name) + 1;
  const out: ReadBack = { headerRow, header, declined: {}, otherRows: 0, firstDate: '9999', lastDate: '0000', unknownFacilities: [] };
  sheet.eachRow((row, n) => {
    if (n <= headerRow) return;
    const date = (row.getCell(col('Detainer Prepare Date')).value as Date).toISOString().slice(0, 10);
    if (date < out.firstDate) out.firstDate = date;
    if (date > out.lastDate) out.lastDate = date;
    if (row.getCell(col('Detainer Lift Reason')).value !== 'Detainer Declined by LEA') {
      out.otherRows++;
      return;
    }
    const key = `${row.getCell(col('Detention Facility')).value}|${row.getCell(col('Facility State')).value}`;
    const county = COUNTY_OF[key];
    if (!county) out.unknownFacilities.push(key);
    const month = Number(date.slice(5, 7));
    const quarter = `FY${Number(date.slice(0, 4)) + (month >= 10 ? 1 : 0)}Q${Math.floor(((month + 2) % 12) / 3) + 1}`;
    out.declined[quarter] ??= {};
    out.declined[quarter][county ?? key] = (out.declined[quarter][county ?? key] ?? 0) + 1;
  });
  return out;
}

describe('demo releases', () => {
  const scratch: string[] = [];
  afterAll(async () => {
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name} holds the documented declined counts per county and quarter`, async () => {
      // Prepare
      const file = join(RELEASES_DIR, name);

      // Act
      const read = await readBack(file);

      // Assess
      expect(read.unknownFacilities).toEqual([]);
      expect(read.declined).toEqual(expected.declined);
      expect([read.firstDate, read.lastDate]).toEqual(expected.coverage);
    });

    it(`${name} is in the DDP layout: six title rows, the real column names, ~3 other rows per declined one`, async () => {
      // Prepare
      const file = join(RELEASES_DIR, name);

      // Act
      const read = await readBack(file);

      // Assess
      expect(read.headerRow).toBe(7);
      expect(read.header).toEqual(
        expect.arrayContaining([
          'Detainer Prepare Date',
          'Facility State',
          'Facility AOR',
          'Case Status',
          'Detainer Prepared Criminality',
          'Detention Facility',
          'Detention Facility Code',
          'Facility City',
          'Citizenship Country',
          'Resume Custody Yes No',
          'Detainer Lift Reason',
          'Detainer Type',
          'Unique Identifier',
        ]),
      );
      const declined = Object.values(read.declined)
        .flatMap((q) => Object.values(q))
        .reduce((a, b) => a + b, 0);
      expect(read.otherRows / declined).toBeGreaterThan(2.5);
      expect(read.otherRows / declined).toBeLessThan(4);
    });
  }

  it('the script regenerates the committed files byte for byte', async () => {
    // Prepare
    const out = await mkdtemp(join(tmpdir(), 'demo-releases-'));
    scratch.push(out);

    // Act
    const written = await makeDemoReleases(out);

    // Assess
    const sha = async (file: string) =>
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
    for (const file of written) expect(await sha(file.path), file.name).toBe(await sha(join(RELEASES_DIR, file.name)));
    expect(written.map((f) => f.name)).toEqual(Object.keys(EXPECTED));
  }, 180_000);
});
