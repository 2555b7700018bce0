/**
 * Delimited text releases, streamed row by row with csv-parse: FOIA tables and record-level ICE
 * files come comma-, tab- or semicolon-delimited (NPR's `.csv` files are tab-delimited, its
 * `.txt` files comma-delimited), sometimes with a byte-order mark. Text must be UTF-8: anything
 * else is refused with the byte range, rather than read as mojibake into jurisdiction names.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { InvalidReleaseError } from '../../domain/release';

/** Called per record with its cells and its (last) line number; 'stop' ends the read early. */
export type CsvRowHandler = (cells: string[], rowNumber: number) => void | 'stop';

const DELIMITERS = ['\t', ',', ';', '|'] as const;

/**
 * The delimiter that splits the first lines into the same number of fields most often: a title
 * row or a quoted name with a comma in a tab-delimited file does not outvote the table's shape.
 */
export function detectDelimiter(sample: string): string {
  const lines = sample.split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, 30);
  let best: { delimiter: string; lines: number; fields: number } = { delimiter: ',', lines: 0, fields: 0 };
  for (const delimiter of DELIMITERS) {
    const modes = new Map<number, number>();
    for (const line of lines) {
      const count = line.split(delimiter).length - 1;
      if (count > 0) modes.set(count, (modes.get(count) ?? 0) + 1);
    }
    for (const [fields, count] of modes) {
      if (count > best.lines || (count === best.lines && fields > best.fields)) best = { delimiter, lines: count, fields };
    }
  }
  return best.delimiter;
}

async function* utf8Text(file: string, label: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    try {
      yield decoder.decode(chunk, { stream: true });
    } catch {
      throw new InvalidReleaseError(label, `is not UTF-8 text: invalid byte sequence within bytes ${offset}–${offset + chunk.length} (re-save it as UTF-8)`);
    }
    offset += chunk.length;
  }
  try {
    yield decoder.decode();
  } catch {
    throw new InvalidReleaseError(label, 'is not UTF-8 text: it ends inside a multi-byte sequence');
  }
}

/** Streams the records of a delimited text file; returns how many were read. */
export async function readCsvRows(file: string, label: string, onRow: CsvRowHandler): Promise<number> {
  const texts = utf8Text(file, label);
  const first = await texts.next();
  const head = first.done ? '' : first.value;
  const delimiter = detectDelimiter(head.slice(0, 65536));
  async function* all(): AsyncGenerator<string> {
    if (head) yield head;
    yield* texts;
  }
  const source = Readable.from(all());
  const parser = parse({ delimiter, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true });
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let rows = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      rows++;
      if (onRow(record, info.lines) === 'stop') break;
    }
  } catch (error) {
    if (error instanceof InvalidReleaseError) throw error;
    throw new InvalidReleaseError(label, `unreadable CSV: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    source.destroy();
    parser.destroy();
  }
  return rows;
}
