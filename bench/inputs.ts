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
