/**
 * Record-level detainer files as they are shared: NPR-style republications (`date, lift_reason,
 * det_facility, city, state`), the Deportation Data Project's processed Parquet with snake_case
 * columns, and the CSV quirks of real exports. Facility names and lift reasons are ICE's own,
 * from NPR's sanctuary-cities data (test/ingest/resolve/fixtures/nprapps-sanctuary-cities, MIT).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../../functions/domain/release';
import { guessFormat, parseRelease } from '../../../functions/ingest/parsers';
import { rejectionOf } from './rejection';
import { buildZip } from './zip-builder';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'record-layouts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, bytes: string | Buffer | ArrayBuffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes instanceof ArrayBuffer ? Buffer.from(bytes) : bytes);
  return path;
}

async function records(path: string) {
  const seen: Observation[] = [];
  const summary = await parseRelease(path, 'ddp', (o) => seen.push(o));
  return { seen, summary, declined: seen.filter((o) => o.count === 1) };
}

/** One state's detainers as NPR republished them: `date` with a time, state spelled out, blank lift reason while open. */
const NPR_HEADER = 'date,lift_reason,det_facility,city,state,detainer_type';
const NPR_ROWS = [
  '2014-07-03 00:00:00,Detainer Declined by LEA,CONTRA COSTA CO. JAIL,MARTINEZ,CALIFORNIA,Detainer',
  '2014-07-03 00:00:00,Booked into Detention,CONTRA COSTA CO. JAIL,MARTINEZ,CALIFORNIA,Detainer',
  '2014-08-19 00:00:00,DETAINER DECLINED BY LEA ,VISTA DETENTION FACILITY,VISTA,California,Detainer',
  '2014-09-02 00:00:00,,VISTA DETENTION FACILITY,VISTA,CA,Detainer',
  '2014-10-14 00:00:00,detainer  declined by lea,"US MARSHALS, COLORADO",DENVER,co,Detainer',
  '2015-01-05 00:00:00,Case Closed,DENVER JUSTICE CENTER,DENVER,COLORADO,Detainer',
];

describe('record-level files shared with processed column names', () => {
  it("reads NPR's republished CSV: every record received, declined ones counted, whatever the spelling of state and lift reason", async () => {
    // Prepare
    const path = await file('npr-ca.csv', `${NPR_HEADER}\n${NPR_ROWS.join('\n')}\n`);

    // Act
    const format = await guessFormat(path);
    const { seen, summary, declined } = await records(path);

    // Assess
    expect(format).toBe('ddp');
    expect(seen).toHaveLength(6);
    expect(seen.every((o) => o.received === 1)).toBe(true);
    expect(declined.map((o) => [o.place.facility, o.place.city, o.place.state, o.date])).toEqual([
      ['CONTRA COSTA CO. JAIL', 'MARTINEZ', 'CALIFORNIA', '2014-07-03'],
      ['VISTA DETENTION FACILITY', 'VISTA', 'California', '2014-08-19'],
      ['US MARSHALS, COLORADO', 'DENVER', 'co', '2014-10-14'],
    ]);
    expect(seen[3]).toEqual({
      place: { facility: 'VISTA DETENTION FACILITY', city: 'VISTA', state: 'CA' },
      count: 0,
      received: 1,
      date: '2014-09-02',
    });
    expect(summary).toMatchObject({ format: 'ddp', rowsRead: 6, rowsKept: 3, coverage: { from: '2014-07-03', to: '2015-01-05' } });
  });

  it.each([
    [
      'semicolons, CRLF and a byte-order mark',
      'semicolon.csv',
      (rows: string[]) =>
        `\uFEFF${rows.map((r) => r.replaceAll(',', ';').replace('"US MARSHALS; COLORADO"', '"US MARSHALS, COLORADO"')).join('\r\n')}\r\n`,
    ],
    [
      "tabs (NPR's .csv files)",
      'tabs.csv',
      (rows: string[]) => rows.map((r) => r.replaceAll(',', '\t').replace('"US MARSHALS\t COLORADO"', 'US MARSHALS, COLORADO')).join('\n'),
    ],
    [
      'pipes',
      'pipes.txt',
      (rows: string[]) => rows.map((r) => r.replaceAll(',', '|').replace('"US MARSHALS| COLORADO"', 'US MARSHALS, COLORADO')).join('\n'),
    ],
  ])('reads the same records delimited by %s', async (_, name, write) => {
    // Prepare
    const path = await file(name, write([NPR_HEADER, ...NPR_ROWS]));

    // Act
    const { declined, summary } = await records(path);

    // Assess
    expect(declined.map((o) => o.place.facility)).toEqual(['CONTRA COSTA CO. JAIL', 'VISTA DETENTION FACILITY', 'US MARSHALS, COLORADO']);
    expect(summary.rowsRead).toBe(6);
  });

  it('reads a facility name quoted over a line break, Latin-1 bytes, empty and unknown columns, and dates as 7/3/14', async () => {
    // Prepare: an export from Excel on Windows, with a title row above the header
    const text = [
      'Detainers prepared in Florida,,,,,,,',
      'Prepare Date,Detainer Lift Reason,Detention Facility,Facility City,Facility State,County,Notes,Extra',
      '7/3/14,Detainer Declined by LEA,"TURNER GUIFORD KNIGHT\n(TGK) JAIL",MIAMI,FL,,,x',
      '7/4/14,Detainer Declined by LEA,CENTRE P\xc9NITENTIAIRE DADE,MIAMI,FLORIDA,,,y',
      '7/5/14,Lifted,EVERGALDES CORR. INSTITUTION,MIAMI,FL,,,z',
    ].join('\r\n');
    const path = await file('latin1.csv', Buffer.from(text, 'latin1'));

    // Act
    const { declined, summary } = await records(path);

    // Assess
    expect(declined.map((o) => [o.place.facility, o.date])).toEqual([
      ['TURNER GUIFORD KNIGHT\n(TGK) JAIL', '2014-07-03'],
      ['CENTRE PÉNITENTIAIRE DADE', '2014-07-04'],
    ]);
    // Windows-1252 from the first line that is not UTF-8 (the lines above it are read as UTF-8)
    expect(summary.warnings).toContain(`text is not UTF-8 from byte ${text.indexOf('7/4/14')}: read as Windows-1252 (Latin-1)`);
  });

  it('counts likely duplicates by the identifier column in a CSV, read for declined records only', async () => {
    // Prepare: the same person twice within a day at one facility, once more a month later, and an undeclined record
    const rows = [
      'Detainer Prepare Date,Detainer Lift Reason,Detention Facility,Facility City,Facility State,Unique Identifier',
      '2024-05-01 08:00:00,Detainer Declined by LEA,COOK COUNTY JAIL,CHICAGO,IL,"P-1"',
      '2024-05-01 20:00:00,Detainer Declined by LEA,COOK COUNTY JAIL,CHICAGO,IL,P-1',
      '2024-06-20 08:00:00,Detainer Declined by LEA,COOK COUNTY JAIL,CHICAGO,IL,P-1',
      '2024-06-20 09:00:00,Case Closed,COOK COUNTY JAIL,CHICAGO,IL,P-1',
    ];
    const path = await file('duplicates.csv', `${rows.join('\r\n')}\r\n`);

    // Act
    const { declined, summary } = await records(path);

    // Assess
    expect(declined).toHaveLength(3);
    expect(summary.warnings.join('\n')).toMatch(/^1 declined rows look like duplicates/m);
  });

  it('reads a .csv.gz and a zip holding one CSV', async () => {
    // Prepare
    const csv = `${NPR_HEADER}\n${NPR_ROWS.join('\n')}\n`;
    const gz = await file('npr-ca.csv.gz', gzipSync(csv));
    const zip = await file(
      'npr-ca.zip',
      buildZip([
        { name: 'npr-ca/detainers.csv', content: csv },
        { name: '__MACOSX/npr-ca/._detainers.csv', content: 'x' },
      ]),
    );

    // Act
    const [fromGz, fromZip] = [await records(gz), await records(zip)];

    // Assess
    expect(await guessFormat(gz)).toBe('ddp');
    expect(fromGz.declined).toHaveLength(3);
    expect(fromZip.seen).toEqual(fromGz.seen);
  });
});

/**
 * The Parquet schema pyarrow writes for DDP columns: the prepare date as int32 days annotated
 * DATE, every other column optional UTF-8; and the columns without their writer types.
 */
function dateFirstSchema(columnData: Array<{ name: string; data: unknown[] }>) {
  const schema = [
    { name: 'root', num_children: columnData.length },
    { name: 'detainer_prepare_date', type: 'INT32' as const, converted_type: 'DATE' as const, repetition_type: 'OPTIONAL' as const },
    ...columnData.slice(1).map((c) => ({
      name: c.name,
      type: 'BYTE_ARRAY' as const,
      converted_type: 'UTF8' as const,
      repetition_type: 'OPTIONAL' as const,
    })),
  ];
  return { schema, untyped: columnData.map(({ name, data }) => ({ name, data })) };
}

/** DDP processed columns, as `detainers-latest.parquet` names them. */
function ddpColumns(days: number[], reasons: Array<string | null>, facilities: string[], states: string[]) {
  return [
    { name: 'detainer_prepare_date', data: days, type: 'INT32' as const },
    { name: 'facility_state', data: states, type: 'STRING' as const },
    { name: 'facility_aor', data: states.map(() => 'Newark Area of Responsibility'), type: 'STRING' as const },
    { name: 'detention_facility', data: facilities, type: 'STRING' as const },
    { name: 'detention_facility_code', data: facilities.map((f) => f.slice(0, 7).replace(/\W/g, '')), type: 'STRING' as const },
    { name: 'facility_city', data: facilities.map(() => 'KEARNY'), type: 'STRING' as const },
    { name: 'citizenship_country', data: facilities.map(() => 'MEXICO'), type: 'STRING' as const },
    { name: 'detainer_lift_reason', data: reasons, type: 'STRING' as const, nullable: true },
    { name: 'detainer_type', data: facilities.map(() => 'Detainer'), type: 'STRING' as const },
    { name: 'detainer_prepared_criminality', data: facilities.map(() => '1 - Convicted Criminal'), type: 'STRING' as const },
  ];
}

const EPOCH_DAY = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

describe("the Deportation Data Project's Parquet", () => {
  const N = 2500;
  const days = Array.from({ length: N }, (_, i) => EPOCH_DAY('2023-10-01') + (i % 400));
  const reasons = Array.from({ length: N }, (_, i) =>
    i % 10 === 0 ? 'Detainer Declined by LEA' : i % 10 === 1 ? null : 'Booked into Detention',
  );
  const facilities = Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 'HUDSON COUNTY CORRECTIONAL CENTER' : 'ESSEX COUNTY JAIL'));
  const states = Array.from({ length: N }, (_, i) => (i % 2 === 0 ? 'NEW JERSEY' : 'nj'));
  const declinedCount = reasons.filter((r) => r === 'Detainer Declined by LEA').length;

  it.each([
    ['SNAPPY', {}],
    ['GZIP', { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)) }],
    ['BROTLI', { BROTLI: (input: Uint8Array) => new Uint8Array(brotliCompressSync(input)) }],
  ] as const)(
    'reads a %s file of several dictionary-encoded row groups with a DATE column and nullable lift reasons',
    async (codec, compressors) => {
      // Prepare: int32 days annotated as DATE, as pyarrow writes a date column
      const columnData = ddpColumns(days, reasons, facilities, states);
      const { schema, untyped } = dateFirstSchema(columnData);
      const path = await file(
        `ddp-${codec}.parquet`,
        parquetWriteBuffer({ columnData: untyped, schema, codec, compressors, rowGroupSize: 700 }),
      );

      // Act
      const format = await guessFormat(path);
      const { seen, declined, summary } = await records(path);

      // Assess
      expect(format).toBe('ddp');
      expect(seen).toHaveLength(N);
      expect(declined).toHaveLength(declinedCount);
      expect(declined[0]).toEqual({
        place: {
          facility: 'HUDSON COUNTY CORRECTIONAL CENTER',
          city: 'KEARNY',
          state: 'NEW JERSEY',
          facilityCode: 'HUDSON',
          aor: 'Newark Area of Responsibility',
        },
        count: 1,
        received: 1,
        date: '2023-10-01',
        category: '1 - Convicted Criminal',
      });
      expect(summary).toMatchObject({ rowsRead: N, rowsKept: declinedCount, coverage: { from: '2023-10-01', to: '2024-11-03' } });
      expect(summary.columns).toContain('detainer_lift_reason');
    },
  );

  it.each([
    [
      'TIMESTAMP in microseconds',
      { type: 'INT64' as const, logical_type: { type: 'TIMESTAMP' as const, isAdjustedToUTC: false, unit: 'MICROS' as const } },
      1_000_000n,
    ],
    [
      'TIMESTAMP in nanoseconds',
      { type: 'INT64' as const, logical_type: { type: 'TIMESTAMP' as const, isAdjustedToUTC: false, unit: 'NANOS' as const } },
      1_000_000_000n,
    ],
    ['TIMESTAMP_MILLIS', { type: 'INT64' as const, converted_type: 'TIMESTAMP_MILLIS' as const }, 1000n],
    ['a bare INT64 of nanoseconds (BigInt, no annotation)', { type: 'INT64' as const }, 1_000_000_000n],
  ])('dates a record by a %s prepare date', async (_, element, perSecond) => {
    // Prepare: 2024-02-29 13:45 local time
    const instant = BigInt(Date.parse('2024-02-29T13:45:00Z') / 1000) * perSecond;
    const columnData = [
      { name: 'detainer_prepare_date', data: [instant, instant], type: 'INT64' as const },
      { name: 'detainer_lift_reason', data: ['Detainer Declined by LEA', 'Lifted'], type: 'STRING' as const },
      { name: 'detention_facility', data: ['PASSAIC COUNTY JAIL', 'PASSAIC COUNTY JAIL'], type: 'STRING' as const },
      { name: 'facility_state', data: ['NJ', 'NJ'], type: 'STRING' as const },
    ];
    const schema = [
      { name: 'root', num_children: 4 },
      { name: 'detainer_prepare_date', repetition_type: 'REQUIRED' as const, ...element },
      ...columnData
        .slice(1)
        .map((c) => ({ name: c.name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'REQUIRED' as const })),
    ];
    const path = await file(
      `ts-${_.replace(/\W+/g, '-')}.parquet`,
      parquetWriteBuffer({ columnData: columnData.map(({ name, data }) => ({ name, data })), schema }),
    );

    // Act
    const { seen } = await records(path);

    // Assess
    expect(seen.map((o) => [o.date, o.count])).toEqual([
      ['2024-02-29', 1],
      ['2024-02-29', 0],
    ]);
  });
});

describe('a large Parquet file', () => {
  it('reads row groups of tens of thousands of rows, column by column, each row whole; and refuses the file cut short', async () => {
    // Prepare: two row groups of 25,000 rows, each row's columns tied to its number
    const n = 50_000;
    const reasons = Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 'Detainer Declined by LEA' : i % 10 === 1 ? null : 'Lifted'));
    const facilities = Array.from({ length: n }, (_, i) => `FACILITY ${i % 7} COUNTY JAIL`);
    const columnData = [
      ...ddpColumns(
        Array.from({ length: n }, (_, i) => EPOCH_DAY('2023-10-01') + (i % 300)),
        reasons,
        facilities,
        facilities.map(() => 'NJ'),
      ),
      { name: 'unique_identifier', data: Array.from({ length: n }, (_, i) => `ID${i}`), type: 'STRING' as const },
    ];
    const { schema, untyped } = dateFirstSchema(columnData);
    const bytes = Buffer.from(parquetWriteBuffer({ columnData: untyped, schema, rowGroupSize: 25_000 }));
    const path = await file('large.parquet', bytes);
    const cut = await file('cut.parquet', Buffer.concat([bytes.subarray(0, 4), bytes.subarray(bytes.length / 2)]));

    // Act
    const { seen, declined, summary } = await records(path);
    const refusal = await rejectionOf(parseRelease(cut, 'ddp', () => undefined));

    // Assess
    expect(summary).toMatchObject({ rowsRead: n, rowsKept: n / 10 });
    expect(seen.map((o) => o.count).join('')).toBe(reasons.map((r) => (r === 'Detainer Declined by LEA' ? 1 : 0)).join(''));
    declined.forEach((o, k) => {
      const i = k * 10;
      expect([o.place.facility, o.date]).toEqual([
        `FACILITY ${i % 7} COUNTY JAIL`,
        new Date((EPOCH_DAY('2023-10-01') + (i % 300)) * 86_400_000).toISOString().slice(0, 10),
      ]);
    });
    expect(refusal.message).toMatch(/^.*cut\.parquet: unreadable Parquet: /);
  });
});

describe('refusals', () => {
  it.each([
    [
      'detainers-latest.dta',
      Buffer.from('<stata_dta><header><release>118</release>'),
      /detainers-latest\.dta: is a Stata data file \(\.dta\), which detainer-watch does not read: use the Parquet \(or CSV, XLSX\) file published with it$/,
    ],
    [
      'detainers-latest.sav',
      Buffer.from('$FL2@(#) IBM SPSS STATISTICS'),
      /is an SPSS data file \(\.sav\), which detainer-watch does not read: use the Parquet/,
    ],
    [
      'detainers-latest.feather',
      Buffer.concat([Buffer.from('ARROW1'), Buffer.alloc(64)]),
      /is a Feather\/Arrow file \(\.feather, \.arrow\), which detainer-watch does not read/,
    ],
  ])('names %s as a format not read, and what to use instead', async (name, bytes, message) => {
    // Prepare
    const path = await file(name, bytes);

    // Act
    const [guess, parse] = await Promise.all([rejectionOf(guessFormat(path)), rejectionOf(parseRelease(path, 'ddp', () => undefined))]);

    // Assess
    expect(guess.message).toMatch(message);
    expect(parse.message).toMatch(message);
    expect(guess.message).not.toContain('\n');
  });

  it('names the columns found and the ones needed when a header cannot be mapped', async () => {
    // Prepare
    const path = await file('unknown.csv', 'when,outcome,jail\n2014-07-03,Detainer Declined by LEA,CONTRA COSTA CO. JAIL\n');

    // Act
    const [guess, asRecords] = await Promise.all([rejectionOf(guessFormat(path)), rejectionOf(parseRelease(path, 'ddp', () => undefined))]);

    // Assess
    expect(guess.message).toMatch(
      /no header row: the likeliest header \(row 1\) has "when", "outcome", "jail"; a record-level release .* needs "Detainer Prepare Date" .*; a jurisdiction table needs /,
    );
    expect(asRecords.message).toMatch(
      /unknown\.csv: no header row: the likeliest header \(row 1\) has "when", "outcome", "jail"; a record-level release \(one row per detainer\) needs "Detainer Prepare Date" \(or "detainer_prepare_date", "date", "Detainer Prepared Date", …\), "Detainer Lift Reason"/,
    );
  });

  it('names the required column a record header lacks, and the columns it has', async () => {
    // Prepare: a republished extract without its state
    const path = await file(
      'no-state.csv',
      'date,lift_reason,det_facility,city\n2014-07-03,Detainer Declined by LEA,CONTRA COSTA CO. JAIL,MARTINEZ\n',
    );

    // Act
    const parse = await rejectionOf(parseRelease(path, 'ddp', () => undefined));

    // Assess
    expect(parse.message).toMatch(
      /missing required column "Detainer Facility State"|missing required column "Facility State" \(also accepted: "facility_state", "state", .*\) in the header on row 1, which has "date", "lift_reason", "det_facility", "city"$/,
    );
  });
});
