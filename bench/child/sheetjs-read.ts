/** The whole-workbook load a user would reach for: SheetJS readFile, then rows counted. */
import * as fs from 'node:fs';
import * as XLSX from 'xlsx';

// The ESM build of SheetJS reads files only once it is given `fs`.
XLSX.set_fs(fs);

const started = performance.now();
const workbook = XLSX.readFile(process.argv[2], { dense: true });
const rows = XLSX.utils.sheet_to_json<unknown[]>(workbook.Sheets[workbook.SheetNames[0]], { header: 1 });
let declined = 0;
for (const row of rows) for (const value of row) if (value === 'Detainer Declined by LEA') declined++;
console.log(
  JSON.stringify({ workMs: performance.now() - started, rowsRead: rows.length, declined, maxRssKb: process.resourceUsage().maxRSS }),
);
