/**
 * Child process of the ingest measurement (parse + resolve + count + rank, no services), bundled
 * like the ingest Lambda and run with plain `node`, so its peak RSS is the work's own.
 *
 *   node ddp-parse.mjs FILE
 *
 * Prints one JSON line: work time and what was read.
 */

import { QuarterTallies } from '../../functions/domain/tally';
import { parseDdp } from '../../functions/ingest/parsers/ddp';
import { createResolver } from '../../functions/ingest/resolve/resolver';

const target = process.argv[2];
const started = performance.now();
const tallies = new QuarterTallies(createResolver());
const summary = await parseDdp(target, (observation) => tallies.add(observation));
const rankings = tallies.rankings('bench', 'bench', summary.coverage ?? tallies.observedRange());
const workMs = performance.now() - started;
console.log(
  JSON.stringify({
    workMs,
    rowsRead: summary.rowsRead,
    declined: summary.rowsKept,
    quarters: rankings.length,
    resolutionRate: tallies.resolutionRate(),
    maxRssKb: process.resourceUsage().maxRSS,
  }),
);
