/**
 * Writes the three demo releases (`local/demo/releases/*.xlsx`) in the Deportation Data
 * Project's record-level layout: title rows, the real column names, one row per detainer.
 * Deterministic: the same run gives the same bytes, so the committed files can be checked.
 *
 *   npx tsx scripts/make-demo-releases.ts [--out local/demo/releases]
 *
 * The declined counts per county and quarter are the demo's script (see local/demo/README.md);
 * about three non-declined rows accompany each declined one, so a reader must filter.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command } from 'commander';
import ExcelJS from 'exceljs';
import { DEMO_RELEASES } from '../local/demo/catalogue';
import { seededRandom } from './seeded-random';

type Quarter = 'Q1' | 'Q2';

interface Facility {
  name: string;
  city: string;
  /** Share of the county's declined rows placed here. */
  share: number;
}

interface County {
  key: string;
  state: string;
  aor: string;
  facilities: Facility[];
}

/**
 * Facility names as ICE writes them. `CONTRA COSTA CO. JAIL`, `VISTA DETENTION FACILITY`,
 * `DENVER JUSTICE CENTER`, `DENVER COUNTY JAIL`, `TURNER GUIFORD KNIGHT (TGK) JAIL`,
 * `METRO DADE JAIL`, `DADE COUNTY CORRECTIONAL`, `US MARSHALS, COLORADO` and `KROME NORTH SPC`
 * are real (NPR News Apps, github.com/nprapps/sanctuary-cities, MIT licence, Copyright (c) 2016
 * NPR); the others are county jail names in the same style.
 */
const COUNTIES: readonly County[] = [
  {
    key: 'ventura',
    state: 'CALIFORNIA',
    aor: 'Los Angeles Area of Responsibility',
    facilities: [
      { name: 'VENTURA COUNTY JAIL', city: 'VENTURA', share: 0.75 },
      { name: 'TODD ROAD JAIL', city: 'SANTA PAULA', share: 0.25 },
    ],
  },
  {
    key: 'miami-dade',
    state: 'FLORIDA',
    aor: 'Miami Area of Responsibility',
    facilities: [
      { name: 'TURNER GUIFORD KNIGHT (TGK) JAIL', city: 'MIAMI', share: 0.6 },
      { name: 'DADE COUNTY CORRECTIONAL', city: 'MIAMI', share: 0.25 },
      { name: 'METRO DADE JAIL', city: 'MIAMI', share: 0.15 },
    ],
  },
  {
    key: 'denver',
    state: 'COLORADO',
    aor: 'Denver Area of Responsibility',
    facilities: [
      { name: 'DENVER JUSTICE CENTER', city: 'DENVER', share: 0.8 },
      { name: 'DENVER COUNTY JAIL', city: 'DENVER', share: 0.2 },
    ],
  },
  {
    key: 'clark',
    state: 'NEVADA',
    aor: 'Salt Lake City Area of Responsibility',
    facilities: [{ name: 'CLARK COUNTY DETENTION CENTER', city: 'LAS VEGAS', share: 1 }],
  },
  {
    key: 'los-angeles',
    state: 'CALIFORNIA',
    aor: 'Los Angeles Area of Responsibility',
    facilities: [
      { name: 'LOS ANGELES COUNTY JAIL', city: 'LOS ANGELES', share: 0.7 },
      { name: "MEN'S CENTRAL JAIL", city: 'LOS ANGELES', share: 0.3 },
    ],
  },
  {
    key: 'travis',
    state: 'TEXAS',
    aor: 'San Antonio Area of Responsibility',
    facilities: [{ name: 'TRAVIS COUNTY JAIL', city: 'AUSTIN', share: 1 }],
  },
  {
    key: 'nassau',
    state: 'NEW YORK',
    aor: 'New York City Area of Responsibility',
    facilities: [{ name: 'NASSAU COUNTY CORRECTIONAL CENTER', city: 'EAST MEADOW', share: 1 }],
  },
  {
    key: 'santa-clara',
    state: 'CALIFORNIA',
    aor: 'San Francisco Area of Responsibility',
    facilities: [{ name: 'SANTA CLARA CO. JAIL', city: 'SAN JOSE', share: 1 }],
  },
  {
    key: 'cook',
    state: 'ILLINOIS',
    aor: 'Chicago Area of Responsibility',
    facilities: [{ name: 'COOK COUNTY JAIL', city: 'CHICAGO', share: 1 }],
  },
  {
    key: 'king',
    state: 'WASHINGTON',
    aor: 'Seattle Area of Responsibility',
    facilities: [{ name: 'KING COUNTY JAIL', city: 'SEATTLE', share: 1 }],
  },
  {
    key: 'multnomah',
    state: 'OREGON',
    aor: 'Seattle Area of Responsibility',
    facilities: [{ name: 'MULTNOMAH COUNTY JAIL', city: 'PORTLAND', share: 1 }],
  },
  {
    key: 'contra-costa',
    state: 'CALIFORNIA',
    aor: 'San Francisco Area of Responsibility',
    facilities: [{ name: 'CONTRA COSTA CO. JAIL', city: 'MARTINEZ', share: 1 }],
  },
  {
    key: 'san-diego',
    state: 'CALIFORNIA',
    aor: 'San Diego Area of Responsibility',
    facilities: [
      { name: 'VISTA DETENTION FACILITY', city: 'VISTA', share: 0.6 },
      { name: 'SAN DIEGO COUNTY JAIL', city: 'SAN DIEGO', share: 0.4 },
    ],
  },
  {
    key: 'franklin-pa',
    state: 'PENNSYLVANIA',
    aor: 'Philadelphia Area of Responsibility',
    facilities: [{ name: 'FRANKLIN COUNTY JAIL', city: 'CHAMBERSBURG', share: 1 }],
  },
  // Honestly unresolvable: the city is redacted and the name places nothing.
  {
    key: 'unresolved-hold-room',
    state: 'CALIFORNIA',
    aor: 'San Francisco Area of Responsibility',
    facilities: [{ name: 'ERO HOLD ROOM', city: '(b)(7)(E)', share: 1 }],
  },
  {
    key: 'unresolved-marshals-tx',
    state: 'TEXAS',
    aor: 'Houston Area of Responsibility',
    facilities: [{ name: 'US MARSHALS, S.DIST.TX', city: '(b)(7)(E)', share: 1 }],
  },
];

/** Facilities with detainers but no declined ones: they must not appear in a ranking. */
const NON_DECLINING: ReadonlyArray<{ county: County; perQuarter: number }> = [
  {
    county: {
      key: 'harris',
      state: 'TEXAS',
      aor: 'Houston Area of Responsibility',
      facilities: [{ name: 'HARRIS COUNTY JAIL', city: 'HOUSTON', share: 1 }],
    },
    perQuarter: 120,
  },
  {
    county: {
      key: 'maricopa',
      state: 'ARIZONA',
      aor: 'Phoenix Area of Responsibility',
      facilities: [{ name: 'MARICOPA COUNTY JAIL', city: 'PHOENIX', share: 1 }],
    },
    perQuarter: 90,
  },
  {
    county: {
      key: 'krome',
      state: 'FLORIDA',
      aor: 'Miami Area of Responsibility',
      facilities: [{ name: 'KROME NORTH SPC', city: 'MIAMI', share: 1 }],
    },
    perQuarter: 30,
  },
  {
    county: {
      key: 'us-marshals-co',
      state: 'COLORADO',
      aor: 'Denver Area of Responsibility',
      facilities: [{ name: 'US MARSHALS, COLORADO', city: 'DENVER', share: 1 }],
    },
    perQuarter: 15,
  },
];

/** Declined rows per county per quarter as first published (releases 1 and 2). */
const DECLINED: Record<Quarter, Record<string, number>> = {
  Q1: {
    ventura: 188,
    'miami-dade': 93,
    denver: 74,
    clark: 68,
    'los-angeles': 57,
    travis: 45,
    nassau: 38,
    'santa-clara': 33,
    cook: 29,
    king: 24,
    multnomah: 19,
    'contra-costa': 15,
    'san-diego': 12,
    'franklin-pa': 8,
    'unresolved-marshals-tx': 2,
    'unresolved-hold-room': 1,
  },
  Q2: {
    ventura: 141,
    denver: 118,
    'miami-dade': 97,
    clark: 71,
    'los-angeles': 66,
    travis: 52,
    'santa-clara': 40,
    cook: 31,
    multnomah: 28,
    nassau: 26,
    king: 22,
    'contra-costa': 14,
    'san-diego': 13,
    'franklin-pa': 9,
    'unresolved-marshals-tx': 1,
    'unresolved-hold-room': 2,
  },
};

/** Release 3's revision of FY2017 Q1: Clark's miscounted transfers recoded, Nassau's rows removed. */
const REVISION = { clarkRecodedAsTransfers: 7, nassauRemoved: 'all' as const };

const QUARTERS: Record<Quarter, { from: string; days: number }> = {
  Q1: { from: '2016-10-01', days: 92 },
  Q2: { from: '2017-01-01', days: 90 },
};

const DECLINED_REASON = 'Detainer Declined by LEA';
const OTHER_REASONS: ReadonlyArray<readonly [string, number]> = [
  ['Booked into Detention', 45],
  ['', 20],
  ['Case Closed', 12],
  ['Lifted', 10],
  ['Transferred', 6],
  ['Prosecutorial Discretion', 4],
  ['Early Release', 3],
];
const CRIMINALITY: ReadonlyArray<readonly [string, number]> = [
  ['1 Convicted Criminal', 5],
  ['2 Pending Criminal Charges', 3],
  ['3 Other Immigration Violator', 2],
];
const COUNTRIES = [
  'MEXICO',
  'GUATEMALA',
  'HONDURAS',
  'EL SALVADOR',
  'CUBA',
  'DOMINICAN REPUBLIC',
  'COLOMBIA',
  'ECUADOR',
  'HAITI',
  'INDIA',
  'CHINA',
  'PHILIPPINES',
];
const DETAINER_TYPES = [
  'Immigration Detainer - Notice of Action',
  'Immigration Detainer - Request for Voluntary Action',
  'Request for Voluntary Notification of Release',
];

const COLUMNS = [
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
] as const;

type Column = (typeof COLUMNS)[number];
type Row = Record<Column, string | number | Date | null> & { county: string; quarter: Quarter };

function pick<T>(rnd: () => number, entries: ReadonlyArray<readonly [T, number]>): T {
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let r = rnd() * total;
  for (const [value, weight] of entries) {
    r -= weight;
    if (r < 0) return value;
  }
  return entries[entries.length - 1][0];
}

/** Split `n` over the facilities by share; the remainder goes to the first (largest) one. */
function split(n: number, facilities: Facility[]): number[] {
  const parts = facilities.map((f) => Math.floor(n * f.share));
  parts[0] += n - parts.reduce((a, b) => a + b, 0);
  return parts;
}

function facilityCode(name: string, state: string): string {
  return `${name.replace(/[^A-Z]/g, '').slice(0, 5)}${state.slice(0, 2)}`;
}

const DAY_MS = 86_400_000;

/** The detainers of one quarter, sorted by prepare date; boundary days always have a row. */
function quarterRows(quarter: Quarter, rnd: () => number): Row[] {
  const { from, days } = QUARTERS[quarter];
  const start = Date.parse(`${from}T00:00:00Z`);
  // Whole working hours: no time-zone reading moves a row across a day (or quarter) boundary,
  // and the files stay small.
  const dateOn = (day: number) => new Date(start + day * DAY_MS + (8 + Math.floor(rnd() * 9)) * 3_600_000);
  const anyDay = () => dateOn(Math.floor(rnd() * days));
  const rows: Row[] = [];
  const add = (county: County, facility: Facility, reason: string, prepared: Date) => {
    rows.push({
      county: county.key,
      quarter,
      'Detainer Prepare Date': prepared,
      'Facility State': county.state,
      'Facility AOR': county.aor,
      'Case Status': reason === '' ? 'ACTIVE' : 'CLOSED',
      'Detainer Prepared Criminality': pick(rnd, CRIMINALITY),
      'Detention Facility': facility.name,
      'Detention Facility Code': facilityCode(facility.name, county.state),
      // Redacted cities on a few non-declined rows, as in the real files.
      'Facility City': reason !== DECLINED_REASON && rnd() < 0.02 ? '(b)(7)(E)' : facility.city,
      'Citizenship Country': COUNTRIES[Math.floor(rnd() * COUNTRIES.length)],
      'Resume Custody Yes No': rnd() < 0.1 ? 'YES' : 'NO',
      'Detainer Lift Reason': reason === '' ? null : reason,
      'Detainer Type': DETAINER_TYPES[Math.floor(rnd() * DETAINER_TYPES.length)],
      'Unique Identifier': '',
    });
  };
  for (const county of COUNTIES) {
    const declined = DECLINED[quarter][county.key] ?? 0;
    split(declined, county.facilities).forEach((n, i) => {
      for (let k = 0; k < n; k++) add(county, county.facilities[i], DECLINED_REASON, anyDay());
    });
    const others = Math.round(declined * (2.6 + rnd() * 0.8));
    split(others, county.facilities).forEach((n, i) => {
      for (let k = 0; k < n; k++) add(county, county.facilities[i], pick(rnd, OTHER_REASONS), anyDay());
    });
  }
  for (const { county, perQuarter } of NON_DECLINING) {
    for (let k = 0; k < perQuarter; k++) add(county, county.facilities[0], pick(rnd, OTHER_REASONS), anyDay());
  }
  // The first and last day of the quarter carry a row, so coverage read from the dates is exact.
  const harris = NON_DECLINING[0].county;
  add(harris, harris.facilities[0], 'Booked into Detention', dateOn(0));
  add(harris, harris.facilities[0], 'Booked into Detention', dateOn(days - 1));
  rows.sort((a, b) => (a['Detainer Prepare Date'] as Date).getTime() - (b['Detainer Prepare Date'] as Date).getTime());
  rows.forEach((row, i) => {
    row['Unique Identifier'] = createHash('sha256').update(`detainer-watch-demo:${quarter}:${i}`).digest('hex').slice(0, 12).toUpperCase();
  });
  return rows;
}

/** Release 3: release 2 with FY2017 Q1 revised. */
function revise(rows: Row[]): Row[] {
  let recoded = 0;
  return rows
    .filter(
      (row) =>
        !(
          row.quarter === 'Q1' &&
          row.county === 'nassau' &&
          row['Detainer Lift Reason'] === DECLINED_REASON &&
          REVISION.nassauRemoved === 'all'
        ),
    )
    .map((row) => {
      if (
        row.quarter === 'Q1' &&
        row.county === 'clark' &&
        row['Detainer Lift Reason'] === DECLINED_REASON &&
        recoded < REVISION.clarkRecodedAsTransfers
      ) {
        recoded++;
        return { ...row, 'Detainer Lift Reason': 'Transferred' };
      }
      return row;
    });
}

async function workbookBytes(rows: Row[], titles: string[], createdAt: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Deportation Data Project';
  workbook.created = workbook.modified = new Date(`${createdAt}T12:00:00Z`);
  const sheet = workbook.addWorksheet('Detainers');
  for (const title of titles) sheet.addRow(title === '' ? [] : [title]);
  sheet.addRow([...COLUMNS]).font = { bold: true };
  for (const row of rows) {
    sheet.addRow(COLUMNS.map((column) => row[column])).getCell(1).numFmt = 'mm/dd/yyyy hh:mm';
  }
  for (let i = 1; i <= COLUMNS.length; i++) sheet.getColumn(i).width = 20;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * exceljs zips with JSZip, which stamps every entry with the current time; pinning JSZip's
 * default date (the instance exceljs itself loads) makes the bytes depend on the data only.
 */
function pinZipDates(date: Date): void {
  const requireFromExceljs = createRequire(createRequire(import.meta.url).resolve('exceljs'));
  const JSZip = requireFromExceljs('jszip') as { defaults: { date: Date | null } };
  JSZip.defaults.date = date;
}

export interface DemoReleaseFile {
  name: string;
  path: string;
  rows: number;
  bytes: number;
}

export async function makeDemoReleases(outDir: string): Promise<DemoReleaseFile[]> {
  await mkdir(outDir, { recursive: true });
  pinZipDates(new Date('2017-01-17T12:00:00Z'));
  const rnd = seededRandom(2017);
  const q1 = quarterRows('Q1', rnd);
  const q2 = quarterRows('Q2', rnd);
  const contents = [q1, [...q1, ...q2], revise([...q1, ...q2])];
  const written: DemoReleaseFile[] = [];
  for (const [i, release] of DEMO_RELEASES.entries()) {
    const titles = [
      'ICE Detainers',
      'Deportation Data Project (deportationdata.org)',
      `Data from ICE FOIA production. ${release.note}`,
      'Each row is one detainer (Form I-247). Some fields are redacted under FOIA exemptions (b)(6), (b)(7)(C), (b)(7)(E).',
      'Demo release generated for detainer-watch in the real layout; not real records.',
      '',
    ];
    const bytes = await workbookBytes(contents[i], titles, release.publishedAt);
    const path = join(outDir, release.name);
    await writeFile(path, bytes);
    written.push({ name: release.name, path, rows: contents[i].length, bytes: bytes.length });
  }
  return written;
}

export const DEFAULT_OUT_DIR = fileURLToPath(new URL('../local/demo/releases/', import.meta.url));

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = new Command().option('--out <dir>', 'folder to write the releases to', DEFAULT_OUT_DIR).parse().opts<{ out: string }>();
  for (const file of await makeDemoReleases(options.out)) console.log(`${file.path}: ${file.rows} rows, ${file.bytes} bytes`);
}
