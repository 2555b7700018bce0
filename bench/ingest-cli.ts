/**
 * Section 1b: `detainer-watch ingest FILE` end to end, as a user runs it with the emulators already
 * running (`AWS_ENDPOINT_URL_*` pointing local mode at the bench's), under /usr/bin/time: wall
 * time and peak RSS of the whole process, each round beside the unzip floor of the same round.
 * Where the time goes is told by parts measured in the same run: the CLI's start-up (section 0's
 * `--help`), hashing and uploading the file to s3rver (the archive adapter, timed here), and the
 * handler's own download, parse + resolve and commit (section 1's ingest and parse children).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { releaseKey } from '../functions/archive/release-key';
import { sha256File } from '../local/sha256-file';
import { type ChildRun, PROJECT_ROOT, runMeasured } from './child-run';
import type { IngestFigures } from './ingest';
import { BENCH_DIR } from './inputs';
import type { BenchServices } from './services';
import type { StartupFigures } from './startup';
import { mb, median, ms, type Row, ratio } from './stats';

const BIN = join(PROJECT_ROOT, 'bin', 'detainer-watch.mjs');

export interface CliIngestFigures {
  floorMs: number;
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  /** Median over rounds of the command's wall time over the floor's in the same round. */
  ratio: number;
  /** The same with CPU time (user + system), steadier than wall time on a loaded machine. */
  cpuRatio: number;
  hashMs: number;
  uploadMs: number;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

export async function measureCliIngest(
  file: string,
  runs: number,
  services: BenchServices,
  log: (line: string) => void,
): Promise<CliIngestFigures> {
  const env = {
    AWS_ENDPOINT_URL_DYNAMODB: services.endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: services.endpoints.s3,
    AWS_ENDPOINT_URL_SES: services.endpoints.ses,
  };
  const floors: ChildRun[] = [];
  const commands: ChildRun[] = [];
  const hashes: number[] = [];
  const uploads: number[] = [];
  const deps = await services.deps();
  // One home for every round, as a user ingests file after file into theirs.
  const home = join(BENCH_DIR, `cli-ingest-${process.pid}`);
  await rm(home, { recursive: true, force: true });
  await mkdir(home, { recursive: true });
  // The bench's synthetic release resolves below the default 0.9: the same thresholds as section 1.
  await writeFile(join(home, 'config.json'), JSON.stringify({ minResolutionRate: 0, maxTotalDrop: 1 }));
  for (let round = 0; round < runs; round++) {
    floors.push(await runMeasured(['-p', file, 'xl/worksheets/sheet1.xml', 'xl/sharedStrings.xml'], {}, 'unzip', { discardStdout: true }));
    // A source of its own per round: every round is a first ingest that writes every quarter.
    commands.push(
      await runMeasured(
        [BIN, '--home', home, 'ingest', file, '--source', 'ddp', '--as', `bench-cli-${process.pid}-${round}`],
        env,
        process.execPath,
        { discardStdout: true },
      ),
    );
    // The parts the command does before the handler runs, with the same adapter, timed alone.
    const hash = await timed(() => sha256File(file));
    const key = releaseKey(`bench-upload-${process.pid}-${round}`, hash.value, 'xlsx');
    const upload = await timed(() => deps.archive.putFile(key, file, { sha256: hash.value }));
    hashes.push(hash.ms);
    uploads.push(upload.ms);
    log(
      `  round ${round + 1}/${runs}: floor ${ms(floors[round].wallMs)}, ingest FILE ${ms(commands[round].wallMs)} (${mb(commands[round].maxRssKb)} peak RSS); hash ${ms(hash.ms)}, upload ${ms(upload.ms)}`,
    );
  }
  await rm(home, { recursive: true, force: true });
  return {
    floorMs: median(floors.map((f) => f.wallMs)),
    wallMs: median(commands.map((c) => c.wallMs)),
    cpuMs: median(commands.map((c) => c.cpuMs)),
    maxRssKb: Math.max(...commands.map((c) => c.maxRssKb)),
    ratio: median(commands.map((c, i) => c.wallMs / floors[i].wallMs)),
    cpuRatio: median(commands.map((c, i) => c.cpuMs / Math.max(1, floors[i].cpuMs))),
    hashMs: median(hashes),
    uploadMs: median(uploads),
  };
}

export function cliIngestRows(f: CliIngestFigures, ingest: IngestFigures | undefined, startup: StartupFigures | undefined): Row[] {
  const section = '1b ingest FILE';
  const rows: Row[] = [
    {
      section,
      measure: 'detainer-watch ingest FILE, emulators running: time (whole process)',
      value: `${ms(f.wallMs)}, ${ratio(f.ratio)} floor (CPU ${ms(f.cpuMs)}, ${ratio(f.cpuRatio)} floor CPU)`,
      target: '≤ 2.5× floor',
      pass: f.ratio <= 2.5,
    },
    { section, measure: 'detainer-watch ingest FILE: peak RSS', value: mb(f.maxRssKb), target: '≤ 150 MB', pass: f.maxRssKb <= 150 * 1024 },
  ];
  const help = startup?.cases['--help'];
  const handler = ingest?.readers.ingest;
  const parse = ingest?.readers.parse;
  const parts: Array<[string, number | undefined]> = [
    ['start-up', help && !('error' in help) ? help.wallMs : undefined],
    ['hash', f.hashMs],
    ['archive upload', f.uploadMs],
    ['archive download', handler && !('error' in handler) ? Number(handler.detail.downloadMs ?? Number.NaN) : undefined],
    ['parse + resolve + rank', parse && !('error' in parse) ? parse.workMs : undefined],
    ['writes (commit)', handler && !('error' in handler) ? Number(handler.detail.commitMs ?? Number.NaN) : undefined],
  ];
  const known = parts.filter((p): p is [string, number] => p[1] !== undefined && Number.isFinite(p[1]));
  const rest = f.wallMs - known.reduce((sum, [, value]) => sum + value, 0);
  rows.push({
    section,
    measure: 'where the time goes (parts measured apart in this run; the rest is everything else)',
    value: [...known.map(([name, value]) => `${name} ${ms(value)}`), `rest ${ms(Math.max(0, rest))}`].join(', '),
  });
  if (handler && !('error' in handler)) {
    rows.push({
      section,
      measure: 'in-process figure for comparison: ingestRelease alone (section 1)',
      value: `${ms(handler.workMs)}, ${ratio(handler.ratio)} floor, ${mb(handler.maxRssKb)} peak RSS`,
    });
  }
  return rows;
}
