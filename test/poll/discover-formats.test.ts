import { describe, expect, it } from 'vitest';
import { discoverReleases } from '../../functions/poll/discover';

const PAGE_URL = 'https://deportationdata.org/data/ice.html';
const SOURCE = { linkPattern: 'box\\.com/', linkText: '^(xlsx|parquet|csv|dta|sav|feather)$', allowedHosts: ['ucla.box.com'] };

/** A reactable widget as the Deportation Data Project's page embeds it: one row per release, a cell of links per format. */
function widgetPage(rows: Array<{ records: string; links: string[] }>): string {
  const data = {
    Records: rows.map((r) => r.records),
    Download: rows.map((r) =>
      r.links.map((f) => `<a href='https://ucla.box.com/shared/static/detainers-${r.records}.${f}'>${f}</a>`).join(' '),
    ),
  };
  return `<html><body><h2 id="detainers">Detainers</h2><script type="application/json">${JSON.stringify({ x: { tag: { attribs: { data } } } })}</script></body></html>`;
}

describe('discoverReleases with one release in several formats', () => {
  it('offers the Parquet link of a release over its XLSX, Stata, SPSS and Feather links', () => {
    // Prepare
    const page = widgetPage([{ records: '316K', links: ['xlsx', 'dta', 'sav', 'feather', 'parquet'] }]);

    // Act
    const found = discoverReleases(page, PAGE_URL, SOURCE);

    // Assess
    expect(found.map((r) => r.url)).toEqual(['https://ucla.box.com/shared/static/detainers-316K.parquet']);
  });

  it('offers CSV over XLSX, and keeps each release of the table apart', () => {
    // Prepare
    const page = widgetPage([
      { records: '316K', links: ['xlsx', 'csv'] },
      { records: '306K', links: ['xlsx'] },
    ]);

    // Act
    const found = discoverReleases(page, PAGE_URL, SOURCE);

    // Assess
    expect(found.map((r) => r.url.split('/').at(-1))).toEqual(['detainers-316K.csv', 'detainers-306K.xlsx']);
  });

  it('prefers among links of one block on an ordinary page, by their file extension', () => {
    // Prepare
    const page = `<ul><li>March 2026 release: <a href="https://ucla.box.com/s/detainers-latest.xlsx">Excel</a>, <a href="https://ucla.box.com/s/detainers-latest.parquet">Parquet</a></li>
      <li>June 2025 release: <a href="https://ucla.box.com/s/detainers-2025-06.xlsx">Excel</a></li></ul>`;

    // Act
    const found = discoverReleases(page, PAGE_URL, { ...SOURCE, linkText: undefined });

    // Assess
    expect(found.map((r) => r.url.split('/').at(-1))).toEqual(['detainers-latest.parquet', 'detainers-2025-06.xlsx']);
  });
});
