/**
 * Section 1: ingest of a real-size DDP release against the floor (inflating the sheet and shared
 * strings with `unzip -p`), next to the readers a user would reach for. Rounds are interleaved,
 * so a change of machine load weighs on every reader alike.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { releaseKey } from '../functions/archive/release-key';
import { bundle, type ChildRun, OUT_DIR, runMeasured, shipResolverData } from './child-run';
import type { BenchServices } from './services';
import { BENCH_BUCKET, BENCH_TABLE } from './services';
import { mb, median, ms, type Row, ratio } from './stats';

export interface IngestFigures {
  file: string;
  fileBytes: number;
  rows: number;
  floorMs: number;
  floorCpuMs: number;
  /** `ratio`, `cpuRatio`: median over rounds of the reader's time over the floor's time in the same round. */
  readers: Record<
    string,
    | {
        wallMs: number;
        workMs: number;
        cpuMs: number;
        maxRssKb: number;
        ratio: number;
        cpuRatio: number;
        runs: number;
        detail: Record<string, unknown>;
      }
    | { error: string }
  >;
  /** Which of the readers is the handler's own work (full ingest, or parse+resolve+tally when the ingest could not run). */
  handler: 'ingest' | 'parse';
  /**
   * When SheetJS cannot read the full-width release (its sheet XML is past V8's longest string):
   * the same release with only the columns detainer-watch reads, measured with its own floor.
   */
  narrow?: Omit<IngestFigures, 'narrow' | 'handler' | 'rows'>;
}

type ReaderFigures = IngestFigures['readers'][string];

/** Rounds of the floor and every reader, interleaved; each ratio is reader / floor of the same round. */
async function measureRounds(
  file: string,
  readers: Reader[],
  runs: number,
  errors: Record<string, string>,
  log: (line: string) => void,
  onError: (name: string) => void = () => {},
) {
  const floors: ChildRun[] = [];
  const results = new Map<string, ChildRun[]>();
  const ratios = new Map<string, Array<{ wall: number; cpu: number }>>();
  for (let round = 0; round < runs; round++) {
    floors.push(await floorOnce(file));
    log(`  round ${round + 1}/${runs}: floor ${ms(floors.at(-1)!.wallMs)}`);
    for (const reader of readers) {
      if (errors[reader.name]) continue;
      try {
        const run = await reader.run(round);
        results.set(reader.name, [...(results.get(reader.name) ?? []), run]);
        const floor = floors[round];
        ratios.set(reader.name, [
          ...(ratios.get(reader.name) ?? []),
          { wall: Number(run.result.workMs ?? run.wallMs) / floor.wallMs, cpu: run.cpuMs / floor.cpuMs },
        ]);
        log(
          `    ${reader.name}: ${ms(Number(run.result.workMs ?? run.wallMs))} work, ${ms(run.wallMs)} process, ${mb(run.maxRssKb)} peak RSS`,
        );
      } catch (error) {
        errors[reader.name] = String(error instanceof Error ? error.message : error).slice(0, 800);
        log(`    ${reader.name} failed: ${errors[reader.name]}`);
        onError(reader.name);
      }
    }
  }
  const readerFigures: Record<string, ReaderFigures> = {};
  for (const reader of readers) {
    const list = results.get(reader.name);
    if (errors[reader.name] || !list) {
      readerFigures[reader.name] = { error: errors[reader.name] ?? 'not run' };
      continue;
    }
    readerFigures[reader.name] = {
      wallMs: median(list.map((r) => r.wallMs)),
      workMs: median(list.map((r) => Number(r.result.workMs ?? r.wallMs))),
      cpuMs: median(list.map((r) => r.cpuMs)),
      cpuRatio: median(ratios.get(reader.name)!.map((r) => r.cpu)),
      maxRssKb: Math.max(...list.map((r) => r.maxRssKb)),
      ratio: median(ratios.get(reader.name)!.map((r) => r.wall)),
      runs: list.length,
      detail: list.at(-1)!.result,
    };
  }
  return { floorMs: median(floors.map((f) => f.wallMs)), floorCpuMs: median(floors.map((f) => f.cpuMs)), readers: readerFigures };
}

/** A comparison reader that did not see every declined detainer our parse saw did not read the release: no time for it. */
function refuseIncompleteReads(readers: Record<string, ReaderFigures>, log: (line: string) => void): void {
  const own = readers.parse;
  const expected = own && !('error' in own) ? Number(own.detail.declined) : undefined;
  for (const name of ['exceljs', 'sheetjs']) {
    const other = readers[name];
    if (!other || 'error' in other || expected === undefined || Number(other.detail.declined) === expected) continue;
    readers[name] = {
      error: `incomplete read: ${String(other.detail.rowsRead)} rows and ${String(other.detail.declined)} declined detainers, not ${expected}, in ${ms(other.workMs)} at ${mb(other.maxRssKb)} peak RSS`,
    };
    log(`    ${name}: ${(readers[name] as { error: string }).error}`);
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The floor: inflating the two parts any reader must inflate, output thrown away. */
function floorOnce(file: string): Promise<ChildRun> {
  return runMeasured(['-p', file, 'xl/worksheets/sheet1.xml', 'xl/sharedStrings.xml'], {}, 'unzip', { discardStdout: true });
}

interface Reader {
  name: string;
  run: (round: number) => Promise<ChildRun>;
  /** The same reader on another file (comparison readers and parse). */
  runOn: (file: string) => Promise<ChildRun>;
}

export async function measureIngest(options: {
  file: string;
  fileBytes: number;
  rows: number;
  runs: number;
  services?: BenchServices;
  comparisons: boolean;
  log: (line: string) => void;
  /** The same release with only the columns detainer-watch reads, for a reader that cannot take the full one. */
  narrowFile?: () => Promise<string>;
}): Promise<IngestFigures> {
  const { file, runs, services, log } = options;
  const bundles = join(OUT_DIR, 'bundles');
  const parse = await bundle({ entry: 'bench/child/ddp-parse.ts', outdir: join(bundles, 'ddp-parse'), external: ['pdfjs-dist'] });
  shipResolverData(join(bundles, 'ddp-parse'));
  const readers: Reader[] = [
    { name: 'parse', run: () => runMeasured([parse.outfile, file]), runOn: (other) => runMeasured([parse.outfile, other]) },
  ];

  let handler: IngestFigures['handler'] = 'parse';
  const errors: Record<string, string> = {};
  if (services) {
    try {
      const ingest = await bundle({ entry: 'bench/child/ddp-ingest.ts', outdir: join(bundles, 'ddp-ingest'), external: ['pdfjs-dist'] });
      shipResolverData(join(bundles, 'ddp-ingest'));
      const sha256 = await sha256Of(file);
      const deps = await services.deps();
      const env = {
        BENCH_DYNAMODB: services.endpoints.dynamodb,
        BENCH_S3: services.endpoints.s3,
        BENCH_SES: services.endpoints.ses,
        BENCH_TABLE,
        BENCH_BUCKET,
        BENCH_WORKDIR: join(services.home, 'tmp'),
      };
      readers.unshift({
        name: 'ingest',
        run: async (round) => {
          // A source of its own per round: every round is a first ingest (all quarters new, all written).
          const key = releaseKey(`bench-ingest-${process.pid}-${round}`, sha256, 'xlsx');
          await deps.archive.putFile(key, file, {
            sha256,
            contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          });
          return runMeasured([ingest.outfile, key], env);
        },
        runOn: () => Promise.reject(new Error('the full ingest runs on the bench release only')),
      });
      handler = 'ingest';
    } catch (error) {
      errors.ingest = String(error instanceof Error ? error.message : error).slice(0, 500);
      log(`  full ingest not measurable: ${errors.ingest}`);
    }
  }
  if (options.comparisons) {
    const exceljs = await bundle({ entry: 'bench/child/exceljs-read.ts', outdir: join(bundles, 'exceljs') });
    const sheetjs = await bundle({ entry: 'bench/child/sheetjs-read.ts', outdir: join(bundles, 'sheetjs') });
    readers.push(
      { name: 'exceljs', run: () => runMeasured([exceljs.outfile, file]), runOn: (other) => runMeasured([exceljs.outfile, other]) },
      { name: 'sheetjs', run: () => runMeasured([sheetjs.outfile, file]), runOn: (other) => runMeasured([sheetjs.outfile, other]) },
    );
  }

  const measured = await measureRounds(file, readers, runs, errors, log, (name) => {
    if (name === 'ingest') handler = 'parse';
  });
  const figures: IngestFigures = { file, fileBytes: options.fileBytes, rows: options.rows, ...measured, handler };
  refuseIncompleteReads(figures.readers, log);

  const sheetjs = figures.readers.sheetjs;
  if (sheetjs && 'error' in sheetjs && sheetjs.error.startsWith('incomplete read') && options.narrowFile) {
    // SheetJS holds the sheet XML in one string: give it the same release with only the columns read.
    log('  SheetJS on the same release with only the columns detainer-watch reads:');
    const narrow = await options.narrowFile();
    const narrowReaders = readers
      .filter((r) => r.name === 'parse' || r.name === 'sheetjs')
      .map((r) => ({ ...r, run: () => r.runOn(narrow) }));
    const narrowErrors: Record<string, string> = {};
    const narrowMeasured = await measureRounds(narrow, narrowReaders, runs, narrowErrors, log);
    refuseIncompleteReads(narrowMeasured.readers, log);
    figures.narrow = { file: narrow, fileBytes: (await stat(narrow)).size, ...narrowMeasured };
  }
  return figures;
}

const LABELS: Record<string, string> = {
  ingest: 'detainer-watch ingestRelease (read, filter, resolve, count, rank, diff, write)',
  parse: 'detainer-watch parse + resolve + count + rank (no services)',
  exceljs: 'exceljs streaming WorkbookReader (rows iterated, declined counted)',
  sheetjs: 'SheetJS XLSX.readFile (whole workbook) + sheet_to_json',
};

export function ingestRows(f: IngestFigures): Row[] {
  const section = '1 ingest';
  const rows: Row[] = [
    { section, measure: `input: ${f.rows.toLocaleString('en-US')} rows, ${(f.fileBytes / 1e6).toFixed(1)} MB XLSX`, value: '' },
    { section, measure: 'floor: unzip -p sheet1.xml sharedStrings.xml > /dev/null', value: `${ms(f.floorMs)} (CPU ${ms(f.floorCpuMs)})` },
  ];
  for (const [name, figures] of Object.entries(f.readers)) {
    const own = name === f.handler;
    if ('error' in figures) {
      rows.push({
        section,
        measure: LABELS[name] ?? name,
        value: `not measured: ${figures.error.slice(0, 240)}`,
        ...(own ? { target: '≤ 4× floor', pass: false } : {}),
      });
      continue;
    }
    rows.push({
      section,
      measure: `${LABELS[name] ?? name}: time`,
      value: `${ms(figures.workMs)}, ${ratio(figures.ratio)} floor (process CPU ${ms(figures.cpuMs)}, ${ratio(figures.cpuRatio)} floor CPU)`,
      ...(own || name === 'parse' ? { target: '≤ 4× floor', pass: figures.ratio <= 4 } : {}),
    });
    rows.push({
      section,
      measure: `${LABELS[name] ?? name}: peak RSS`,
      value: mb(figures.maxRssKb),
      ...(own || name === 'parse' ? { target: '≤ 200 MB', pass: figures.maxRssKb <= 200 * 1024 } : {}),
    });
    if (name === 'ingest') {
      const d = figures.detail;
      rows.push({
        section,
        measure: 'ingest: of which archive download (s3rver) / commit (DynamoDB Local)',
        value: `${ms(Number(d.downloadMs ?? 0))} / ${ms(Number(d.commitMs ?? 0))}`,
      });
      rows.push({
        section,
        measure: 'ingest: outcome, declined rows, quarters written, resolution',
        value: `${String(d.outcome)}, ${String(d.declined)}, ${String(d.quarters)}, ${(Number(d.resolutionRate) * 100).toFixed(2)}%`,
      });
    }
  }
  if (f.narrow) {
    const n = f.narrow;
    rows.push({
      section,
      measure: `same release, only the columns detainer-watch reads: ${(n.fileBytes / 1e6).toFixed(1)} MB XLSX; floor`,
      value: `${ms(n.floorMs)} (CPU ${ms(n.floorCpuMs)})`,
    });
    for (const [name, figures] of Object.entries(n.readers)) {
      const label = `${LABELS[name] ?? name}, on that file`;
      if ('error' in figures) {
        rows.push({ section, measure: label, value: `not measured: ${figures.error.slice(0, 240)}` });
        continue;
      }
      rows.push({
        section,
        measure: `${label}: time`,
        value: `${ms(figures.workMs)}, ${ratio(figures.ratio)} its floor (process CPU ${ms(figures.cpuMs)}, ${ratio(figures.cpuRatio)} floor CPU)`,
      });
      rows.push({ section, measure: `${label}: peak RSS`, value: mb(figures.maxRssKb) });
    }
  }
  return rows;
}

/** One format of the same release: the parse child and its floor, in interleaved rounds. */
export interface FormatFigures {
  format: 'parquet' | 'csv';
  file: string;
  fileBytes: number;
  floor: string;
  floorMs: number;
  workMs: number;
  /** Median over rounds of parse work time over floor work time in the same round. */
  ratio: number;
  maxRssKb: number;
  floorRssKb: number;
  detail: Record<string, unknown>;
}

const FLOORS: Record<FormatFigures['format'], { entry: string; label: string }> = {
  parquet: { entry: 'bench/child/parquet-floor.ts', label: 'hyparquet alone reading the same columns, by row group' },
  csv: { entry: 'bench/child/read-bytes.ts', label: "reading the file's bytes" },
};

/**
 * The same release as Parquet and as CSV, each ingested by the parse child (read, every record
 * to the tally, resolve, count, rank) against its floor; both in-process times, so node's start
 * weighs on neither.
 */
export async function measureFormats(
  inputs: Array<{ format: FormatFigures['format']; file: string }>,
  runs: number,
  log: (line: string) => void,
): Promise<FormatFigures[]> {
  const bundles = join(OUT_DIR, 'bundles');
  const parse = await bundle({ entry: 'bench/child/ddp-parse.ts', outdir: join(bundles, 'ddp-parse-formats'), external: ['pdfjs-dist'] });
  shipResolverData(join(bundles, 'ddp-parse-formats'));
  const figures: FormatFigures[] = [];
  for (const { format, file } of inputs) {
    const floor = await bundle({ entry: FLOORS[format].entry, outdir: join(bundles, `floor-${format}`) });
    const rounds: Array<{ floor: ChildRun; parse: ChildRun }> = [];
    for (let round = 0; round < runs; round++) {
      const floorRun = await runMeasured([floor.outfile, file]);
      const parseRun = await runMeasured([parse.outfile, file]);
      rounds.push({ floor: floorRun, parse: parseRun });
      log(
        `  ${format} round ${round + 1}/${runs}: floor ${ms(Number(floorRun.result.workMs))}, parse ${ms(Number(parseRun.result.workMs))}, ${mb(parseRun.maxRssKb)} peak RSS`,
      );
    }
    figures.push({
      format,
      file,
      fileBytes: (await stat(file)).size,
      floor: FLOORS[format].label,
      floorMs: median(rounds.map((r) => Number(r.floor.result.workMs))),
      workMs: median(rounds.map((r) => Number(r.parse.result.workMs))),
      ratio: median(rounds.map((r) => Number(r.parse.result.workMs) / Number(r.floor.result.workMs))),
      maxRssKb: Math.max(...rounds.map((r) => r.parse.maxRssKb)),
      floorRssKb: Math.max(...rounds.map((r) => r.floor.maxRssKb)),
      detail: rounds.at(-1)!.parse.result,
    });
  }
  return figures;
}

export function formatRows(all: FormatFigures[]): Row[] {
  const section = '1 ingest';
  return all.flatMap((f) => [
    {
      section,
      measure: `same release as ${f.format === 'parquet' ? 'Parquet' : 'CSV'}: ${(f.fileBytes / 1e6).toFixed(1)} MB; floor: ${f.floor}`,
      value: `${ms(f.floorMs)} (${mb(f.floorRssKb)} peak RSS)`,
    },
    {
      section,
      measure: `${f.format}: parse + resolve + count + rank, every record: time`,
      value: `${ms(f.workMs)}, ${ratio(f.ratio)} floor (${String(f.detail.rowsRead)} rows, ${String(f.detail.declined)} declined)`,
      target: '≤ 2.5× floor',
      pass: f.ratio <= 2.5,
    },
    { section, measure: `${f.format}: peak RSS`, value: mb(f.maxRssKb), target: '≤ 150 MB', pass: f.maxRssKb <= 150 * 1024 },
  ]);
}
