/**
 * What a file really is, from its first bytes. Sources serve login pages and PDFs under
 * `.xlsx` names; the name and the Content-Type are claims, the magic bytes are evidence.
 */
import { open } from 'node:fs/promises';

export type FileKind = 'zip' | 'pdf' | 'html' | 'text' | 'xls' | 'empty' | 'binary';

const DESCRIPTIONS: Record<FileKind, string> = {
  zip: 'a zip archive',
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

export function fileKindOf(head: Buffer): FileKind {
  if (head.length === 0) return 'empty';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5 || head[2] === 7)) return 'zip';
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
