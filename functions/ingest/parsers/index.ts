/**
 * One entry point for every release format. The file is sniffed once: its bytes decide what it
 * is (a PDF or a login page served as `.xlsx` is refused with one line saying so; Stata, SPSS
 * and Feather files are named with the format to use instead), then the layout reads it.
 */
import { InvalidReleaseError, type Observation, type ParseSummary, type ReleaseFormat } from '../../domain/release';
import type { Cell } from './cell';
import { parseDdorWith } from './ddor';
import { RecordLayout } from './ddp';
import { describeFileKind } from './file-kind';
import { openReleaseFile, type ReleaseFile, readReleaseRows } from './release-file';
import { HEADER_SEARCH_ROWS, parseRows, type RowLayout } from './row-parser';
import { TableLayout } from './table';

export { openReleaseFile } from './release-file';

const ROW_KINDS = new Set(['text', 'zip', 'gzip', 'parquet']);

const EXPECTED: Record<ReleaseFormat, string> = {
  ddp: 'an XLSX workbook, Parquet file or CSV of detainer records (a record-level release)',
  ddor: 'a PDF document (Declined Detainer Outcome Report)',
  table: 'a CSV, XLSX or Parquet table',
};

function layoutsFor(format: ReleaseFormat, file: ReleaseFile, sink: (o: Observation) => void, now?: Date): RowLayout[] {
  return format === 'ddp' ? [new RecordLayout(sink, file.label, now)] : [new TableLayout(sink, file.label, now)];
}

/** Parses a release of a known format; throws InvalidReleaseError when the content contradicts it. */
export async function parseRelease(
  path: string,
  format: ReleaseFormat,
  sink: (observation: Observation) => void,
  options: { label?: string; now?: Date } = {},
): Promise<ParseSummary> {
  if (!EXPECTED[format]) throw new InvalidReleaseError(options.label ?? path, `unknown release format "${String(format)}"`);
  const file = await openReleaseFile(path, options.label, EXPECTED[format]);
  if (format === 'ddor') {
    if (file.kind !== 'pdf') throw new InvalidReleaseError(file.label, `is ${describeFileKind(file.kind)}, not ${EXPECTED.ddor}`);
    return parseDdorWith(file.path, sink, { label: file.label, ...(options.now ? { now: options.now } : {}) });
  }
  if (!ROW_KINDS.has(file.kind)) throw new InvalidReleaseError(file.label, `is ${describeFileKind(file.kind)}, not ${EXPECTED[format]}`);
  return parseRows(file, layoutsFor(format, file, sink, options.now));
}

/**
 * The format of a file, from its content (and its name only to name it): a PDF is a DDOR; rows
 * whose header has a record's columns (prepare date, lift reason, facility) are record-level
 * (ddp); rows with a place and a declined count are a jurisdiction table. A header neither can
 * map is refused with one line naming the columns found and the ones needed.
 */
export async function guessFormat(path: string, name: string = path): Promise<ReleaseFormat> {
  const file = await openReleaseFile(path, name, 'a release in any known format');
  if (file.kind === 'pdf') return 'ddor';
  if (!ROW_KINDS.has(file.kind))
    throw new InvalidReleaseError(name, `is ${describeFileKind(file.kind)}: not a release in any known format`);
  const none = () => undefined;
  const record = new RecordLayout(none, name);
  const table = new TableLayout(none, name);
  let found: ReleaseFormat | undefined;
  let sheets = false;
  await readReleaseRows(
    file,
    (cells: Cell[], rowNumber: number) => {
      for (const layout of [record, table]) {
        if (layout.match(cells).header) {
          found = layout === record ? 'ddp' : 'table';
          return 'stop';
        }
      }
      // Past the title rows of one sheet, the next sheet may hold the header.
      if (rowNumber < HEADER_SEARCH_ROWS) return undefined;
      return sheets ? 'next-sheet' : 'stop';
    },
    { xlsx: { sheet: 'all', dates: 'serial', onSheet: () => void (sheets = true) } },
  );
  if (found) return found;
  // Read again through the skeleton for its one-line refusal naming what was found and needed.
  await parseRows(file, [record, table]);
  throw new InvalidReleaseError(name, 'no header row found');
}
