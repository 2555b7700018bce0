/**
 * The bench's input files, generated once and cached under `os.tmpdir()/detainer-watch-bench/`
 * (keyed by the generator's own source, so a changed generator regenerates).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { readXlsxRows } from '../functions/ingest/parsers/xlsx-rows';
import { generateDdpXlsx } from '../scripts/generate-ddp-xlsx';

export const BENCH_DIR = join(tmpdir(), 'detainer-watch-bench');

async function generatorVersion(): Promise<string> {
  const source = await readFile(new URL('../scripts/generate-ddp-xlsx.ts', import.meta.url));
  return createHash('sha256').update(source).digest('hex').slice(0, 10);
}

async function cached(name: string, make: (partial: string) => Promise<void>, log: (line: string) => void): Promise<string> {
  await mkdir(BENCH_DIR, { recursive: true });
  const file = join(BENCH_DIR, name);
  if (existsSync(file)) return file;
  const partial = `${file}.${process.pid}.partial`;
  const started = performance.now();
  log(`generating ${name} (cached for later runs)…`);
  await make(partial);
  await rename(partial, file);
  log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

/**
 * A DDP-layout release of `rows` detainers over eight quarters, with all 65 columns of the real
 * Sep 2023 – Jun 2025 release (316,000 rows come to about 100 MB, as the real file does).
 */
export async function ddpRelease(rows: number, log: (line: string) => void, seed = 1, columns: 'all' | 'read' = 'all'): Promise<string> {
  const version = await generatorVersion();
  const variant = columns === 'all' ? '2023-full' : '2023';
  return cached(
    `ddp-${variant}-${rows}-seed${seed}-${version}.xlsx`,
    async (partial) => {
      await generateDdpXlsx({ rows, seed, out: partial, variant });
    },
    log,
  );
}

const DECLINED = 'Detainer Declined by LEA';

/**
 * A re-release of `file`: the same rows written again (new bytes, same data) or with one
 * detainer's lift reason changed to declined (a one-row revision).
 */
export async function reRelease(file: string, kind: 'unchanged' | 'one-row', log: (line: string) => void): Promise<string> {
  const base = file.replace(/\.xlsx$/, '');
  return cached(
    `${base.slice(base.lastIndexOf('/') + 1)}-${kind}.xlsx`,
    async (partial) => {
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: partial, useSharedStrings: true, useStyles: true });
      const sheet = workbook.addWorksheet('Detainers');
      let header: string[] | undefined;
      let revised = kind === 'unchanged';
      let dateColumns: number[] = [];
      await readXlsxRows(file, (cells) => {
        const row: Array<string | number | Date | null> = cells.map((cell) => cell ?? null);
        if (!header && cells.includes('Detainer Lift Reason')) {
          header = cells.map((cell) => String(cell ?? ''));
          dateColumns = header.flatMap((name, i) => (name.endsWith('Date') ? [i] : []));
        } else if (header) {
          for (const i of dateColumns)
            if (typeof row[i] === 'string' && /^\d{4}-\d\d-\d\d/.test(row[i] as string)) row[i] = new Date(`${row[i]}Z`);
          const reason = header.indexOf('Detainer Lift Reason');
          if (!revised && row[reason] !== DECLINED && String(row[header.indexOf('Detention Facility')]).includes('COUNTY')) {
            row[reason] = DECLINED;
            revised = true;
          }
        }
        const written = sheet.addRow(row);
        for (const i of dateColumns)
          if (header && written.getCell(i + 1).value instanceof Date) written.getCell(i + 1).numFmt = 'mm/dd/yyyy hh:mm';
        written.commit();
      });
      sheet.commit();
      await workbook.commit();
    },
    log,
  );
}

/** `Detainer Prepare Date` → `detainer_prepare_date`, as the Deportation Data Project's processed files name columns. */
function snakeCase(header: string): string {
  return header
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** Rows of the bench release under its header, streamed: the cells as the XLSX reader gives them (reused), dates as ISO text. */
async function releaseRows(
  file: string,
  onHeader: (header: string[]) => void,
  onRow: (cells: ReadonlyArray<string | number | undefined>) => void,
): Promise<void> {
  let header: string[] | undefined;
  await readXlsxRows(file, (cells) => {
    if (header) onRow(cells);
    else if (cells.includes('Detainer Lift Reason')) onHeader((header = cells.map((cell) => String(cell ?? ''))));
  });
}

const GROUP_ROWS = 100_000;

/**
 * The bench release as the DDP's processed Parquet: snake_case columns, dates as TIMESTAMP in
 * microseconds (as pyarrow writes them), text dictionary-encoded and SNAPPY-compressed, row
 * groups of 100,000 rows.
 */
export async function ddpParquet(rows: number, log: (line: string) => void): Promise<string> {
  const xlsx = await ddpRelease(rows, log);
  const base = xlsx.slice(xlsx.lastIndexOf('/') + 1).replace(/\.xlsx$/, '');
  return cached(
    `${base}.parquet`,
    async (partial) => {
      const { ParquetWriter, fileWriter } = await import('hyparquet-writer');
      let writer: InstanceType<typeof ParquetWriter> | undefined;
      let names: string[] = [];
      let dates: boolean[] = [];
      let columns: unknown[][] = [];
      const flush = () => {
        if (!writer || columns[0].length === 0) return;
        // The file writer is synchronous: write() returns once the group is on disk.
        void writer.write({ columnData: names.map((name, i) => ({ name, data: columns[i] as string[] })), rowGroupSize: GROUP_ROWS });
        columns = names.map(() => []);
      };
      await releaseRows(
        xlsx,
        (header) => {
          names = header.map(snakeCase);
          dates = header.map((h) => h.endsWith('Date'));
          columns = names.map(() => []);
          writer = new ParquetWriter({
            writer: fileWriter(partial),
            schema: [
              { name: 'root', num_children: names.length },
              ...names.map((name, i) =>
                dates[i]
                  ? {
                      name,
                      type: 'INT64' as const,
                      repetition_type: 'OPTIONAL' as const,
                      logical_type: { type: 'TIMESTAMP' as const, isAdjustedToUTC: false, unit: 'MICROS' as const },
                    }
                  : { name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const },
              ),
            ],
          });
        },
        (cells) => {
          for (let i = 0; i < names.length; i++) {
            const cell = cells[i];
            columns[i].push(
              dates[i]
                ? typeof cell === 'string'
                  ? BigInt(Date.parse(`${cell}Z`)) * 1000n
                  : null
                : cell === undefined
                  ? null
                  : String(cell),
            );
          }
          if (columns[0].length >= GROUP_ROWS) flush();
        },
      );
      flush();
      writer?.finish();
    },
    log,
  );
}

/** A CSV field, quoted when it holds a comma, a quote or a line break. */
function csvField(cell: string | number | undefined): string {
  if (cell === undefined) return '';
  const text = typeof cell === 'string' ? cell.replace(/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)$/, '$1 $2') : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The bench release as a CSV export of the workbook: ICE's column names, every column, CRLF, dates as `2023-10-01 12:39:30`. */
export async function ddpCsv(rows: number, log: (line: string) => void): Promise<string> {
  const xlsx = await ddpRelease(rows, log);
  const base = xlsx.slice(xlsx.lastIndexOf('/') + 1).replace(/\.xlsx$/, '');
  return cached(
    `${base}.csv`,
    async (partial) => {
      const { appendFileSync, writeFileSync } = await import('node:fs');
      let width = 0;
      let buffered = '';
      await releaseRows(
        xlsx,
        (header) => {
          width = header.length;
          writeFileSync(partial, `${header.map(csvField).join(',')}\r\n`);
        },
        (cells) => {
          for (let i = 0; i < width; i++) buffered += (i > 0 ? ',' : '') + csvField(cells[i]);
          buffered += '\r\n';
          if (buffered.length > 1 << 22) {
            appendFileSync(partial, buffered);
            buffered = '';
          }
        },
      );
      appendFileSync(partial, buffered);
    },
    log,
  );
}
