/**
 * One entry point for every release format: checks that the bytes are what the format says
 * (a PDF or a login page served as `.xlsx` is refused here, with one line saying so), then
 * hands the file to the format's parser.
 */
import { InvalidReleaseError, type Observation, type ParseSummary, type Parser, type ReleaseFormat } from '../../domain/release';
import { parseDdor } from './ddor';
import { isRecordHeader, parseDdp } from './ddp';
import { describeFileKind, sniffFileKind, type FileKind } from './file-kind';
import { readCsvRows } from './csv-rows';
import { parseTable } from './table';
import { readXlsxRows } from './xlsx-rows';

export { parseDdp } from './ddp';
export { parseDdor } from './ddor';
export { parseTable } from './table';
export { readXlsxRows } from './xlsx-rows';
export type { XlsxCell, XlsxReadOptions, XlsxRowHandler } from './xlsx-rows';

export const PARSERS: Record<ReleaseFormat, Parser> = { ddp: parseDdp, ddor: parseDdor, table: parseTable };

const EXPECTED: Record<ReleaseFormat, { kinds: FileKind[]; what: string }> = {
  ddp: { kinds: ['zip', 'text'], what: 'an XLSX workbook or a CSV of detainer records (DDP release)' },
  ddor: { kinds: ['pdf'], what: 'a PDF document (Declined Detainer Outcome Report)' },
  table: { kinds: ['zip', 'text'], what: 'a CSV or XLSX table' },
};

/** Parses a release of a known format; throws InvalidReleaseError when the content contradicts it. */
export async function parseRelease(file: string, format: ReleaseFormat, sink: (observation: Observation) => void): Promise<ParseSummary> {
  const expected = EXPECTED[format];
  if (!expected) throw new InvalidReleaseError(file, `unknown release format "${String(format)}"`);
  const kind = await sniffFileKind(file);
  if (kind === 'empty') throw new InvalidReleaseError(file, 'the file is empty (0 bytes)');
  if (!expected.kinds.includes(kind)) throw new InvalidReleaseError(file, `is ${describeFileKind(kind)}, not ${expected.what}`);
  return PARSERS[format](file, sink);
}

/**
 * The format of a file, from its content (and its name only to break a tie): a PDF is a DDOR;
 * a workbook or delimited text whose header has a record's columns (prepare date, lift reason,
 * facility) is record-level (DDP); other workbooks and text are jurisdiction tables.
 */
export async function guessFormat(file: string, name: string = file): Promise<ReleaseFormat> {
  const kind = await sniffFileKind(file);
  if (kind === 'pdf') return 'ddor';
  if (kind !== 'zip' && kind !== 'text') throw new InvalidReleaseError(name, `is ${describeFileKind(kind)}: not a release in any known format`);
  let records = false;
  const look = (cells: Array<string | number | undefined>, rowNumber: number): 'stop' | undefined => {
    if (isRecordHeader(cells)) records = true;
    return records || rowNumber >= 30 ? 'stop' : undefined;
  };
  if (kind === 'zip') await readXlsxRows(file, look, { label: name });
  else await readCsvRows(file, name, look);
  return records ? 'ddp' : 'table';
}
