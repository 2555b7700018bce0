import { describe, expect, it } from 'vitest';
import { formatTable, median } from '../../bench/stats';

describe('median', () => {
  it('takes the middle of an odd count and the mean of the two middles of an even count, whatever the order', () => {
    // Prepare
    const odd = [9, 1, 5];
    const even = [4, 1, 3, 2];

    // Act
    const results = [median(odd), median(even), median([])];

    // Assess
    expect(results[0]).toBe(5);
    expect(results[1]).toBe(2.5);
    expect(results[2]).toBeNaN();
    expect(odd).toEqual([9, 1, 5]);
  });
});

describe('formatTable', () => {
  it('aligns every column and marks missed targets', () => {
    // Prepare
    const rows = [
      { section: '1 ingest', measure: 'time', value: '3.1×', target: '≤ 4×', pass: true },
      { section: '3 bundles', measure: 'init', value: '210 ms', target: '≤ 150 ms', pass: false },
    ];

    // Act
    const lines = formatTable(rows).split('\n');

    // Assess
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines[2]).toContain('| ok');
    expect(lines[3]).toContain('| MISSED');
  });
});
