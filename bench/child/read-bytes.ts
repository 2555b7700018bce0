/**
 * The CSV floor: reading the file's bytes through a 64 KiB read stream, nothing done with them.
 * The parse child's time over this one is the ratio the bench reports. (The CSV reader itself
 * reads plain files with FileHandle.read into 1 MiB buffers, which takes a tenth of this stream's
 * time on the 166 MB bench file: see docs/performance.md, issue 13.)
 *
 *   node read-bytes.mjs FILE
 */
import { createReadStream } from 'node:fs';

const started = performance.now();
let bytes = 0;
for await (const chunk of createReadStream(process.argv[2], { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) bytes += chunk.length;
console.log(JSON.stringify({ workMs: performance.now() - started, bytes, maxRssKb: process.resourceUsage().maxRSS }));
