/** The streaming reader a user would reach for: exceljs' WorkbookReader, rows iterated, declined counted. */
import ExcelJS from 'exceljs';

const started = performance.now();
const reader = new ExcelJS.stream.xlsx.WorkbookReader(process.argv[2], {
  sharedStrings: 'cache',
  styles: 'cache',
  hyperlinks: 'ignore',
  worksheets: 'emit',
  entries: 'emit',
});
let rows = 0;
let declined = 0;
for await (const sheet of reader) {
  for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
    rows++;
    const values = row.values as unknown[];
    for (const value of values) if (value === 'Detainer Declined by LEA') declined++;
  }
}
console.log(JSON.stringify({ workMs: performance.now() - started, rowsRead: rows, declined, maxRssKb: process.resourceUsage().maxRSS }));
