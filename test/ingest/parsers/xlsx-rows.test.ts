import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidReleaseError } from '../../../functions/domain/release';
import { readXlsxRows, type XlsxCell } from '../../../functions/ingest/parsers/xlsx-rows';
import { buildXlsx, buildZip } from './zip-builder';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xlsx-rows-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, bytes: Buffer | string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, bytes);
  return file;
}

async function rowsOf(file: string, options = {}): Promise<Array<{ row: number; cells: XlsxCell[] }>> {
  const rows: Array<{ row: number; cells: XlsxCell[] }> = [];
  await readXlsxRows(file, (cells, row) => void rows.push({ row, cells: [...cells] }), options);
  return rows;
}

describe('readXlsxRows', () => {
  it('reads every cell type, formulas as their cached values, and places cells by column letter', async () => {
    // Prepare
    const file = await write(
      'types.xlsx',
      buildXlsx(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>Tom &amp; Jerry</t></is></c><c r="D1" t="b"><v>1</v></c><c r="E1"/><c r="F1" t="e"><v>#N/A</v></c></row>' +
          '<row r="3" spans="1:4"><c r="A3"><v>42</v></c><c r="B3"><f>A3*2</f><v>84</v></c><c r="C3" t="str"><f>HYPERLINK("http://x","y")</f><v>y</v></c><c r="D3" t="s"><v>1</v></c></row>' +
          '<row r="4"><c r="A4" s="1"><v>45183</v></c><c r="B4" s="2"><v>45183.4375</v></c><c r="C4" s="3"><v>1.5</v></c><c r="AB4" t="s"><v>2</v></c></row>',
        [
          '<t>DENVER JUSTICE CENTER</t>',
          '<r><t xml:space="preserve">Rich </t></r><r><rPr><b/></rPr><t>text</t></r><rPh><t>ignored</t></rPh>',
          '<t>LINE_x000D_\nBREAK</t>',
        ],
      ),
    );

    // Act
    const rows = await rowsOf(file);

    // Assess
    expect(rows.map((r) => r.row)).toEqual([1, 3, 4]);
    expect(rows[0].cells).toEqual(['DENVER JUSTICE CENTER', undefined, 'Tom & Jerry', 'TRUE', undefined, '#N/A']);
    expect(rows[1].cells).toEqual([42, 84, 'y', 'Rich text']);
    expect(rows[2].cells[0]).toBe('2023-09-14');
    expect(rows[2].cells[1]).toBe('2023-09-14T10:30:00');
    expect(rows[2].cells[2]).toBe(1.5);
    expect(rows[2].cells[27]).toBe('LINE\r\nBREAK');
  });

  it('gives raw serials when asked for them', async () => {
    // Prepare
    const file = await write('serial.xlsx', buildXlsx('<row r="1"><c r="A1" s="1"><v>45183</v></c></row>'));

    // Act
    const rows = await rowsOf(file, { dates: 'serial' });

    // Assess
    expect(rows[0].cells[0]).toBe(45183);
  });

  it('reads rows that straddle inflate chunks, with multi-byte text, and stops when asked', async () => {
    // Prepare
    const count = 20000;
    let xml = '';
    for (let i = 1; i <= count; i++)
      xml += `<row r="${i}"><c r="A${i}" t="inlineStr"><is><t>PEÑA ${i} ñandú</t></is></c><c r="B${i}"><v>${i}</v></c></row>`;
    const file = await write('long.xlsx', buildXlsx(xml));

    // Act
    const rows = await rowsOf(file);
    let seen = 0;
    const stopped = await readXlsxRows(file, () => (++seen === 10 ? 'stop' : undefined));

    // Assess
    expect(rows).toHaveLength(count);
    expect(rows.every((r, i) => r.cells[0] === `PEÑA ${i + 1} ñandú` && r.cells[1] === i + 1)).toBe(true);
    expect(stopped.stopped).toBe(true);
    expect(seen).toBe(10);
  });

  it('refuses a zip bomb by its declared size before inflating it', async () => {
    // Prepare
    const rows = '<row r="1"><c r="A1"><v>1</v></c></row>'.repeat(50000);
    const file = await write('bomb.xlsx', buildXlsx(rows));

    // Act
    const read = rowsOf(file, { maxPartBytes: 100_000 });

    // Assess
    await expect(read).rejects.toThrow(/zip bomb: xl\/worksheets\/sheet1\.xml declares \d+ bytes inflated, over the cap of 100000/);
  });

  it('refuses a part that inflates past what it declares, without reading it all', async () => {
    // Prepare
    const sheet = `<worksheet><sheetData>${'<row r="1"><c r="A1"><v>1</v></c></row>'.repeat(200000)}</sheetData></worksheet>`;
    const file = await write(
      'lying-bomb.xlsx',
      buildXlsx('', [], { 'xl/worksheets/sheet1.xml': { name: 'xl/worksheets/sheet1.xml', content: sheet, declaredSize: 4096 } }),
    );

    // Act
    const read = rowsOf(file);

    // Assess
    await expect(read).rejects.toThrow(/inflates to more than its declared 4096 bytes/);
  });

  it('refuses an absurd compression ratio', async () => {
    // Prepare
    const file = await write('ratio.xlsx', buildXlsx('<row r="1"/>'.repeat(400000)));

    // Act
    const read = rowsOf(file, { maxCompressionRatio: 50 });

    // Assess
    await expect(read).rejects.toThrow(/zip bomb: xl\/worksheets\/sheet1\.xml compresses \d+:1, over the limit of 50:1/);
  });

  it.each([
    ['a PDF', Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n'), /is a PDF document, not an XLSX workbook/],
    [
      'an HTML login page',
      Buffer.from('<!DOCTYPE html><html><body><form action="/login">Sign in</form></body></html>'),
      /is an HTML page, not an XLSX workbook/,
    ],
    ['an empty file', Buffer.alloc(0), /is an empty file, not an XLSX workbook/],
    ['a zip without a workbook', buildZip([{ name: 'readme.txt', content: 'hello' }]), /is a zip archive but not an XLSX workbook/],
  ])('refuses %s with one clear line', async (_, bytes, message) => {
    // Prepare
    const file = await write(`not-xlsx-${bytes.length}.xlsx`, bytes);

    // Act
    const read = rowsOf(file);

    // Assess
    await expect(read).rejects.toBeInstanceOf(InvalidReleaseError);
    await expect(read).rejects.toThrow(message);
  });

  it('refuses a truncated workbook', async () => {
    // Prepare
    const whole = buildXlsx('<row r="1"><c r="A1"><v>1</v></c></row>'.repeat(1000));
    const file = await write('truncated.xlsx', whole.subarray(0, Math.floor(whole.length * 0.6)));

    // Act
    const read = rowsOf(file, { label: 'raw/ddp/abc.xlsx' });

    // Assess
    await expect(read).rejects.toThrow(/^raw\/ddp\/abc\.xlsx: truncated or corrupt XLSX: /);
  });

  it('reads an unclosed last shared string of a damaged file without hanging', async () => {
    // Prepare
    const sst = '<?xml version="1.0"?><sst><si><t>FIRST</t></si><si><t>SECOND';
    const file = await write(
      'open-sst.xlsx',
      buildXlsx('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>', [], {
        'xl/sharedStrings.xml': { name: 'xl/sharedStrings.xml', content: sst },
      }),
    );

    // Act
    const rows = await rowsOf(file);

    // Assess
    expect(rows[0].cells[0]).toBe('FIRST');
    expect(rows[0].cells).toHaveLength(2);
  });

  it('decodes shared strings as cells refer to them: empty items, entities, runs, several <t>, multi-byte text, repeated references', async () => {
    // Prepare
    const file = await write(
      'sst-kinds.xlsx',
      buildXlsx(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>' +
          '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2" t="s"><v>1</v></c></row>' +
          '<row r="3"><c r="A3" t="s"><v>1</v></c></row>',
        [
          '<t>HUDSON &amp; ESSEX</t>',
          '<t>CENTRE PÉNITENTIAIRE — ÉTÉ</t>',
          '<t>A</t><t>B</t>',
          '<t xml:space="preserve"> padded </t>',
          '<t/>',
        ],
      ),
    );
    const withEmpty = await write(
      'sst-empty.xlsx',
      buildXlsx('<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>0</v></c></row>', [], {
        'xl/sharedStrings.xml': { name: 'xl/sharedStrings.xml', content: '<?xml version="1.0"?><sst><si/><si><t>AFTER</t></si></sst>' },
      }),
    );

    // Act
    const rows = await rowsOf(file);
    const empty = await rowsOf(withEmpty);

    // Assess
    expect(rows.map((r) => r.cells)).toEqual([
      ['HUDSON & ESSEX', 'CENTRE PÉNITENTIAIRE — ÉTÉ', 'AB'],
      [' padded ', '', 'CENTRE PÉNITENTIAIRE — ÉTÉ'],
      ['CENTRE PÉNITENTIAIRE — ÉTÉ'],
    ]);
    expect(empty[0].cells).toEqual(['AFTER', '']);
  });

  it('with a selection, clears the selected cells between rows: a cell a row lacks is not taken from the row before', async () => {
    // Prepare: columns A and C selected once the header is read; row 3 has no C, row 4 no A
    const file = await write(
      'select.xlsx',
      buildXlsx(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>' +
          '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c><c r="C2"><v>3</v></c></row>' +
          '<row r="3"><c r="A3"><v>4</v></c><c r="B3"><v>5</v></c></row>' +
          '<row r="4"><c r="C4"><v>9</v></c></row><row r="5"/>',
        ['<t>a</t>', '<t>b</t>', '<t>c</t>'],
      ),
    );
    const select: { columns?: boolean[] } = {};
    const columns = [true, false, true];
    const rows: XlsxCell[][] = [];

    // Act
    await readXlsxRows(
      file,
      (cells) => {
        rows.push([...cells]);
        select.columns = columns;
      },
      { select },
    );

    // Assess
    expect(rows).toEqual([
      ['a', 'b', 'c'],
      [1, undefined, 3],
      [4, undefined, undefined],
      [undefined, undefined, 9],
      [undefined, undefined, undefined],
    ]);
  });

  it('gives the right shared string to every cell of a column whose values never repeat, also when one is referred to again', async () => {
    // Prepare: column A an identifier per row (6,000 of them), column B three values; the last row refers to row 1's identifier again
    const n = 6000;
    const strings = [...Array.from({ length: n }, (_, i) => `<t>ID-${i}</t>`), '<t>NJ</t>', '<t>NY</t>', '<t>CA</t>'];
    const cells = (r: number, a: number, b: number) =>
      `<row r="${r}"><c r="A${r}" t="s"><v>${a}</v></c><c r="B${r}" t="s"><v>${n + b}</v></c></row>`;
    const sheet = Array.from({ length: n }, (_, i) => cells(i + 1, i, i % 3)).join('') + cells(n + 1, 0, 1);
    const file = await write('many-sst.xlsx', buildXlsx(sheet, strings));

    // Act
    const rows = await rowsOf(file);

    // Assess
    expect(rows).toHaveLength(n + 1);
    rows.slice(0, n).forEach((row, i) => expect(row.cells).toEqual([`ID-${i}`, ['NJ', 'NY', 'CA'][i % 3]]));
    expect(rows[n].cells).toEqual(['ID-0', 'NY']);
  });

  it('refuses a shared string index that does not exist', async () => {
    // Prepare
    const file = await write('bad-sst.xlsx', buildXlsx('<row r="1"><c r="A1" t="s"><v>7</v></c></row>', ['<t>only</t>']));

    // Act
    const read = rowsOf(file);

    // Assess
    await expect(read).rejects.toThrow(/row 1 refers to shared string 7, which does not exist/);
  });

  it('leaves no rejection unhandled however a read ends: a handler that throws, stop, next sheet, a corrupt part', async () => {
    // Prepare: a listener sees any rejection that settles with nobody awaiting it
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', listener);
    const rows = '<row r="1"><c r="A1"><v>1</v></c></row>'.repeat(20000);
    const file = await write('endings.xlsx', buildXlsx(rows));
    const lying = await write(
      'endings-lying.xlsx',
      buildXlsx('', [], {
        'xl/worksheets/sheet1.xml': {
          name: 'xl/worksheets/sheet1.xml',
          content: `<worksheet><sheetData>${rows}</sheetData></worksheet>`,
          declaredSize: 4096,
        },
      }),
    );

    try {
      // Act: every way a read can end early, twice over, all in flight together
      const endings = [1, 2].flatMap(() => [
        readXlsxRows(file, () => {
          throw new InvalidReleaseError(file, 'bad row');
        }),
        readXlsxRows(file, () => 'stop'),
        readXlsxRows(file, () => 'next-sheet', { sheet: 'all' }),
        readXlsxRows(lying, () => undefined),
      ]);
      const settled = await Promise.allSettled(endings);
      await new Promise((resolve) => setTimeout(resolve, 50));

      // Assess
      expect(settled.map((s) => s.status)).toEqual([
        'rejected',
        'fulfilled',
        'fulfilled',
        'rejected',
        'rejected',
        'fulfilled',
        'fulfilled',
        'rejected',
      ]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});
