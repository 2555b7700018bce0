import { escapeHtml } from '../domain/email/html';
import type { PageInput } from './page-layout';
import { sitePaths } from './site-paths';

/** What the numbers are and are not: sources, declined detainers, fiscal quarters, partial quarters, revisions, caveats. */
export function aboutPage(sources: string[], states: string[]): PageInput {
  const stateFeeds = states
    .map(
      (s) =>
        `<li>${escapeHtml(s)}: <a href="${sitePaths.stateFeedAtom(s)}">Atom</a>, <a href="${sitePaths.stateFeedJson(s)}">JSON Feed</a></li>`,
    )
    .join('');
  return {
    title: 'About the data',
    description: 'Where the declined-detainer numbers come from and how to read them.',
    main: `<h1>About the data</h1>
<h2>Sources</h2>
<p>detainer-watch checks the places that publish ICE detainer data, keeps every release it finds byte for byte, and counts the declined detainers in it. Sources tracked here: ${sources.length ? sources.map(escapeHtml).join(', ') : 'none yet'}.</p>
<ul>
<li><strong>ddp</strong>: ICE detainer records released under FOIA and republished by the Deportation Data Project (UC Berkeley and UCLA), one row per detainer. Each detainer is placed in a county from the facility's name and city. Record-level data also says how many detainers a county <em>received</em>, so a decline rate can be given.</li>
<li><strong>ddor</strong>: ICE's weekly "Declined Detainer Outcome Report" of early 2017 (three PDFs, suspended after errors).</li>
<li><strong>table</strong>: jurisdiction tables such as the FY2017 Q1 FOIA release: counts only, no denominator.</li>
</ul>
<h2>What a declined detainer is</h2>
<p>A detainer asks a local jail to hold someone for up to 48 hours beyond their release so that ICE can take custody. A detainer is counted here as <em>declined</em> when ICE recorded that the local agency did not honour it (in the record-level data, lift reason "Detainer Declined by LEA"). The count says what ICE recorded, not why the jail declined: some counties decline by policy, some because a detainer came without a judicial warrant.</p>
<h2>Fiscal quarters</h2>
<p>Rankings are per federal fiscal quarter. The fiscal year starts on 1 October: FY2017 Q1 is October to December 2016, Q2 January to March 2017, Q3 April to June, Q4 July to September.</p>
<h2>Partial quarters</h2>
<p>A release that ends (or starts) inside a quarter covers only part of it. Such a quarter is marked <em>partial</em>; its counts grow as later releases fill it in, and a lower count in a partial quarter is not a drop.</p>
<h2>Revisions</h2>
<p>Releases are re-published and corrected. When a later release changes a quarter already shown, the new numbers replace the old, the page says which version it shows, and the change is announced as a revision. A jurisdiction that disappears from a corrected release (a retraction) is reported too; in 2017 ICE withdrew rows attributed to the wrong county.</p>
<h2>Caveats</h2>
<ul>
<li>Counties are inferred from facility names and cities. Facilities that could not be placed are listed on each quarter's page and counted in its total, never dropped.</li>
<li>Ranks use standard competition ranking: two counties tied at #2 are followed by #4.</li>
<li>A decline rate is shown only where the source says how many detainers were received; "—" means not known, not zero.</li>
<li>Counts of different sources measure different things and are not added together.</li>
</ul>
<h2>Feeds</h2>
<p>Every change: <a href="${sitePaths.feedAtom}">Atom</a>, <a href="${sitePaths.feedJson}">JSON Feed</a>. Per state:</p>
<ul>${stateFeeds || '<li>None yet.</li>'}</ul>`,
  };
}
