import { describe, expect, it } from 'vitest';
import { discoverReleases } from '../../functions/poll/discover';

const SOURCE = { linkPattern: '\\.xlsx$', allowedHosts: ['deportationdata.org'] };
const PAGE_URL = 'https://deportationdata.org/data/ice.html';

/** Shaped like the Deportation Data Project's data page (a Quarto site). */
const DDP_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ICE – Deportation Data Project</title></head>
<body>
<header id="quarto-header"><nav class="navbar">
  <a class="navbar-brand" href="../index.html">Deportation Data Project</a>
  <a class="nav-link" href="../data.html">Data</a> <a class="nav-link" href="../about.html">About</a>
  <a href="https://github.com/deportationdata" class="nav-link"><i class="bi bi-github"></i></a>
</nav></header>
<main class="content" id="quarto-document-content">
  <nav id="TOC"><ul>
    <li><a href="#detainers">Detainers</a></li>
    <li><a href="https://deportationdata.org/data/ice/2026-03/detainers.xlsx#download">Latest detainers file</a></li>
  </ul></nav>
  <h1 class="title">ICE data</h1>
  <p>We obtained these records from ICE through FOIA litigation. See the
     <a href="https://deportationdata.org/docs/ice-codebook.pdf">codebook</a> and
     <a href="mailto:info@deportationdata.org">write to us</a>.</p>
  <section id="march-2026-release" class="level2">
    <h2>March 2026 Release</h2>
    <p>Published March 3, 2026. Covers detainers prepared from October 1, 2023 to January 31, 2026.</p>
    <ul>
      <li><a href="ice/2026-03/detainers.xlsx">Detainers (XLSX)</a></li>
      <li><a href="ice/2026-03/arrests.XLSX">Arrests (XLSX)</a></li>
      <li><a href="https://ucla.box.com/shared/static/mirror-detainers.xlsx">Mirror on Box</a></li>
    </ul>
  </section>
  <section id="june-2025-release" class="level2">
    <h2>Release covering September 2023 – June 2025</h2>
    <p>Posted <time datetime="2025-07-15">July 15, 2025</time></p>
    <p><a href="/data/ice/2025-06/detainers.xlsx" title="ICE detainers, September 2023 – June 2025">Download</a></p>
  </section>
  <section id="older" class="level2">
    <h2>Earlier files</h2>
    <ul>
      <li><a href="../files/ice-detainers-fy2017.xlsx">FY2017 detainers</a>, released 11/20/2017</li>
      <li><a href="../files/ice-detainers-fy2016.xlsx">FY2016 detainers</a></li>
    </ul>
  </section>
</main>
</body></html>`;

describe('discoverReleases', () => {
  it('finds the release links of a DDP-style data page with absolute URLs, labels and publication dates', () => {
    // Act
    const releases = discoverReleases(DDP_PAGE, PAGE_URL, SOURCE);

    // Assess
    expect(releases).toEqual([
      // First seen in the table of contents; the date comes from its section further down.
      { url: 'https://deportationdata.org/data/ice/2026-03/detainers.xlsx', label: 'Latest detainers file', publishedAt: '2026-03-03' },
      { url: 'https://deportationdata.org/data/ice/2026-03/arrests.XLSX', label: 'Arrests (XLSX)', publishedAt: '2026-03-03' },
      { url: 'https://deportationdata.org/data/ice/2025-06/detainers.xlsx', label: 'ICE detainers, September 2023 – June 2025', publishedAt: '2025-07-15' },
      { url: 'https://deportationdata.org/files/ice-detainers-fy2017.xlsx', label: 'FY2017 detainers', publishedAt: '2017-11-20' },
      { url: 'https://deportationdata.org/files/ice-detainers-fy2016.xlsx', label: 'FY2016 detainers' },
    ].map(({ publishedAt, ...rest }) => (publishedAt ? { ...rest, publishedAt } : rest)));
  });

  it('ignores links on hosts outside the allow-list even when they match, and links that do not match', () => {
    // Act
    const urls = discoverReleases(DDP_PAGE, PAGE_URL, SOURCE).map((r) => r.url);

    // Assess
    expect(urls.some((u) => u.includes('box.com'))).toBe(false);
    expect(urls.some((u) => u.endsWith('.pdf') || u.startsWith('mailto:') || u.endsWith('.html'))).toBe(false);
  });

  it('does not lend one release the date of a neighbour', () => {
    // Prepare
    const flat = `<body>
      <p>Published January 17, 2017</p><p><a href="/d/q1.xlsx">Q1</a></p>
      <p>Published April 18, 2017</p><p><a href="/d/q2.xlsx">Q2</a></p>
    </body>`;

    // Act
    const fromList = discoverReleases(DDP_PAGE, PAGE_URL, SOURCE).find((r) => r.url.endsWith('fy2016.xlsx'));
    const fromFlatPage = discoverReleases(flat, PAGE_URL, SOURCE);

    // Assess: FY2016 sits next to FY2017's "released" date; a flat page gives two dates to two links.
    expect(fromList?.publishedAt).toBeUndefined();
    expect(fromFlatPage.map((r) => r.publishedAt)).toEqual([undefined, undefined]);
  });

  it('dedupes a link that appears twice (with a fragment) and keeps its descriptive label', () => {
    // Prepare
    const html = `<ul>
      <li><a href="/r/2017-q1.xlsx#top">Download</a></li>
      <li><a href="/r/2017-q1.xlsx">FY2017 Q1 declined detainers</a></li>
    </ul>`;

    // Act
    const releases = discoverReleases(html, 'https://deportationdata.org/data/', SOURCE);

    // Assess
    expect(releases).toEqual([{ url: 'https://deportationdata.org/r/2017-q1.xlsx', label: 'FY2017 Q1 declined detainers' }]);
  });

  it('resolves relative links against <base href> and uses the nearest heading for a bare "Download"', () => {
    // Prepare
    const html = `<html><head><base href="https://deportationdata.org/files/2017/"></head><body>
      <h3>Declined detainers, January 2017</h3>
      <p>Released: 17 January 2017</p>
      <p><a href="declined.xlsx">Download</a> · <a href="javascript:void(0)">declined.xlsx</a></p>
    </body></html>`;

    // Act
    const releases = discoverReleases(html, 'https://deportationdata.org/elsewhere/page.html', SOURCE);

    // Assess
    expect(releases).toEqual([
      { url: 'https://deportationdata.org/files/2017/declined.xlsx', label: 'Declined detainers, January 2017', publishedAt: '2017-01-17' },
    ]);
  });

  it('never takes a coverage date for the publication date', () => {
    // Prepare
    const html = `<div class="release">
      <p>Covers detainers prepared from October 1, 2016 to March 31, 2017.</p>
      <a href="/data/2017-04.xlsx">April 2017 release</a>
    </div>`;

    // Act
    const [release] = discoverReleases(html, PAGE_URL, SOURCE);

    // Assess
    expect(release).toEqual({ url: 'https://deportationdata.org/data/2017-04.xlsx', label: 'April 2017 release' });
  });

  it('applies the source pattern to the resolved URL, so a pattern can pin a folder', () => {
    // Prepare
    const pinned = { linkPattern: '/data/ice/\\d{4}-\\d{2}/detainers\\.xlsx$', allowedHosts: ['DeportationData.org'] };

    // Act
    const urls = discoverReleases(DDP_PAGE, PAGE_URL, pinned).map((r) => r.url);

    // Assess
    expect(urls).toEqual([
      'https://deportationdata.org/data/ice/2026-03/detainers.xlsx',
      'https://deportationdata.org/data/ice/2025-06/detainers.xlsx',
    ]);
  });

  it('finds nothing on a page without release links', () => {
    // Act
    const releases = discoverReleases('<html><body><p>Maintenance</p><a href="/login">Sign in</a></body></html>', PAGE_URL, SOURCE);

    // Assess
    expect(releases).toEqual([]);
  });
});
