/**
 * Writes a Declined Detainer Outcome Report PDF in ICE's 2017 layout (docs/data-sources.md §1) with
 * pdfkit, following the published reports: title with the report week ("For Recorded Declined
 * Detainers Feb. 4 – Feb. 10, 2017"), a summary and the four sections listed on page 1
 * ("• Section I: …"), then "Section I: …" (top 10 by detainers *issued* — the table a parser must
 * not read as declined counts), "Section II: Jurisdictions with Recorded Declined Detainers
 * Broken Down by …" wrapped onto two lines (one row per declined detainer) breaking across pages
 * with its header repeated, section III policy table, section IV scope. `DdorLayout` gives the
 * older "II. …" headings, centred column headers and a header wrapped onto two lines.
 *
 *   npx tsx scripts/make-ddor-fixture.ts [--out test/fixtures/releases/ddor-2017-02-04to02-10.pdf]
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { pathToFileURL } from 'node:url';
import PDFDocument from 'pdfkit';

export interface DdorDeclinedRow {
  state: string;
  county: string;
  facility: string;
  citizenship: string;
  /** M/D/YYYY as the report prints it. */
  issued: string;
  declined: string;
  notable: string;
}

export interface DdorReport {
  /** "February 4, 2017" … "February 10, 2017" as the summary and headings print them. */
  weekFrom: string;
  weekTo: string;
  /** The week as the title prints it: "Feb. 4 – Feb. 10, 2017" (default: weekFrom – weekTo). */
  titleWeek?: string;
  /** Detainers issued that week, in section I's sentence (default: the top 10's sum). */
  issuedTotal?: number;
  issuedTop10: Array<{ jurisdiction: string; state: string; issued: number }>;
  declined: DdorDeclinedRow[];
  /** The total printed under section II (default: the rows' count); a different one tests the check. */
  printedTotal?: number;
  policies: Array<{ jurisdiction: string; enacted: string; policy: string; criteria: string }>;
}

const NOTABLE = [
  'Assault',
  'Dangerous Drugs',
  'DUI',
  'Burglary',
  'Sexual Assault; prior removal',
  'Weapon Offense',
  'Larceny',
  'Family Offense; Domestic Violence; Assault with a deadly weapon, prior conviction for illegal re-entry',
  '',
  'Traffic Offense',
];
const COUNTRIES = ['Mexico', 'Guatemala', 'Honduras', 'El Salvador', 'Dominican Republic', 'Ecuador', 'China', 'Jamaica'];

const PLACES: Array<{ state: string; county: string; facility: string; rows: number }> = [
  { state: 'TX', county: 'Travis', facility: 'Travis County Jail', rows: 41 },
  { state: 'TX', county: 'Williamson', facility: 'Williamson County Jail', rows: 3 },
  { state: 'TX', county: 'Bastrop', facility: 'Bastrop County Jail', rows: 2 },
  { state: 'NY', county: 'Franklin', facility: 'Franklin County Jail', rows: 2 },
  { state: 'IA', county: 'Franklin', facility: 'Franklin County Jail', rows: 1 },
  { state: 'PA', county: 'Franklin', facility: 'Franklin County Jail', rows: 1 },
  { state: 'IA', county: 'Montgomery', facility: 'Montgomery County Jail', rows: 1 },
  { state: 'NY', county: 'Nassau', facility: 'Nassau County Correctional Center', rows: 9 },
  { state: 'CA', county: 'Santa Clara', facility: 'Santa Clara County Main Jail', rows: 4 },
  { state: 'CO', county: 'Denver', facility: 'Denver Justice Center', rows: 5 },
  { state: 'IL', county: 'Cook', facility: 'Cook County Jail', rows: 6 },
  { state: 'FL', county: 'Miami-Dade', facility: 'Turner Guilford Knight Correctional Center', rows: 2 },
  { state: 'NC', county: 'Mecklenburg', facility: 'Mecklenburg County Jail', rows: 1 },
];

/** The fixture's report: week of 4–10 February 2017, 78 declined detainers. */
export function sampleDdorReport(): DdorReport {
  const declined: DdorDeclinedRow[] = [];
  let i = 0;
  for (const place of PLACES) {
    for (let k = 0; k < place.rows; k++, i++) {
      // Issued dates reach back into FY2017 Q1 (December 2016); the declined date is what counts.
      const issued = i % 3 === 0 ? `12/${(i % 28) + 1}/2016` : `${1 + (i % 2)}/${(i % 27) + 1}/2017`;
      declined.push({
        state: place.state,
        county: place.county,
        facility: place.facility,
        citizenship: COUNTRIES[i % COUNTRIES.length],
        issued,
        declined: `2/${4 + (i % 7)}/2017`,
        notable: NOTABLE[i % NOTABLE.length],
      });
    }
  }
  return {
    weekFrom: 'February 4, 2017',
    weekTo: 'February 10, 2017',
    titleWeek: 'Feb. 4 – Feb. 10, 2017',
    issuedTotal: 2873,
    issuedTop10: [
      { jurisdiction: 'Travis County', state: 'TX', issued: 312 },
      { jurisdiction: 'Nassau County', state: 'NY', issued: 201 },
      { jurisdiction: 'Cook County', state: 'IL', issued: 188 },
      { jurisdiction: 'Santa Clara County', state: 'CA', issued: 97 },
      { jurisdiction: 'Denver County', state: 'CO', issued: 91 },
      { jurisdiction: 'Miami-Dade County', state: 'FL', issued: 80 },
      { jurisdiction: 'Williamson County', state: 'TX', issued: 44 },
      { jurisdiction: 'Franklin County', state: 'PA', issued: 30 },
      { jurisdiction: 'Mecklenburg County', state: 'NC', issued: 21 },
      { jurisdiction: 'Bastrop County', state: 'TX', issued: 12 },
    ],
    declined,
    policies: [
      {
        jurisdiction: 'Travis County, Texas (San Antonio)',
        enacted: 'January 2017',
        policy: 'Sheriff will only honor detainers for capital murder, aggravated sexual assault, continuous smuggling of persons.',
        criteria: 'Charged with or convicted of the listed offenses, or a judicial warrant.',
      },
      {
        jurisdiction: 'Cook County, Illinois (Chicago)',
        enacted: 'September 2011',
        policy: 'Ordinance 11-O-73: detainers declined unless a criminal warrant accompanies them.',
        criteria: 'Criminal warrant issued by a judge.',
      },
      {
        jurisdiction: 'Santa Clara County, California (San Francisco)',
        enacted: 'October 2011',
        policy: 'Board policy: no detainers honored without reimbursement agreement.',
        criteria: 'Serious or violent felony conviction and a reimbursement agreement.',
      },
    ],
  };
}

/** How the PDF is laid out, so tests can cover the forms ICE's reports and their extractions take. */
export interface DdorLayout {
  /** `section` (default): "Section II: …" as the published reports print it; `roman`: the older "II. …". */
  headings?: 'section' | 'roman';
  /** Section II's column headers centred over their columns; cells stay left-aligned. */
  centredHeaders?: boolean;
  /** 2: section II's header wraps ("Detainer Issued" / "Date"). */
  headerLines?: 1 | 2;
  /** With a two-line header, where one-line labels sit: on the top line (default) or halfway down. */
  headerVAlign?: 'top' | 'middle';
  /** Section II's heading, one string a printed line (default: the real heading, wrapped onto two lines). */
  sectionIIHeading?: string[];
}

const MARGIN = 36;
const LINE = 11;
const SECTION_II_COLUMNS: Array<{ label: string; wrapped: string[]; x: number; width: number; key: keyof DdorDeclinedRow }> = [
  { label: 'State', wrapped: ['State'], x: 36, width: 40, key: 'state' },
  { label: 'County', wrapped: ['County'], x: 80, width: 80, key: 'county' },
  { label: 'Facility', wrapped: ['Facility'], x: 165, width: 190, key: 'facility' },
  { label: 'Citizenship', wrapped: ['Citizenship'], x: 360, width: 85, key: 'citizenship' },
  { label: 'Detainer Issued Date', wrapped: ['Detainer Issued', 'Date'], x: 450, width: 85, key: 'issued' },
  { label: 'Declined Date', wrapped: ['Declined', 'Date'], x: 540, width: 65, key: 'declined' },
  { label: 'Notable Criminal Activity', wrapped: ['Notable Criminal', 'Activity'], x: 610, width: 146, key: 'notable' },
];

export async function makeDdorPdf(out: string, report: DdorReport = sampleDdorReport(), layout: DdorLayout = {}): Promise<void> {
  const doc = new PDFDocument({ size: 'LETTER', layout: 'landscape', margin: MARGIN, info: { Title: 'Declined Detainer Outcome Report' } });
  const stream = doc.pipe(createWriteStream(out));
  const heading = (numeral: string, title: string) =>
    layout.headings === 'roman' ? `${numeral}. ${title}` : `Section ${numeral}: ${title}`;
  const { weekFrom, weekTo } = report;
  const titles = {
    I: `Highest Volume of Detainers Issued to Non-Cooperative Jurisdictions between ${weekFrom}, and ${weekTo}`,
    II: `Jurisdictions with Recorded Declined Detainers Broken Down by Individuals Released between ${weekFrom}, and ${weekTo}`,
    III: 'Table of Jurisdictions that have Enacted Policies which Limit Cooperation with ICE',
    IV: 'Report Scope and Data Fidelity',
  };
  const textWidth = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN - 24;
  let pageNumber = 1;
  // Pages are numbered at the foot, centred, as in the published reports.
  const footer = () => {
    doc
      .font('Helvetica')
      .fontSize(8)
      .text(String(pageNumber), 0, doc.page.height - MARGIN - 10, { width: doc.page.width, align: 'center' });
  };
  const newPage = () => {
    footer();
    doc.addPage({ size: 'LETTER', layout: 'landscape', margin: MARGIN });
    pageNumber++;
    return MARGIN;
  };
  let y = MARGIN;
  /** Wrapped text at y; y moves below it. */
  const paragraph = (text: string, x = MARGIN, width = textWidth) => {
    doc.text(text, x, y, { width });
    y = doc.y;
  };

  // Page 1: title, summary, the four sections listed.
  doc.font('Helvetica-Bold').fontSize(14).text('ENFORCEMENT AND REMOVAL OPERATIONS', MARGIN, y, { lineBreak: false });
  y += 18;
  doc.fontSize(13).text('Weekly Declined Detainer Outcome Report', MARGIN, y, { lineBreak: false });
  y += 17;
  doc
    .font('Helvetica')
    .fontSize(11)
    .text(`For Recorded Declined Detainers ${report.titleWeek ?? `${weekFrom} – ${weekTo}`}`, MARGIN, y, { lineBreak: false });
  y += 24;
  doc.font('Helvetica-Bold').fontSize(10).text('Summary', MARGIN, y, { lineBreak: false });
  y += 14;
  doc.font('Helvetica').fontSize(9);
  paragraph(
    'Pursuant to section 9(b) of Executive Order 13768, Enhancing Public Safety in the Interior of the United States, U.S. Immigration and ' +
      'Customs Enforcement (ICE) makes public the non-Federal jurisdictions that release aliens from their custody although those aliens are ' +
      'subject to a detainer issued by ICE. For each such release the report gives the individual’s citizenship, the detainer issued and ' +
      `declined dates, and notable criminal activity. ICE compiled this report from detainers recorded as declined between ${weekFrom}, and ` +
      `${weekTo}, regardless of detainer issuance date.`,
  );
  y += 8;
  paragraph(
    'Law enforcement agencies do not generally advise ICE when a detainer is not honored; this report holds the declined detainers ICE personnel became aware of.',
  );
  y += 8;
  paragraph('This report is comprised of four sections:');
  y += 4;
  for (const numeral of ['I', 'II', 'III', 'IV'] as const) {
    doc.text('•', MARGIN + 12, y, { lineBreak: false });
    paragraph(heading(numeral, titles[numeral]), MARGIN + 24, 520);
    y += 2;
  }

  // Section I: detainers *issued*; a parser must not read it.
  y = newPage();
  doc.font('Helvetica-Bold').fontSize(10);
  paragraph(heading('I', titles.I), MARGIN, 560);
  y += 6;
  const issuedTotal = report.issuedTotal ?? report.issuedTop10.reduce((sum, row) => sum + row.issued, 0);
  doc.font('Helvetica').fontSize(9);
  paragraph(
    `During the week of ${weekFrom}, through ${weekTo}, ICE issued ${issuedTotal.toLocaleString('en-US')} detainers throughout the United States. ` +
      'The table below lists the ten jurisdictions that restrict cooperation with ICE and were issued the most detainers; it counts detainers issued, not declined.',
  );
  y += 8;
  doc.font('Helvetica-Bold').fontSize(8);
  for (const [title, x] of [
    ['Rank', 36],
    ['County', 80],
    ['State', 240],
    ['Detainers Issued', 300],
  ] as const)
    doc.text(title, x, y, { lineBreak: false });
  y += LINE + 2;
  doc.font('Helvetica');
  report.issuedTop10.forEach((row, index) => {
    doc.text(String(index + 1), 36, y, { lineBreak: false });
    doc.text(row.jurisdiction, 80, y, { lineBreak: false });
    doc.text(row.state, 240, y, { lineBreak: false });
    doc.text(String(row.issued), 300, y, { lineBreak: false });
    y += LINE;
  });
  y += 16;

  // Section II: one row per declined detainer, across pages under a repeated header.
  doc.font('Helvetica-Bold').fontSize(10);
  for (const text of layout.sectionIIHeading ?? [heading('II', `${titles.II.slice(0, titles.II.lastIndexOf(' and '))}`), `and ${weekTo}`]) {
    doc.text(text, MARGIN, y, { lineBreak: false });
    y += 13;
  }
  y += 4;
  const headerLines = layout.headerLines ?? 1;
  const header = () => {
    doc.font('Helvetica-Bold').fontSize(8);
    for (const column of SECTION_II_COLUMNS) {
      const labels = headerLines === 2 ? column.wrapped : [column.label];
      const offset = layout.headerVAlign === 'middle' ? ((headerLines - labels.length) * LINE) / 2 : 0;
      labels.forEach((label, i) => {
        if (layout.centredHeaders) doc.text(label, column.x, y + offset + i * LINE, { width: column.width, align: 'center' });
        else doc.text(label, column.x, y + offset + i * LINE, { lineBreak: false });
      });
    }
    y += headerLines * LINE + 2;
    doc
      .moveTo(MARGIN, y - 3)
      .lineTo(doc.page.width - MARGIN, y - 3)
      .lineWidth(0.5)
      .stroke();
    doc.font('Helvetica').fontSize(8);
  };
  header();
  for (const row of report.declined) {
    const notableHeight = row.notable ? doc.heightOfString(row.notable, { width: 146 }) : LINE;
    const height = Math.max(LINE, Math.ceil(notableHeight / LINE) * LINE);
    if (y + height > bottom()) {
      y = newPage();
      header();
    }
    for (const column of SECTION_II_COLUMNS) {
      if (column.key === 'notable') doc.text(row.notable, column.x, y, { width: column.width });
      else doc.text(row[column.key], column.x, y, { lineBreak: false });
    }
    y += height;
  }
  doc
    .font('Helvetica-Bold')
    .fontSize(8)
    .text(`Total declined detainers recorded: ${report.printedTotal ?? report.declined.length}`, MARGIN, y + 4, { lineBreak: false });

  // Section III: policies; section IV: scope.
  y = newPage();
  doc.font('Helvetica-Bold').fontSize(10).text(heading('III', titles.III), MARGIN, y, { lineBreak: false });
  y += 15;
  doc.fontSize(8);
  const policyColumns = [
    ['Jurisdiction (AOR)', 36, 180],
    ['Date Enacted', 220, 70],
    ['Policy', 295, 250],
    ['Criteria for Honoring Detainer', 550, 206],
  ] as const;
  for (const [title, x] of policyColumns) doc.text(title, x, y, { lineBreak: false });
  y += LINE + 2;
  doc.font('Helvetica');
  for (const policy of report.policies) {
    const values = [policy.jurisdiction, policy.enacted, policy.policy, policy.criteria];
    let height = LINE;
    policyColumns.forEach(([, x, width], i) => {
      doc.text(values[i], x, y, { width });
      height = Math.max(height, doc.heightOfString(values[i], { width }));
    });
    y += height + 4;
  }
  y += 16;
  doc.font('Helvetica-Bold').fontSize(10).text(heading('IV', titles.IV), MARGIN, y, { lineBreak: false });
  y += 15;
  doc.font('Helvetica').fontSize(8);
  paragraph(
    'Declined detainers are counted in the week ICE recorded them as declined, whatever the date the detainer was issued. ' +
      'Data are from ICE systems of record and may be revised; jurisdictions with similar names may be misattributed. ' +
      'The first section lists detainers issued, not declined.',
  );
  footer();
  doc.end();
  await once(stream, 'finish');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outIndex = process.argv.indexOf('--out');
  const out = outIndex > 0 ? process.argv[outIndex + 1] : 'test/fixtures/releases/ddor-2017-02-04to02-10.pdf';
  await makeDdorPdf(out);
  console.log(out);
}
