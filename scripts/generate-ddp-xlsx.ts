/**
 * Generates a Deportation Data Project–layout detainer XLSX: six title/notes rows, then the
 * header and one row per detainer, written with exceljs' streaming writer and shared strings
 * (as the real releases are). The same seed gives the same detainers in both variants, so a
 * test can check that header drift between releases changes nothing.
 *
 *   npx tsx scripts/generate-ddp-xlsx.ts --rows 316000 --seed 1 --variant 2023 --out /tmp/ddp.xlsx
 */

import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import ExcelJS from 'exceljs';
import { seededRandom } from './seeded-random';

/**
 * `2023` and `2026`: the columns detainer-watch reads, under each release's header names (small
 * fixtures). `2023-full`: every one of the 65 columns of the Sep 2023 – Jun 2025 release, in its
 * order (as the Deportation Data Project's own import script lists them), for real-size benches.
 */
export type DdpVariant = '2023' | '2026' | '2023-full';

export interface DdpGeneratorOptions {
  rows: number;
  out: string;
  seed?: number;
  variant?: DdpVariant;
  /** First prepare date (ISO); rows spread over `days` days from it. Default: eight quarters from 2023-10-01. */
  from?: string;
  days?: number;
}

export interface DdpGeneratorResult {
  file: string;
  rows: number;
  declined: number;
  /** First and last prepare date written. */
  coverage: { from: string; to: string };
}

/**
 * Facility names as ICE writes them. The first group is real (NPR News Apps,
 * github.com/nprapps/sanctuary-cities, MIT licence, Copyright (c) 2016 NPR); the rest are
 * plausible names of large county jails in the same style.
 */
const FACILITIES: ReadonlyArray<{ name: string; city: string; state: string; aor: string; declineWeight: number }> = [
  { name: 'CONTRA COSTA CO. JAIL', city: 'MARTINEZ', state: 'CALIFORNIA', aor: 'San Francisco Area of Responsibility', declineWeight: 6 },
  { name: 'VISTA DETENTION FACILITY', city: 'VISTA', state: 'CALIFORNIA', aor: 'San Diego Area of Responsibility', declineWeight: 3 },
  { name: 'DENVER JUSTICE CENTER', city: 'DENVER', state: 'COLORADO', aor: 'Denver Area of Responsibility', declineWeight: 8 },
  { name: 'DENVER COUNTY JAIL', city: 'DENVER', state: 'COLORADO', aor: 'Denver Area of Responsibility', declineWeight: 4 },
  { name: 'US MARSHALS, COLORADO', city: 'DENVER', state: 'COLORADO', aor: 'Denver Area of Responsibility', declineWeight: 0.2 },
  { name: 'TURNER GUIFORD KNIGHT (TGK) JAIL', city: 'MIAMI', state: 'FLORIDA', aor: 'Miami Area of Responsibility', declineWeight: 9 },
  { name: 'DADE COUNTY CORRECTIONAL', city: 'MIAMI', state: 'FLORIDA', aor: 'Miami Area of Responsibility', declineWeight: 5 },
  { name: 'METRO DADE JAIL', city: 'MIAMI', state: 'FLORIDA', aor: 'Miami Area of Responsibility', declineWeight: 1 },
  { name: 'KROME NORTH SPC', city: 'MIAMI', state: 'FLORIDA', aor: 'Miami Area of Responsibility', declineWeight: 0.1 },
  { name: 'EVERGALDES CORR. INSTITUTION', city: 'MIAMI', state: 'FLORIDA', aor: 'Miami Area of Responsibility', declineWeight: 0.1 },
  { name: 'US MARSHALS,S.DIST.FL', city: 'MIAMI', state: 'FLORIDA', aor: 'Miami Area of Responsibility', declineWeight: 0.1 },
  { name: 'TRAVIS COUNTY JAIL', city: 'AUSTIN', state: 'TEXAS', aor: 'San Antonio Area of Responsibility', declineWeight: 7 },
  { name: 'HARRIS COUNTY JAIL', city: 'HOUSTON', state: 'TEXAS', aor: 'Houston Area of Responsibility', declineWeight: 0.5 },
  { name: 'COOK COUNTY JAIL', city: 'CHICAGO', state: 'ILLINOIS', aor: 'Chicago Area of Responsibility', declineWeight: 9 },
  {
    name: 'ESSEX COUNTY CORRECTIONAL FACILITY',
    city: 'NEWARK',
    state: 'NEW JERSEY',
    aor: 'Newark Area of Responsibility',
    declineWeight: 2,
  },
  {
    name: 'HUDSON COUNTY CORRECTIONAL CENTER',
    city: 'KEARNY',
    state: 'NEW JERSEY',
    aor: 'Newark Area of Responsibility',
    declineWeight: 3,
  },
  { name: 'RIKERS ISLAND', city: 'EAST ELMHURST', state: 'NEW YORK', aor: 'New York City Area of Responsibility', declineWeight: 8 },
  {
    name: 'NASSAU COUNTY CORRECTIONAL CENTER',
    city: 'EAST MEADOW',
    state: 'NEW YORK',
    aor: 'New York City Area of Responsibility',
    declineWeight: 1,
  },
  {
    name: 'LOS ANGELES COUNTY JAIL',
    city: 'LOS ANGELES',
    state: 'CALIFORNIA',
    aor: 'Los Angeles Area of Responsibility',
    declineWeight: 6,
  },
  { name: 'VENTURA COUNTY JAIL', city: 'VENTURA', state: 'CALIFORNIA', aor: 'Los Angeles Area of Responsibility', declineWeight: 5 },
  {
    name: 'CLARK COUNTY DETENTION CENTER',
    city: 'LAS VEGAS',
    state: 'NEVADA',
    aor: 'Salt Lake City Area of Responsibility',
    declineWeight: 2,
  },
  {
    name: 'KING COUNTY CORRECTIONAL FACILITY',
    city: 'SEATTLE',
    state: 'WASHINGTON',
    aor: 'Seattle Area of Responsibility',
    declineWeight: 4,
  },
  { name: 'MULTNOMAH COUNTY DETENTION CENTER', city: 'PORTLAND', state: 'OREGON', aor: 'Seattle Area of Responsibility', declineWeight: 4 },
  { name: 'MARICOPA COUNTY JAIL', city: 'PHOENIX', state: 'ARIZONA', aor: 'Phoenix Area of Responsibility', declineWeight: 0.3 },
  { name: 'GWINNETT COUNTY JAIL', city: 'LAWRENCEVILLE', state: 'GEORGIA', aor: 'Atlanta Area of Responsibility', declineWeight: 0.1 },
  { name: 'FRANKLIN COUNTY JAIL', city: 'COLUMBUS', state: 'OHIO', aor: 'Detroit Area of Responsibility', declineWeight: 0.5 },
  {
    name: 'FRANKLIN COUNTY JAIL',
    city: 'CHAMBERSBURG',
    state: 'PENNSYLVANIA',
    aor: 'Philadelphia Area of Responsibility',
    declineWeight: 0.5,
  },
  {
    name: 'PHILADELPHIA INDUSTRIAL CORRECTIONAL CTR',
    city: 'PHILADELPHIA',
    state: 'PENNSYLVANIA',
    aor: 'Philadelphia Area of Responsibility',
    declineWeight: 6,
  },
  {
    name: 'BALTIMORE CITY DETENTION CENTER',
    city: 'BALTIMORE',
    state: 'MARYLAND',
    aor: 'Baltimore Area of Responsibility',
    declineWeight: 2,
  },
  {
    name: 'SAN FRANCISCO COUNTY JAIL',
    city: 'SAN FRANCISCO',
    state: 'CALIFORNIA',
    aor: 'San Francisco Area of Responsibility',
    declineWeight: 5,
  },
];

const LIFT_REASONS = [
  ['Booked into Detention', 40],
  ['', 22],
  ['Case Closed', 10],
  ['Lifted', 8],
  ['Transferred', 4],
  ['Prosecutorial Discretion', 3],
  ['Early Release', 1],
] as const;

const CRIMINALITY = ['1 Convicted Criminal', '2 Pending Criminal Charges', '3 Other Immigration Violator'];
const COUNTRIES = [
  'MEXICO',
  'GUATEMALA',
  'HONDURAS',
  'EL SALVADOR',
  'VENEZUELA',
  'COLOMBIA',
  'ECUADOR',
  'CUBA',
  'HAITI',
  'DOMINICAN REPUBLIC',
  'INDIA',
  'CHINA',
];
const DETAINER_TYPES = [
  'Immigration Detainer - Notice of Action',
  'Request for Voluntary Notification of Release',
  'Immigration Detainer - Request for Voluntary Action',
];
const THREAT = ['1', '2', '3', ''];

/** Columns of the Sep 2023 – Jun 2025 release; `Detention Facility` is renamed later. */
const COLUMNS_2023 = [
  'Detainer Prepare Date',
  'Facility State',
  'Facility AOR',
  'Detainer Type',
  'Case Status',
  'Detainer Prepared Criminality',
  'Detention Facility',
  'Detention Facility Code',
  'Facility City',
  'Gender',
  'Birth Year',
  'Citizenship Country',
  'Detainer Threat Level',
  'Resume Custody Yes No',
  'Detainer Lift Reason',
  'Detainer Lift Date',
  'Unique Identifier',
] as const;

type Field = (typeof COLUMNS_2023)[number] | 'Detainer Lift Reason Code' | 'Notify Release Request Yes No';

/** The Sep 2023 – Jun 2025 release's 65 columns in order; the ones not generated above get filler values. */
const COLUMNS_2023_FULL = [
  'Detainer Prepare Date',
  'Facility State',
  'Facility AOR',
  'Port of Departure',
  'Departure Country',
  'Departed Date',
  'Case Status',
  'Detainer Prepared Criminality',
  'Detention Facility',
  'Detention Facility Code',
  'Facility City',
  'Detainer Prep Threat Level',
  'Gender',
  'Citizenship Country',
  'Birth Country',
  'Birth Date',
  'Birth Year',
  'Entry Status',
  'Most Serious Conviction (MSC) Charge',
  'MSC Sentence Days',
  'MSC Sentence Months',
  'MSC Sentence Years',
  'MSC Charge Code',
  'MSC Charge Date',
  'MSC Conviction Date',
  'Felon',
  'Processing Disposition',
  'Case Category',
  'Final Program',
  'Time of Apprehension Case Category',
  'Time of Apprehension Current Program',
  'Apprehension Method',
  'Case Final Order Yes No',
  'Final Order Date',
  'Apprehension Date',
  'Entry Date',
  'Prior Felony Yes No',
  'Multiple Prior MISD Yes No',
  'Violent Misdemeanor Yes No',
  'Illegal Entry Yes No',
  'Illegal Reentry Yes No',
  'Immigration Fraud Yes No',
  'Significant Risk Yes No',
  'Other Removal Reason Yes No',
  'Other Removal Reason',
  'Criminal Street Gang Yes No',
  'Aggravated Felony Yes No',
  'Deportation Ordered Yes No',
  'Order to Show Cause Served Yes No',
  'Order to Show Cause Served Date',
  'Biometric Match Yes No',
  'Statements Made Yes No',
  'Unlawful Attempt Yes No',
  'Unlawful Entry Yes No',
  'Visa Yes No',
  'Final Order Yes No',
  'Federal Interest Yes No',
  'Resume Custody Yes No',
  'Detainer Lift Reason',
  'Detainer Type',
  'Alien File Number',
  'EID Case ID',
  'EID Subject ID',
  'EID DTA ID',
  'Unique Identifier',
] as const;

/** Generated fields under the full release's names. */
const FULL_NAME_OF: Partial<Record<string, Field>> = { 'Detainer Prep Threat Level': 'Detainer Threat Level' };

const CHARGES = [
  ['DRIVING UNDER INFLUENCE LIQUOR', '5404'],
  ['ASSAULT', '1399'],
  ['DANGEROUS DRUGS', '3599'],
  ['TRAFFIC OFFENSE', '5499'],
  ['ILLEGAL ENTRY', '0399'],
  ['LARCENY', '2399'],
] as const;
const REDACTED = '(b)(6), (b)(7)(C)';

/** A plausible value for a column detainer-watch does not read: yes/no flags, dates, codes, redactions. */
function filler(column: string, rnd: () => number, prepared: number): string | number | Date | null {
  if (column.endsWith('Yes No')) return rnd() < 0.15 ? 'YES' : rnd() < 0.9 ? 'NO' : null;
  if (column.endsWith('Date')) return rnd() < 0.5 ? null : new Date(prepared - Math.floor(rnd() * 3000) * DAY_MS);
  if (column.startsWith('MSC Sentence')) return rnd() < 0.7 ? null : Math.floor(rnd() * 365);
  if (column === 'Most Serious Conviction (MSC) Charge' || column === 'MSC Charge Code') {
    if (rnd() < 0.45) return null;
    const charge = CHARGES[Math.floor(rnd() * CHARGES.length)];
    return column === 'MSC Charge Code' ? charge[1] : charge[0];
  }
  if (column === 'Alien File Number' || column.startsWith('EID ')) return REDACTED;
  if (column === 'Birth Country') return COUNTRIES[Math.floor(rnd() * COUNTRIES.length)];
  if (column === 'Felon') return rnd() < 0.3 ? 'Y' : 'N';
  if (column === 'Entry Status') return ['EWI', 'B2', 'PAR', 'UNK'][Math.floor(rnd() * 4)];
  if (column === 'Port of Departure' || column === 'Departure Country' || column === 'Other Removal Reason') return null;
  return ['ERO', 'CAP', 'ATD', 'NON-DETAINED', ''][Math.floor(rnd() * 5)] || null;
}

/** Header name written for each field, per variant; 2026 also reorders and adds columns. */
function headerFor(variant: DdpVariant): Array<{ field?: Field; header: string }> {
  if (variant === '2023') return COLUMNS_2023.map((field) => ({ field, header: field }));
  if (variant === '2023-full') {
    const generated = new Set<string>(COLUMNS_2023);
    return COLUMNS_2023_FULL.map((header) => {
      const field = FULL_NAME_OF[header] ?? (generated.has(header) ? (header as Field) : undefined);
      return field ? { field, header } : { header };
    });
  }
  const renamed: Partial<Record<Field, string>> = {
    'Detention Facility': 'Detainer Facility',
    'Detention Facility Code': 'Detainer Facility Code',
    'Detainer Prepared Criminality': 'Detainer Criminality',
  };
  const fields: Field[] = [
    'Detainer Prepare Date',
    'Facility AOR',
    'Facility State',
    'Facility City',
    'Detention Facility',
    'Detention Facility Code',
    'Detainer Type',
    'Detainer Prepared Criminality',
    'Case Status',
    'Gender',
    'Birth Year',
    'Citizenship Country',
    'Detainer Threat Level',
    'Notify Release Request Yes No',
    'Resume Custody Yes No',
    'Detainer Lift Reason',
    'Detainer Lift Reason Code',
    'Detainer Lift Date',
    'Unique Identifier',
  ];
  return fields.map((field) => ({ field, header: renamed[field] ?? field }));
}

function weightedPicker<T>(entries: ReadonlyArray<readonly [T, number]>): (r: number) => T {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  const cumulative = entries.map(([value], i) => [value, entries.slice(0, i + 1).reduce((s, [, w]) => s + w, 0) / total] as const);
  return (r) => cumulative.find(([, c]) => r < c)?.[0] ?? cumulative[cumulative.length - 1][0];
}

const DAY_MS = 86_400_000;

export async function generateDdpXlsx(options: DdpGeneratorOptions): Promise<DdpGeneratorResult> {
  const { rows, out, seed = 1, variant = '2023', from = '2023-10-01', days = 731 } = options;
  const rnd = seededRandom(seed);
  // Filler columns draw from their own sequence, so every variant holds the same detainers.
  const fillerRnd = seededRandom(seed + 7_777_777);
  const pickFacility = weightedPicker(FACILITIES.map((f) => [f, 1 + f.declineWeight] as const));
  const pickReason = weightedPicker(LIFT_REASONS);
  const columns = headerFor(variant);
  const start = Date.parse(`${from}T00:00:00Z`);

  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet('Detainers');
  sheet.columns = columns.map(({ header }) => ({
    key: header,
    width: 18,
    style: header.endsWith('Date') ? { numFmt: 'mm/dd/yyyy hh:mm' } : {},
  }));
  const titles = [
    'ICE Detainers',
    'Deportation Data Project (deportationdata.org)',
    `Data from ICE FOIA production; ${variant.startsWith('2023') ? 'covers September 2023 to June 2025' : 'March 2026 Release'}`,
    'Each row is one detainer (Form I-247). Some fields are redacted under FOIA exemptions (b)(6), (b)(7)(C).',
    'Generated fixture in the real layout, not real records.',
    '',
  ];
  for (const title of titles) sheet.addRow([title]).commit();
  sheet.addRow(columns.map((c) => c.header)).commit();

  let declined = 0;
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < rows; i++) {
    const facility = pickFacility(rnd());
    const declinedRow = rnd() < facility.declineWeight / 100;
    const reason = declinedRow ? 'Detainer Declined by LEA' : pickReason(rnd());
    const dayOffset = Math.floor((i / Math.max(1, rows)) * days);
    const prepared = start + dayOffset * DAY_MS + Math.floor(rnd() * 86_400) * 1000;
    const redacted = rnd() < 0.004;
    const values: Record<Field, string | number | Date | null> = {
      'Detainer Prepare Date': new Date(prepared),
      'Facility State': facility.state,
      'Facility AOR': facility.aor,
      'Detainer Type': DETAINER_TYPES[Math.floor(rnd() * DETAINER_TYPES.length)],
      'Case Status': rnd() < 0.6 ? 'ACTIVE' : 'CLOSED',
      'Detainer Prepared Criminality': CRIMINALITY[Math.floor(rnd() * CRIMINALITY.length)],
      'Detention Facility': facility.name,
      'Detention Facility Code': facility.name.replace(/[^A-Z]/g, '').slice(0, 5) + facility.state.slice(0, 2),
      'Facility City': redacted ? '(b)(7)(E)' : facility.city,
      Gender: rnd() < 0.88 ? 'Male' : 'Female',
      'Birth Year': 1950 + Math.floor(rnd() * 55),
      'Citizenship Country': COUNTRIES[Math.floor(rnd() * COUNTRIES.length)],
      'Detainer Threat Level': THREAT[Math.floor(rnd() * THREAT.length)],
      'Resume Custody Yes No': rnd() < 0.1 ? 'YES' : 'NO',
      'Detainer Lift Reason': reason === '' ? null : reason,
      'Detainer Lift Reason Code': reason === '' ? null : reason.slice(0, 3).toUpperCase(),
      'Notify Release Request Yes No': rnd() < 0.3 ? 'YES' : 'NO',
      'Detainer Lift Date': reason === '' ? null : new Date(prepared + Math.floor(rnd() * 40) * DAY_MS),
      'Unique Identifier': `${(seed * 7919 + i * 104729).toString(36).toUpperCase()}${i}`,
    };
    if (declinedRow) declined++;
    first = Math.min(first, prepared);
    last = Math.max(last, prepared);
    sheet.addRow(columns.map(({ field, header }) => (field ? values[field] : filler(header, fillerRnd, prepared)))).commit();
  }
  sheet.commit();
  await workbook.commit();
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { file: out, rows, declined, coverage: rows > 0 ? { from: iso(first), to: iso(last) } : { from, to: from } };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cli = new Command()
    .requiredOption('--out <file>', 'XLSX file to write')
    .option('--rows <n>', 'detainer rows', '1000')
    .option('--seed <n>', 'random seed', '1')
    .option('--variant <v>', 'header layout: 2023, 2026, or 2023-full (all 65 columns of the release)', '2023')
    .parse();
  const opts = cli.opts<{ out: string; rows: string; seed: string; variant: string }>();
  if (opts.variant !== '2023' && opts.variant !== '2026' && opts.variant !== '2023-full')
    throw new Error(`--variant must be 2023, 2026 or 2023-full, not ${opts.variant}`);
  const result = await generateDdpXlsx({ out: opts.out, rows: Number(opts.rows), seed: Number(opts.seed), variant: opts.variant });
  console.log(JSON.stringify(result));
}
