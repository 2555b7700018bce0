/**
 * One entry point for every release format: checks that the bytes are what the format says
 * (a PDF or a login page served as `.xlsx` is refused here, with one line saying so), then
 * hands the file to the format's parser.
 */
import { InvalidReleaseError, type Observation, type ParseSummary, type Parser, type ReleaseFormat } from '../../domain/release';
import { parseDdor } from './ddor';
import { parseDdp } from './ddp';
import { describeFileKind, sniffFileKind, type FileKind } from './file-kind';
import { matchColumns } from './header-row';
import { parseTable } from './table';
import { readXlsxRows } from './xlsx-rows';

export { parseDdp } from './ddp';
export { parseDdor } from './ddor';
export { parseTable } from './table';
export { readXlsxRows } from './xlsx-rows';
export type { XlsxCell, XlsxReadOptions, XlsxRowHandler } from './xlsx-rows';

export const PARSERS: Record<ReleaseFormat, Parser> = { ddp: parseDdp, ddor: parseDdor, table: parseTable };

const EXPECTED: Record<ReleaseFormat, { kinds: FileKind[]; what: string }> = {
  ddp: { kinds: ['zip'], what: 'an XLSX workbook (DDP release)' },
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

const DDP_SIGNATURE = {
  prepareDate: { aliases: ['Detainer Prepare Date', 'Detainer Prepared Date'], required: true },
  liftReason: { aliases: ['Detainer Lift Reason'], required: true },
  facility: { aliases: ['Detention Facility', 'Detainer Facility'], required: true },
};

/**
 * The format of a file, from its content (and its name only to break a tie): a PDF is a DDOR,
 * a workbook whose header has the DDP detainer columns is DDP, other workbooks and text are tables.
 */
export async function guessFormat(file: string, name: string = file): Promise<ReleaseFormat> {
  const kind = await sniffFileKind(file);
  if (kind === 'pdf') return 'ddor';
  if (kind === 'text') return 'table';
  if (kind !== 'zip') throw new InvalidReleaseError(name, `is ${describeFileKind(kind)}: not a release in any known format`);
  let ddp = false;
  await readXlsxRows(
    file,
    (cells, rowNumber) => {
      if (matchColumns(cells, DDP_SIGNATURE).found >= 2) ddp = true;
      return ddp || rowNumber >= 30 ? 'stop' : undefined;
    },
    { label: name },
  );
  return ddp ? 'ddp' : 'table';
}
