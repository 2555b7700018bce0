/**
 * The three demo releases, in the order the demo source publishes them. Shared by the
 * generator (file names, title rows) and the demo server (index page, Last-Modified).
 */
export interface DemoRelease {
  /** File name under `local/demo/releases/`. */
  name: string;
  /** Link text on the index page. */
  label: string;
  /** Publication date shown on the index page and sent as Last-Modified (ISO date). */
  publishedAt: string;
  /** First and last Detainer Prepare Date in the file. */
  coverage: { from: string; to: string };
  /** One line on the index page and in the file's title rows. */
  note: string;
}

export const DEMO_RELEASES: readonly DemoRelease[] = [
  {
    name: 'ddp-2017-01-release.xlsx',
    label: 'ICE detainers, October – December 2016 (January 2017 release)',
    publishedAt: '2017-01-17',
    coverage: { from: '2016-10-01', to: '2016-12-31' },
    note: 'Detainers prepared October 1, 2016 to December 31, 2016 (FY2017 Q1).',
  },
  {
    name: 'ddp-2017-04-release.xlsx',
    label: 'ICE detainers, October 2016 – March 2017 (April 2017 release)',
    publishedAt: '2017-04-18',
    coverage: { from: '2016-10-01', to: '2017-03-31' },
    note: 'Detainers prepared October 1, 2016 to March 31, 2017 (FY2017 Q1–Q2).',
  },
  {
    name: 'ddp-2017-04-release-revised.xlsx',
    label: 'ICE detainers, October 2016 – March 2017 (April 2017 release, revised)',
    publishedAt: '2017-05-02',
    coverage: { from: '2016-10-01', to: '2017-03-31' },
    note: 'Revised: supersedes the April 2017 release. Clark County, NV records recoded as transfers; records misattributed to Nassau County, NY removed.',
  },
];
