/**
 * The delimited-text reader on its own: the quirks of real exports (ragged rows, trailing empty
 * columns, blank lines, a last line without a line end, quotes over line breaks), read the same
 * whatever the size of the chunks the bytes arrive in, with and without a column selection.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidReleaseError } from '../../../functions/domain/release';
import type { Cell, RowSelection } from '../../../functions/ingest/parsers/cell';
import { readCsvRows } from '../../../functions/ingest/parsers/csv-rows';
import { openReleaseFile, readReleaseRows } from '../../../functions/ingest/parsers/release-file';

interface Read {
  rows: Array<{ line: number; cells: Cell[] }>;
  count: number;
  warnings: string[];
}

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/**
 * Reads `text`, cut into chunks of `size` bytes; `select` (and `lazy`) are applied from the second row
 * on, as a layout does after its header. A lazy column's cell is taken with `select.cell` and must be
 * undefined in the cells.
 */
async function read(
  text: string | Buffer,
  options: { size?: number; select?: boolean[]; lazy?: boolean[]; stopAt?: number } = {},
): Promise<Read> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const rows: Read['rows'] = [];
  const warnings: string[] = [];
  const selection: RowSelection = {};
  const count = await readCsvRows(
    chunked(bytes, options.size ?? bytes.length + 1),
    'test.csv',
    (cells, line) => {
      const copy = Array.from(cells);
      if (selection.lazy) {
        for (const [column, lazy] of selection.lazy.entries()) {
          if (!lazy) continue;
          if (cells[column] !== undefined) throw new Error(`lazy column ${column} was decoded in row ${line}`);
          copy[column] = selection.cell?.(column);
        }
      }
      rows.push({ line, cells: copy });
      if (options.select) selection.columns = options.select;
      if (options.lazy) selection.lazy = options.lazy;
      if (options.stopAt === line) return 'stop';
    },
    { select: selection, onWarning: (w) => warnings.push(w) },
  );
  return { rows, count, warnings };
}

/**
 * The rules, read plainly from the decoded text, for comparison: records end at a line feed outside
 * quotes (a CR before it dropped), blank lines are passed over, a field that starts with a quote
 * runs to its closing quote (`""` is a quote) and then to the delimiter; a quote elsewhere is text.
 * Row 1 is read whole, later rows with the selection (cells up to the last selected column).
 */
function byTheRules(text: string, select: boolean[]): Read['rows'] {
  const rows: Read['rows'] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    if (text[i] === '\n' || (text[i] === '\r' && (text[i + 1] === '\n' || i + 1 === text.length))) {
      line++;
      i += text[i] === '\n' ? 1 : 2;
      continue;
    }
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new Error('unclosed');
          value += text.slice(i, q);
          line += (text.slice(i, q).match(/\n/g) ?? []).length;
          i = q + 1;
          if (text[i] !== '"') break;
          value += '"';
          i++;
        }
      }
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\n') j++;
      const rest = text.slice(i, j);
      value += text[j] !== ',' && rest.endsWith('\r') ? rest.slice(0, -1) : rest;
      fields.push(value);
      i = j + 1;
      if (text[j] !== ',') break;
    }
    line++;
    const cells = rows.length === 0 ? fields : select.map((wanted, c) => (wanted && c < fields.length ? fields[c] : undefined));
    if (rows.length === 0 && fields.length === 1 && fields[0] === '') continue;
    rows.push({ line: start, cells });
  }
  return rows;
}

/** Every quirk at once: ragged rows, trailing empty columns, blank lines, quotes, CRLF inside and outside quotes, no final line end. */
const QUIRKS = [
  'Facility,City,State,Reason,Note',
  'ADAMS COUNTY JAIL,BRIGHTON,CO,Detainer Declined by LEA,',
  '',
  '"US MARSHALS, COLORADO",DENVER,CO,"Detainer Declined by LEA","said ""no"""',
  'SHORT ROW,ONLY',
  'LONG ROW,X,CA,Lifted,n,extra,,',
  '\r',
  '"TURNER GUIFORD KNIGHT\r\n(TGK) JAIL",MIAMI,FL,"(b)(6), (b)(7)(C)","multi\nline, note"',
  'O\'BRIEN 5\'10" "TALL",ALBANY,NY,Case Closed,"a"b',
  ',,,,',
  'LAST,WITHOUT,LINE END,x,"y\r\n"',
].join('\n');

const QUIRKS_ROWS = [
  { line: 1, cells: ['Facility', 'City', 'State', 'Reason', 'Note'] },
  { line: 2, cells: ['ADAMS COUNTY JAIL', 'BRIGHTON', 'CO', 'Detainer Declined by LEA', ''] },
  { line: 4, cells: ['US MARSHALS, COLORADO', 'DENVER', 'CO', 'Detainer Declined by LEA', 'said "no"'] },
  { line: 5, cells: ['SHORT ROW', 'ONLY'] },
  { line: 6, cells: ['LONG ROW', 'X', 'CA', 'Lifted', 'n', 'extra', '', ''] },
  { line: 8, cells: ['TURNER GUIFORD KNIGHT\r\n(TGK) JAIL', 'MIAMI', 'FL', '(b)(6), (b)(7)(C)', 'multi\nline, note'] },
  { line: 11, cells: ['O\'BRIEN 5\'10" "TALL"', 'ALBANY', 'NY', 'Case Closed', 'ab'] },
  { line: 12, cells: ['', '', '', '', ''] },
  { line: 13, cells: ['LAST', 'WITHOUT', 'LINE END', 'x', 'y\r\n'] },
];

describe('readCsvRows', () => {
  it('reads ragged rows, trailing empty columns, blank lines, quoted delimiters, quotes and line breaks, and a last line without a line end', async () => {
    // Act
    const { rows, count } = await read(QUIRKS);

    // Assess: blank lines are passed over but counted in the line numbers; a quote inside unquoted text is text
    expect(rows).toEqual(QUIRKS_ROWS);
    expect(count).toBe(9);
  });

  it('reads the same rows whatever the chunks the bytes come in, with CRLF line ends and a byte-order mark too', async () => {
    // Prepare
    const crlf = `\uFEFF${QUIRKS.replace(/(?<!\r)\n(?=[^(]|$)/g, '\r\n')}\r\n`;
    const whole = await read(crlf);

    // Act
    const pieces = await Promise.all([1, 2, 3, 5, 7, 16, 61].map((size) => read(crlf, { size })));

    // Assess
    expect(whole.rows.map((r) => r.cells[0])).toEqual(QUIRKS_ROWS.map((r) => r.cells[0]));
    expect(whole.rows.at(-1)?.cells).toEqual(['LAST', 'WITHOUT', 'LINE END', 'x', 'y\r\n']);
    for (const piece of pieces) expect(piece.rows).toEqual(whole.rows);
  });

  it('decodes only the selected columns, stepping over quoted line breaks and delimiters in the columns it skips', async () => {
    // Prepare: columns 1 and 3 selected; the unselected last columns hold quotes, delimiters and line breaks
    const select = [false, true, false, true];
    const text = [
      'a,b,c,d,e,f',
      '1,"x, y",3,"four",5,"six,\nsix"',
      '1,two,3,4,"five ""5""\r\n",6',
      '1,"two\nlines",3,"",5,6',
      ',,,',
      '"1"',
      '1,2,3,4,"5',
      '",6',
      '7,8,9,10,11,"',
      '"',
      '13,14,15,16',
    ].join('\n');

    // Act
    const whole = await read(text, { select });
    const pieces = await Promise.all([1, 2, 3, 4, 9].map((size) => read(text, { size, select })));

    // Assess: with a selection every row has its cells up to the last selected column; a short row leaves the rest undefined
    expect(whole.rows).toEqual([
      { line: 1, cells: ['a', 'b', 'c', 'd', 'e', 'f'] },
      { line: 2, cells: [undefined, 'x, y', undefined, 'four'] },
      { line: 4, cells: [undefined, 'two', undefined, '4'] },
      { line: 6, cells: [undefined, 'two\nlines', undefined, ''] },
      { line: 8, cells: [undefined, '', undefined, ''] },
      { line: 9, cells: [undefined, undefined, undefined, undefined] },
      { line: 10, cells: [undefined, '2', undefined, '4'] },
      { line: 12, cells: [undefined, '8', undefined, '10'] },
      { line: 14, cells: [undefined, '14', undefined, '16'] },
    ]);
    for (const piece of pieces) expect(piece.rows).toEqual(whole.rows);
  });

  it('leaves lazy columns undecoded until asked for: plain, quoted with line breaks and quotes, before a CR, missing from a short row', async () => {
    // Prepare: column 1 decoded, column 3 (the last) lazy
    const text = ['a,b,c,d', '1,x,3,ID-1\r', '2,y,3,"ID ""2"",\nsecond line"', '3,z', '4,w,3,ID-4'].join('\n');

    // Act
    const pieces = await Promise.all(
      [1, 3, 100].map((size) => read(text, { size, select: [false, true, false, true], lazy: [false, false, false, true] })),
    );

    // Assess
    for (const { rows } of pieces)
      expect(rows).toEqual([
        { line: 1, cells: ['a', 'b', 'c', 'd'] },
        { line: 2, cells: [undefined, 'x', undefined, 'ID-1'] },
        { line: 3, cells: [undefined, 'y', undefined, 'ID "2",\nsecond line'] },
        { line: 5, cells: [undefined, 'z', undefined, undefined] },
        { line: 6, cells: [undefined, 'w', undefined, 'ID-4'] },
      ]);
  });

  it('keeps repeated and distinct values apart over many rows, also values of the same length and similar bytes', async () => {
    // Prepare: a column of few repeated values (some of which hash alike in a 31-based hash: "Aa" and "BB"), one unique per row
    const repeated = ['Aa', 'BB', 'AaAa', 'BBBB', 'AaBB', 'BBAa', 'CO', 'Detainer Declined by LEA', '"quoted, one"'];
    const lines = ['id,value,unique'];
    for (let i = 0; i < 12_000; i++) lines.push(`${i},${repeated[i % repeated.length]},u${i * 7919}`);
    const text = `${lines.join('\n')}\n`;

    // Act
    const { rows } = await read(text, { select: [true, true, true], size: 65_536 });

    // Assess
    expect(rows).toHaveLength(12_001);
    rows.slice(1).forEach((row, i) => {
      const value = repeated[i % repeated.length];
      expect(row.cells).toEqual([String(i), value.startsWith('"') ? value.slice(1, -1) : value, `u${i * 7919}`]);
    });
  });

  it('reads random files with every quirk as a plain reading of the rules does, whatever the chunks, the selection and the columns left lazy', async () => {
    // Prepare: a seeded generator of fields (plain, quoted with delimiters, quotes and line breaks,
    // text after a closing quote, quotes inside plain text, CR at a record's end), ragged records and blank lines
    let seed = 7;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % n;
    };
    const plain = () =>
      Array.from({ length: random(9) }, () => ['a', 'B', ' ', 'é', '5', '"', '\r', 'ZZZZ'][random(8)])
        .join('')
        .replace(/^"/, 'x');
    const quoted = () =>
      `"${Array.from({ length: random(12) }, () => ['a', ',', '""', '\n', '\r\n', '\r', 'é', 'QQQQQQ'][random(8)]).join('')}"${random(4) === 0 ? plain().replace(/^"/, 'y') : ''}`;
    const files: string[] = [];
    for (let f = 0; f < 60; f++) {
      const lines = [Array.from({ length: 12 }, (_, i) => `c${i}`).join(',')];
      for (let r = 0; r < 40; r++) {
        if (random(10) === 0) lines.push(random(2) ? '' : '\r');
        const width = random(5) === 0 ? random(16) + 1 : 12;
        lines.push(Array.from({ length: width }, () => (random(3) === 0 ? quoted() : plain())).join(','));
      }
      files.push(lines.join(random(2) ? '\n' : '\r\n') + (random(2) ? '\n' : ''));
    }

    for (const [f, text] of files.entries()) {
      const select = Array.from({ length: 12 }, () => random(3) === 0);
      select[random(12)] = true;
      const lazy = select.map((wanted) => wanted && random(2) === 0);
      // Act
      const got = await read(text, { size: 1 + random(97), select, lazy });

      // Assess
      expect(got.rows, `file ${f}`).toEqual(byTheRules(text, select));
    }
  });

  it.each([
    ['tab', '\t'],
    ['semicolon', ';'],
    ['pipe', '|'],
  ])('finds a %s delimiter under a title row, with a quoted comma', async (_, delimiter) => {
    // Prepare
    const text = ['Declined detainers, FY2014', ['Facility', 'City', 'State'].join(delimiter)]
      .concat(['"US MARSHALS, COLORADO"', 'DENVER', 'CO'].join(delimiter), ['VISTA', 'VISTA', 'CA'].join(delimiter))
      .join('\n');

    // Act
    const { rows } = await read(text);

    // Assess
    expect(rows.map((r) => r.cells)).toEqual([
      ['Declined detainers, FY2014'],
      ['Facility', 'City', 'State'],
      ['US MARSHALS, COLORADO', 'DENVER', 'CO'],
      ['VISTA', 'VISTA', 'CA'],
    ]);
  });

  it('reads Windows-1252 from the first line that is not UTF-8, and says so once', async () => {
    // Prepare: UTF-8 in the first chunk, Latin-1 bytes from the third line on
    const text = Buffer.concat([
      Buffer.from('Facility,City\nCAFÉ JAIL,SAN JOSÉ\n', 'utf8'),
      Buffer.from('CENTRE P\xc9NITENTIAIRE,MONTR\xc9AL\nCAF\xc9 JAIL,\x80\n', 'latin1'),
    ]);

    // Act
    const { rows, warnings } = await read(text, { size: 24, select: [true, true] });

    // Assess
    expect(rows.map((r) => r.cells)).toEqual([
      ['Facility', 'City'],
      ['CAFÉ JAIL', 'SAN JOSÉ'],
      ['CENTRE PÉNITENTIAIRE', 'MONTRÉAL'],
      ['CAFÉ JAIL', '€'],
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^text is not UTF-8 from byte \d+: read as Windows-1252 \(Latin-1\)$/);
  });

  it('stops when the handler says so', async () => {
    // Act
    const { rows, count } = await read(QUIRKS, { stopAt: 4, size: 10 });

    // Assess
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4]);
    expect(count).toBe(3);
  });

  it('refuses a quoted field that is never closed, naming the line it opens on', async () => {
    // Act
    const reading = read('a,b\n1,2\n3,"open\n4,5\n', { select: [true, true] });

    // Assess
    await expect(reading).rejects.toThrow(InvalidReleaseError);
    await expect(reading).rejects.toThrow('test.csv: unreadable CSV: a quoted field opened on line 3 is never closed');
  });

  it('reads a plain file of several megabytes, read in chunks into buffers that take turns, every record whole', async () => {
    // Prepare: 60,000 records of different lengths, so records straddle every chunk boundary
    const dir = await mkdtemp(join(tmpdir(), 'csv-rows-'));
    const path = join(dir, 'big.csv');
    const lines = ['n,name,check'];
    for (let n = 0; n < 60_000; n++) lines.push(`${n},"FACILITY ${'X'.repeat(n % 97)}, UNIT ${n}",${n * 3}`);
    await writeFile(path, `${lines.join('\r\n')}\r\n`);
    const seen: string[][] = [];

    try {
      // Act
      const { rows } = await readReleaseRows(await openReleaseFile(path), (cells) => void seen.push(cells.map(String)));

      // Assess
      expect(rows).toBe(60_001);
      seen.slice(1).forEach(([n, name, check], i) => {
        expect([n, name, check]).toEqual([String(i), `FACILITY ${'X'.repeat(i % 97)}, UNIT ${i}`, String(i * 3)]);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
