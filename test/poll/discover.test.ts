import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import cdkJson from '../../cdk.json' with { type: 'json' };
import { discoverReleases } from '../../functions/poll/discover';
import { KNOWN_SOURCES } from '../../local/runtime';

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
    expect(releases).toEqual(
      [
        // First seen in the table of contents; the date comes from its section further down.
        { url: 'https://deportationdata.org/data/ice/2026-03/detainers.xlsx', label: 'Latest detainers file', publishedAt: '2026-03-03' },
        { url: 'https://deportationdata.org/data/ice/2026-03/arrests.XLSX', label: 'Arrests (XLSX)', publishedAt: '2026-03-03' },
        {
          url: 'https://deportationdata.org/data/ice/2025-06/detainers.xlsx',
          label: 'ICE detainers, September 2023 – June 2025',
          publishedAt: '2025-07-15',
        },
        { url: 'https://deportationdata.org/files/ice-detainers-fy2017.xlsx', label: 'FY2017 detainers', publishedAt: '2017-11-20' },
        { url: 'https://deportationdata.org/files/ice-detainers-fy2016.xlsx', label: 'FY2016 detainers' },
      ].map(({ publishedAt, ...rest }) => (publishedAt ? { ...rest, publishedAt } : rest)),
    );
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

  describe('on the data page as the Deportation Data Project builds it (Quarto + reactable: links in JSON, files on Box)', () => {
    const page = readFileSync(join(import.meta.dirname, '../fixtures/pages/ddp-ice-data.html'), 'utf8');
    const DDP = {
      linkPattern: 'box\\.com/',
      linkText: '^xlsx$',
      section: 'detainers',
      allowedHosts: ['deportationdata.org', 'ucla.app.box.com', 'ucla.box.com', '*.boxcloud.com'],
    };

    it("finds the current detainers workbook, and only it: not the other tables' files, the ZIP, or the collapsed past datasets", () => {
      // Act
      const found = discoverReleases(page, PAGE_URL, DDP);

      // Assess
      expect(found).toEqual([
        {
          url: 'https://ucla.app.box.com/index.php?rm=box_download_shared_file&shared_name=3kq0fixture7w2n&file_id=f_1100000000002',
          label: 'Detainers: Sep. 2023 · Late Jun. 2025 · Jul. 2025 · 316K',
        },
      ]);
    });

    it('without a section, finds every Box workbook on the page, in widget JSON and anchors alike, each once', () => {
      // Act: every xlsx on Box anywhere on the page
      const everywhere = discoverReleases(page, PAGE_URL, { ...DDP, section: undefined, includeCollapsed: true });

      // Assess: 5 latest + 1 arrests + 1 detainers (the same as latest's, once) + 2 past xlsx + 1 detentions
      expect(everywhere.map((r) => r.url.replace(/^.*(file_id=f_|static\/)/, ''))).toEqual([
        '1100000000001',
        '1100000000002',
        '1100000000003',
        '1100000000004',
        'removalsfixture01.xlsx',
        'detainersjune2025fixture.xlsx',
        '1000000000010',
        'detentionsfixture.xlsx',
      ]);
      expect(everywhere.find((r) => r.url.endsWith('f_1100000000001'))?.label).toBe(
        'Latest ICE data release: Arrests · Sep. 2023 · Late Jun. 2025 · Jul. 2025 · 265K',
      );
    });

    it('adds the past datasets when told to, with their text files when the link text allows them', () => {
      // Act
      const past = discoverReleases(page, PAGE_URL, { ...DDP, includeCollapsed: true, linkText: '^(xlsx|csv|txt)$' });

      // Assess
      expect(past.map((r) => r.label)).toEqual([
        'Detainers: Sep. 2023 · Late Jun. 2025 · Jul. 2025 · 316K',
        'Detainers: Sep. 2023 · Early Jun. 2025 · Jun. 2025 · 306K',
        'Detainers: Mid Nov. 2023 · Mid Feb. 2025 · Mar. 2025 · 199K',
        'Detainers: Oct. 1, 2016 · Sep. 30, 2017 · 94K',
        'Detainers: Oct. 1, 2014 · Sep. 30, 2015 · 79K',
      ]);
    });

    it('is what the default ddp source of the stack (cdk.json) and of local mode asks for', () => {
      // Prepare
      const stackDefault = cdkJson.context['detainer-watch:defaults'].sources.find((s: { name: string }) => s.name === 'ddp')!;
      const localDefault = KNOWN_SOURCES.find((s) => s.name === 'ddp')!;

      // Act
      const found = [discoverReleases(page, PAGE_URL, stackDefault), discoverReleases(page, PAGE_URL, localDefault)];

      // Assess
      for (const links of found)
        expect(links.map((r) => r.url)).toEqual([
          'https://ucla.app.box.com/index.php?rm=box_download_shared_file&shared_name=3kq0fixture7w2n&file_id=f_1100000000002',
        ]);
      expect(stackDefault.url).toBe(PAGE_URL);
    });

    it('fails loudly when the section is gone (the page changed), rather than finding nothing', () => {
      // Act
      const discover = () =>
        discoverReleases(page.replace('id="detainers"', 'id="holds"').replace('>Detainers</h2>', '>Holds</h2>'), PAGE_URL, DDP);

      // Assess
      expect(discover).toThrow('https://deportationdata.org/data/ice.html: the page has no section "detainers"');
    });

    it('scopes a section by heading text when the page has no ids, up to the next heading of its level', () => {
      // Prepare
      const plain = `<h2>Arrests</h2><p><a href="https://ucla.box.com/shared/static/a.xlsx">xlsx</a></p>
        <h2>Detainers</h2><h3>Current</h3><p><a href="https://ucla.box.com/shared/static/d.xlsx">xlsx</a></p>
        <h2>Detentions</h2><p><a href="https://ucla.box.com/shared/static/t.xlsx">xlsx</a></p>`;

      // Act
      const found = discoverReleases(plain, PAGE_URL, { ...DDP, section: 'Detainers' });

      // Assess
      expect(found.map((r) => r.url)).toEqual(['https://ucla.box.com/shared/static/d.xlsx']);
    });
  });
});
