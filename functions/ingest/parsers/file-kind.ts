/**
 * What a file really is, from its first bytes. Sources serve login pages and PDFs under
 * `.xlsx` names; the name and the Content-Type are claims, the magic bytes are evidence.
 */
import { open } from 'node:fs/promises';

export type FileKind = 'zip' | 'gzip' | 'parquet' | 'pdf' | 'html' | 'text' | 'xls' | 'stata' | 'spss' | 'feather' | 'empty' | 'binary';

/** Formats the Deportation Data Project publishes that detainer-watch does not read: the same records come as Parquet. */
const INSTEAD = 'which detainer-watch does not read: use the Parquet (or CSV, XLSX) file published with it';

const DESCRIPTIONS: Record<FileKind, string> = {
  zip: 'a zip archive',
  gzip: 'a gzip-compressed file',
  parquet: 'a Parquet file',
  stata: `a Stata data file (.dta), ${INSTEAD}`,
  spss: `an SPSS data file (.sav), ${INSTEAD}`,
  feather: `a Feather/Arrow file (.feather, .arrow), ${INSTEAD}`,
  pdf: 'a PDF document',
  html: 'an HTML page',
  text: 'a text file',
  xls: 'a legacy Excel 97–2003 workbook (.xls; save it as .xlsx or CSV to ingest it)',
  empty: 'an empty file',
  binary: 'binary data of an unknown kind',
};

/** "a PDF document", for error lines such as "is a PDF document, not an XLSX workbook". */
export function describeFileKind(kind: FileKind): string {
  return DESCRIPTIONS[kind];
}

const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Kinds no parser reads: one line says what the file is and what to use instead. */
export const UNREADABLE_KINDS: ReadonlySet<FileKind> = new Set(['stata', 'spss', 'feather', 'xls', 'html', 'binary', 'empty']);

/** Data files known by their names alone (old Stata versions have no text signature). */
const KIND_BY_EXTENSION: Record<string, FileKind> = {
  dta: 'stata',
  sav: 'spss',
  zsav: 'spss',
  por: 'spss',
  feather: 'feather',
  arrow: 'feather',
  ipc: 'feather',
};

/** The kind a file name claims for the formats refused outright, or undefined. */
export function refusedKindOfName(name: string): FileKind | undefined {
  const extension = /\.([a-z]+)(?:\.gz)?$/i.exec(name)?.[1]?.toLowerCase();
  return extension ? KIND_BY_EXTENSION[extension] : undefined;
}

function startsWith(head: Buffer, text: string): boolean {
  return head.length >= text.length && head.toString('latin1', 0, text.length) === text;
}

export function fileKindOf(head: Buffer): FileKind {
  if (head.length === 0) return 'empty';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5 || head[2] === 7)) return 'zip';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (startsWith(head, 'PAR1')) return 'parquet';
  if (startsWith(head, '<stata_dta>')) return 'stata';
  if (startsWith(head, '$FL2') || startsWith(head, '$FL3')) return 'spss';
  if (startsWith(head, 'ARROW1') || startsWith(head, 'FEA1')) return 'feather';
  // OLE2 compound file: Excel 97–2003 (BIFF) workbooks, as older FOIA releases come.
  if (head.length >= 8 && head.subarray(0, 8).equals(OLE2_MAGIC)) return 'xls';
  let start = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3;
  const text = head.subarray(start, start + 1024).toString('latin1');
  if (text.startsWith('%PDF-')) return 'pdf';
  const trimmed = text.trimStart().toLowerCase();
  if (/^(<!doctype html|<html|<head|<body|<!--)/.test(trimmed) || /^<\?xml[^>]*>\s*<(!doctype html|html)/.test(trimmed)) return 'html';
  if (start === 3) return 'text';
  // Text: no NUL and few control characters other than tab/CR/LF/FF.
  let control = 0;
  for (let i = start; i < Math.min(head.length, 4096); i++) {
    const b = head[i];
    if (b === 0) return 'binary';
    if (b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12) control++;
  }
  return control * 50 > Math.min(head.length, 4096) ? 'binary' : 'text';
}

/** Reads the first 4 KiB of a file and classifies it. */
export async function sniffFileKind(file: string): Promise<FileKind> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return fileKindOf(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
