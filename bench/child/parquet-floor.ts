/**
 * The Parquet floor: hyparquet alone reading the columns detainer-watch reads (the record
 * layout's columns found in the file), one row group at a time, every value decoded, nothing
 * done with it. The parse child's time over this one is the ratio the bench reports.
 *
 *   node parquet-floor.mjs FILE
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { recordColumnsRead } from '../../functions/ingest/parsers/ddp';
import { PARQUET_COMPRESSORS as compressors } from '../../functions/ingest/parsers/parquet-rows';

const started = performance.now();
const file = await asyncBufferFromFile(process.argv[2]);
const metadata = await parquetMetadataAsync(file);
const names = parquetSchema(metadata).children.map((child) => child.element.name);
const wanted = recordColumnsRead(names).map((index) => names[index]);
let values = 0;
let rowStart = 0;
for (const group of metadata.row_groups) {
  const rowEnd = rowStart + Number(group.num_rows);
  await parquetRead({
    file,
    metadata,
    columns: wanted,
    rowStart,
    rowEnd,
    compressors,
    onChunk: ({ columnData }) => void (values += columnData.length),
  });
  rowStart = rowEnd;
}
console.log(
  JSON.stringify({
    workMs: performance.now() - started,
    rowsRead: rowStart,
    values,
    columns: wanted.length,
    maxRssKb: process.resourceUsage().maxRSS,
  }),
);
