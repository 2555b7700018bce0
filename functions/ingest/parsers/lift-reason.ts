/**
 * The lift reason of a declined detainer: ICE writes `Detainer Declined by LEA`; republished
 * files change its case and spacing, and some spell the agency out.
 */
import type { Cell } from './cell';

const DECLINED_REASONS = new Set([
  'detainer declined by lea',
  'declined by lea',
  'detainer declined by law enforcement agency',
  'detainer declined',
]);

/** `Detainer Declined by LEA`, in any case, spacing or punctuation. */
export function isDeclined(cell: Cell): boolean {
  if (typeof cell !== 'string' || cell.length < 10) return false;
  return DECLINED_REASONS.has(
    cell
      .toLowerCase()
      .replace(/[^a-z]+/g, ' ')
      .trim(),
  );
}
