/**
 * The CSV floor: reading the file's bytes, in the 64 KiB chunks the CSV reader reads them in,
 * nothing done with them. The parse child's time over this one is the ratio the bench reports.
 *
 *   node read-bytes.mjs FILE
 */
import { createReadStream } from 'node:fs';

const started = performance.now();
let bytes = 0;
for await (const chunk of createReadStream(process.argv[2], { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) bytes += chunk.length;
console.log(JSON.stringify({ workMs: performance.now() - started, bytes, maxRssKb: process.resourceUsage().maxRSS }));
