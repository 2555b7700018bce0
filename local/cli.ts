import { stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { releaseKey } from '../functions/archive/release-key';
import type { SourceConfig } from '../functions/commons/config';
import { FACILITY_TYPES, type FacilityType, isFacilityType } from '../functions/domain/jurisdiction';
import { parseQuarter } from '../functions/domain/quarter';
import { InvalidReleaseError, type ReleaseFormat } from '../functions/domain/release';
import type { IngestReport } from '../functions/ingest/ingest';
import { DEFAULT_SUBSCRIPTION_PORT, resolveHome } from './home';
import type { RankingReader } from './rankings-reader';
import type { RankingViewOptions } from './rankings-view';
import type { LocalRuntime } from './runtime';
import { addWebhookCommand } from './webhook-command';

/** A failure the user can act on: printed as one line, no stack trace. */
export class CliError extends Error {}

/** A source name, spelled as configured sources are (functions/commons/source-schema.ts). */
const sourceName = (value: string) => {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(value))
    throw new InvalidArgumentError('a source name is lower-case letters, digits, dot, dash or underscore');
  return value;
};

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number`);
  return n;
};
const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const facilityTypes = (value: string): FacilityType[] => {
  const types = list(value.toLowerCase());
  const wrong = types.filter((t) => !isFacilityType(t));
  if (wrong.length || !types.length)
    throw new InvalidArgumentError(`facility types are ${FACILITY_TYPES.join(', ')} (not ${wrong.join(', ') || 'empty'})`);
  return types as FacilityType[];
};

interface Global {
  home?: string;
  debug?: boolean;
}

async function withLocal<T>(program: Command, work: (local: LocalRuntime) => Promise<T>): Promise<T> {
  const { home, debug } = program.opts<Global>();
  // Each command loads its code when it runs, so `--help` and a read-only command load little.
  const { openLocal } = await import('./runtime');
  const local = await openLocal({ ...(home ? { home } : {}), debug: Boolean(debug) });
  try {
    return await work(local);
  } finally {
    await local.stop();
  }
}

/** A read of the rankings: the ranking store alone, on a running serve's DynamoDB or on one started for it. */
async function withRankings<T>(program: Command, work: (rankings: RankingReader) => Promise<T>): Promise<T> {
  const { home, debug } = program.opts<Global>();
  const { openRankings } = await import('./rankings-reader');
  const reader = await openRankings(resolveHome(home), !debug);
  try {
    return await work(reader.rankings);
  } finally {
    await reader.stop();
  }
}

function sourceFor(local: LocalRuntime, nameOrUrl: string, parser?: ReleaseFormat): SourceConfig {
  if (/^https?:\/\//i.test(nameOrUrl)) {
    const url = new URL(nameOrUrl);
    return {
      name: url.hostname.toLowerCase().replace(/[^a-z0-9.-]/g, '-'),
      url: url.href,
      linkPattern: '\\.(xlsx|pdf|csv)(\\?.*)?$',
      allowedHosts: [url.hostname],
      parser: parser ?? 'ddp',
    };
  }
  const source = local.deps.config.sources.find((s) => s.name === nameOrUrl);
  if (!source)
    throw new CliError(
      `unknown source "${nameOrUrl}" (known: demo, ${local.deps.config.sources.map((s) => s.name).join(', ')}; or give a URL)`,
    );
  return source;
}

type Out = (text: string) => void;

function runCommand(program: Command, out: Out): void {
  program
    .command('run')
    .description(
      'one tick of the local chain: poll → S3 → ingest → stream → notify → queue → deliver; `--source demo` replays the bundled demo releases',
    )
    .option('--source <name|url>', 'source name from the config, or an index page URL', 'demo')
    .option('--home <dir>', 'state folder')
    .action(async (options: { source: string; home?: string }) => {
      if (options.home) program.setOptionValue('home', options.home);
      await withLocal(program, async (local) => {
        if (options.source === 'demo') {
          await (await import('./demo-run')).runDemo(local, out);
          return;
        }
        const source = sourceFor(local, options.source);
        const { runTick, useSource } = await import('./demo-run');
        useSource(local, source);
        out(await runTick(local, source));
      });
    });
}

/**
 * How to read a file given to `ingest`: `--source`, else told from the content (sources put tables
 * in .xlsx and records in .csv). Stata, SPSS and Feather files (and pages, legacy .xls) are
 * refused here, before anything is archived or recorded.
 */
async function releaseFormat(path: string, file: string, given: ReleaseFormat | undefined): Promise<ReleaseFormat> {
  const parsers = await import('../functions/ingest/parsers');
  await parsers.openReleaseFile(path, file).catch((error: unknown) => {
    throw new CliError(error instanceof InvalidReleaseError ? error.message : String(error));
  });
  return (
    given ??
    parsers.guessFormat(path, file).catch((error: unknown) => {
      throw new CliError(
        error instanceof InvalidReleaseError ? `${error.message}; give --source ddp|ddor|table if it is one` : String(error),
      );
    })
  );
}

/** The file archived and recorded as poll would: the bucket's notification then takes it through the chain. Its sha256. */
async function archiveAsPoll(
  local: LocalRuntime,
  path: string,
  info: { size: number; mtime: Date },
  source: string,
  format: ReleaseFormat,
): Promise<string> {
  // Loaded here: node:crypto costs every other command ~6 ms of start.
  const { sha256File } = await import('./sha256-file');
  const sha256 = await sha256File(path);
  const archiveKey = releaseKey(source, sha256, extname(path).slice(1) || format);
  await local.deps.archive.putFile(archiveKey, path, { sha256, sourceUrl: pathToFileURL(path).href });
  await local.deps.releases.recordRelease({
    source,
    sha256,
    url: pathToFileURL(path).href,
    archiveKey,
    bytes: info.size,
    format,
    firstSeen: local.deps.clock().toISOString(),
    publishedAt: info.mtime.toISOString(),
    status: 'archived',
  });
  return sha256;
}

function ingestCommand(program: Command, out: Out): void {
  program
    .command('ingest')
    .description('process a local file as a newly found release')
    .argument(
      '<file>',
      'Parquet, XLSX or CSV (also .csv.gz or zipped) of detainer records (ddp), PDF (ddor), or CSV/XLSX of counts per jurisdiction (table)',
    )
    .addOption(new Option('--source <format>', 'how to read it (default: told from the content)').choices(['ddp', 'ddor', 'table']))
    .option('--as <name>', 'the source its rankings are kept under (default: the format); give each publisher its own', sourceName)
    .action(async (file: string, options: { source?: ReleaseFormat; as?: string }) => {
      const path = resolve(file);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) throw new CliError(`${file}: no such file`);
      const format = await releaseFormat(path, file, options.source);
      await withLocal(program, async (local) => {
        const source = options.as ?? format;
        const sha256 = await archiveAsPoll(local, path, info, source, format);
        const { chain, takeEvents } = local.composition;
        takeEvents();
        await chain.drain();
        const { chainReport, describeIngest } = await import('./summary');
        const events = chainReport(takeEvents());
        const report: IngestReport | undefined = events.ingests.find((r) => r.release === sha256 && r.source === source);
        if (!report) {
          const release = await local.deps.releases.getRelease(source, sha256);
          out(`${basename(path)} (sha256 ${sha256.slice(0, 12)}…): already ${release?.status ?? 'archived'} under source "${source}"`);
          return;
        }
        if (report.outcome === 'quarantined' || report.outcome === 'held') {
          // Drift is measured against the previous file of the same source: another publisher's file needs its own.
          const hint = /^schema drift/.test(report.reason ?? '') ? `; if it is another publisher's file, ingest it with --as NAME` : '';
          throw new CliError(
            `${file}: ${report.reason ?? report.outcome} (${report.outcome} under source "${source}"; raw file kept in the archive${hint})`,
          );
        }
        out(describeIngest(basename(path), report, local.outboxDir, events.deliveries));
      });
    });
}

function rankingsCommand(program: Command, out: Out): void {
  program
    .command('rankings')
    .description('stored rankings per source and quarter')
    .option('--source <name>', 'only this source')
    .option('--quarter <FY2017Q1>', 'only this fiscal quarter')
    .option('--top <n>', 'only the top N ranks', positiveInt('--top'))
    .addOption(
      new Option('--by <measure>', 'rank by declined count or by decline rate (declined ÷ received)')
        .choices(['declined', 'rate'])
        .default('declined'),
    )
    .option('--min-received <n>', 'only jurisdictions that received at least N detainers', positiveInt('--min-received'))
    .option('--facility-types <list>', `count only these facility types (${FACILITY_TYPES.join(',')})`, facilityTypes)
    .option('--unresolved', 'list the facilities not placed in a county, with their counts')
    .option('--json', 'one JSON object per source and quarter, one per line')
    .action(async (options: { source?: string; quarter?: string; json?: boolean; unresolved?: boolean } & RankingViewOptions) => {
      let quarter: string | undefined;
      try {
        quarter = options.quarter ? parseQuarter(options.quarter) : undefined;
      } catch (error) {
        throw new CliError(`--quarter: ${(error as Error).message}`);
      }
      await withRankings(program, async (rankings) => {
        const all = await rankings.listQuarters();
        const { rankingJson, rankingText, sortQuarters } = await import('./rankings-view');
        const chosen = sortQuarters(all).filter(
          (q) => (!options.source || q.source === options.source) && (!quarter || q.quarter === quarter),
        );
        if (options.unresolved) {
          const { unresolvedJson, unresolvedText } = await import('./history-view');
          const views = chosen.map(unresolvedJson);
          if (options.json) views.forEach((view) => out(JSON.stringify(view)));
          else out(views.length ? views.map(unresolvedText).join('\n\n') : 'No rankings stored yet.');
          return;
        }
        const views = chosen.map((q) => rankingJson(q, all, options));
        if (options.json) views.forEach((view) => out(JSON.stringify(view)));
        else
          out(
            views.length
              ? views.map(rankingText).join('\n\n')
              : 'No rankings stored yet. Run `detainer-watch run` or `detainer-watch ingest FILE`.',
          );
      });
    });
}

function historyCommand(program: Command, out: Out): void {
  program
    .command('history')
    .description('one jurisdiction across quarters')
    .argument('<jurisdiction>', 'FIPS code or name, e.g. 08031, "Denver County", "Miami-Dade"')
    .option('--facilities', "each facility's received and declined detainers per quarter")
    .option('--json', 'JSON output')
    .action(async (query: string, options: { json?: boolean; facilities?: boolean }) => {
      await withRankings(program, async (rankings) => {
        const { historyJson, historyText } = await import('./history-view');
        const history = historyJson(await rankings.listQuarters(), query, { facilities: Boolean(options.facilities) });
        if (!history) throw new CliError(`${query}: no stored quarter ranks this jurisdiction`);
        out(options.json ? JSON.stringify(history) : historyText(history));
      });
    });
}

function subscribeCommand(program: Command, out: Out): void {
  program
    .command('subscribe')
    .description('subscribe an address (double opt-in: a confirmation email is sent)')
    .argument('<email>')
    .option('--states <list>', 'USPS codes, e.g. CA,FL', list)
    .option('--jurisdictions <list>', 'FIPS codes or names, e.g. 08031,Miami-Dade', list)
    .option('--top <n>', 'top N to watch (default 10)', positiveInt('--top'))
    .option('--min-move <k>', 'smallest rank move worth an email', positiveInt('--min-move'))
    .option('--min-delta <d>', 'smallest count change worth an email', positiveInt('--min-delta'))
    .action(
      async (
        email: string,
        options: { states?: string[]; jurisdictions?: string[]; top?: number; minMove?: number; minDelta?: number },
      ) => {
        await withLocal(program, async (local) => {
          const filters = {
            ...(options.states ? { states: options.states.map((s) => s.toUpperCase()) } : {}),
            ...(options.jurisdictions ? { jurisdictions: options.jurisdictions } : {}),
            ...(options.top !== undefined ? { topN: options.top } : {}),
            ...(options.minMove !== undefined ? { minMove: options.minMove } : {}),
            ...(options.minDelta !== undefined ? { minDelta: options.minDelta } : {}),
          };
          const { subscribe } = await import('../functions/subscription/subscribe');
          const result = await subscribe(local.deps, email, filters).catch((error: Error) => {
            throw new CliError(error.message);
          });
          out(
            result.confirmationSent
              ? `${result.subscriber.email}: pending; confirmation email sent (outbox: ${local.outboxDir}). Open its link while \`detainer-watch serve\` runs.`
              : `${result.subscriber.email}: already confirmed; filters updated.`,
          );
        });
      },
    );
}

function unsubscribeCommand(program: Command, out: Out): void {
  program
    .command('unsubscribe')
    .description('stop alerts to an address')
    .argument('<email>')
    .action(async (email: string) => {
      await withLocal(program, async (local) => {
        const { unsubscribe } = await import('../functions/subscription/subscribe');
        const known = await unsubscribe(local.deps, email).catch((error: Error) => {
          throw new CliError(error.message);
        });
        out(known ? `${email.trim().toLowerCase()}: unsubscribed.` : `${email}: not subscribed; nothing to do.`);
      });
    });
}

function outboxCommand(program: Command, out: Out): void {
  program
    .command('outbox')
    .description('messages sent by local mode')
    .option('--json', 'JSON output')
    .action(async (options: { json?: boolean }) => {
      const { home } = program.opts<Global>();
      const dir = join(resolveHome(home), 'outbox');
      const entries = await (await import('./outbox')).listOutbox(dir);
      if (options.json) out(JSON.stringify(entries));
      else
        out(
          entries.length
            ? entries.map((e) => `${e.sentAt}  ${e.to}  ${e.subject}\n    ${e.html ?? e.file}`).join('\n')
            : `No messages in ${dir}.`,
        );
    });
}

function webhookCommand(program: Command, out: Out): void {
  addWebhookCommand(
    program,
    (work) => withLocal(program, work),
    (message) => new CliError(message),
    out,
  );
}

function serveCommand(program: Command, out: Out): void {
  program
    .command('serve')
    .description(
      'the local deployment until stopped: poll on the schedule, the event chain, the subscription endpoint (/api/) and the site (/)',
    )
    .option('--port <port>', 'port on 127.0.0.1', positiveInt('--port'), DEFAULT_SUBSCRIPTION_PORT)
    .action(async (options: { port: number }) => {
      const { home, debug } = program.opts<Global>();
      // Links in mail point at this serve's own subscription endpoint.
      const { openLocal } = await import('./runtime');
      const { serve } = await import('./serve');
      const local = await openLocal({
        ...(home ? { home } : {}),
        debug: Boolean(debug),
        config: { subscriptionUrl: `http://127.0.0.1:${options.port}/api` },
      });
      try {
        await serve(local, { port: options.port, out });
      } finally {
        await local.stop();
      }
    });
}

export function buildProgram(out: Out = (t) => process.stdout.write(`${t}\n`)): Command {
  const program = new Command('detainer-watch')
    .description('Watch ICE declined-detainer releases, rank counties per fiscal quarter, and email what changed.')
    .option('--home <dir>', 'state folder (default $DETAINER_WATCH_HOME or ./.detainer-watch)')
    .option('--debug', 'print logs and stack traces')
    .showHelpAfterError()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const command of [
    runCommand,
    ingestCommand,
    rankingsCommand,
    historyCommand,
    subscribeCommand,
    unsubscribeCommand,
    outboxCommand,
    webhookCommand,
    serveCommand,
  ])
    command(program, out);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
    if (code?.startsWith('commander.')) return 1;
    const debug = argv.includes('--debug');
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`detainer-watch: ${message.split('\n')[0]}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
