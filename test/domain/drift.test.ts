import { describe, expect, it } from 'vitest';
import { detectDrift } from '../../functions/domain/drift';
import type { ReleaseStats } from '../../functions/domain/release';

const COLUMNS = [
  'Detainer Prepare Date',
  'Facility State',
  'Detainer Facility',
  'Facility City',
  'Detainer Lift Reason',
  'Anonymized Identifier',
];
const stats = (rowsRead: number, from?: string, to?: string, extra: Partial<ReleaseStats> = {}): ReleaseStats => ({
  rowsRead,
  rowsKept: Math.round(rowsRead / 20),
  resolutionRate: 0.99,
  columns: COLUMNS,
  ...(from && to ? { coverage: { from, to } } : {}),
  ...extra,
});

describe('detectDrift', () => {
  it('passes a release with nothing before it', () => {
    // Assess
    expect(detectDrift([], stats(10))).toBeNull();
  });

  it('quarantines a file cut short: far fewer rows than the earlier release covering the same dates', () => {
    // Prepare
    const full = stats(316_000, '2023-09-01', '2025-06-26');

    // Act
    const reason = detectDrift([full], stats(40_000, '2023-09-01', '2023-11-30'));

    // Assess
    expect(reason).toBe('schema drift: 40000 rows read, previous release covering 2023-09-01 to 2025-06-26 had 316000');
  });

  it('passes one file per fiscal year: a short FY2026 file after a full FY2025 file covers other dates', () => {
    // Prepare: the March 2026 release, one workbook per fiscal year, ingested in turn
    const fy2024 = stats(190_000, '2023-10-01', '2024-09-30');
    const fy2025 = stats(200_000, '2024-10-01', '2025-09-30');

    // Act
    const fy2026 = detectDrift([fy2024, fy2025], stats(70_000, '2025-10-01', '2026-03-06'));

    // Assess
    expect(fy2026).toBeNull();
  });

  it('compares rows with the newest release that overlaps, not merely the newest', () => {
    // Prepare: an earlier full FY2024 file, then a short FY2026 file
    const fy2024 = stats(190_000, '2023-10-01', '2024-09-30');
    const fy2026 = stats(70_000, '2025-10-01', '2026-03-06');

    // Act: a revised FY2024 file that lost most of its rows
    const reason = detectDrift([fy2024, fy2026], stats(60_000, '2023-10-01', '2024-09-30'));

    // Assess
    expect(reason).toMatch(/^schema drift: 60000 rows read, previous release covering 2023-10-01 to 2024-09-30 had 190000$/);
  });

  it('still compares resolution and columns with the newest release, whatever its dates', () => {
    // Prepare
    const fy2025 = stats(200_000, '2024-10-01', '2025-09-30');

    // Act
    const unresolved = detectDrift([fy2025], stats(70_000, '2025-10-01', '2026-03-06', { resolutionRate: 0.6 }));
    const renamed = detectDrift(
      [fy2025],
      stats(70_000, '2025-10-01', '2026-03-06', { columns: ['Date', 'State', 'Facility', 'City', 'Detainer Lift Reason', 'ID'] }),
    );

    // Assess
    expect(unresolved).toBe('schema drift: 60.0% of declined detainers resolved to counties, previous release 99.0%');
    expect(renamed).toMatch(/^schema drift: 5 of 6 columns of the previous release are gone/);
  });

  it('treats a release recorded without coverage as covering every date, as before', () => {
    // Act
    const reason = detectDrift([stats(1000)], stats(300, '2025-10-01', '2026-03-06'));

    // Assess
    expect(reason).toBe('schema drift: 300 rows read, previous release had 1000');
  });
});
