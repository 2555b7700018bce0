import { andMore, leaders, totalLine, unresolvedTotals } from './alert-condensed';
import type { AlertDocument, Fact, QuarterSection, TableRow } from './alert-document';
import { escapeHtml as e, isWebUrl } from './html';

/**
 * The HTML part. Table layout with inline styles and `width`/`bgcolor` attributes: that is what
 * every mail client (Outlook's Word engine included) lays out the same; the bar chart is table
 * cells with a background, so it shows with images blocked.
 */
export function renderAlertHtml(doc: AlertDocument): string {
  const first = doc.quarters[0];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${e(doc.subject)}</title>
<style>${NARROW}</style>
</head>
<body style="margin:0;padding:0;background:#eef1f5;">
<div style="display:none;max-height:0;overflow:hidden;">${e(doc.intro)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#eef1f5" style="background:#eef1f5;">
<tr><td class="dw-outer" align="center" style="padding:24px 8px;">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:640px;background:#ffffff;border:1px solid #d9dee7;border-radius:8px;${FONT}">
<tr><td class="dw-pad" bgcolor="#1d2b45" style="background:#1d2b45;padding:20px 20px;border-radius:8px 8px 0 0;">
<div style="font-size:12px;letter-spacing:1.5px;text-transform:uppercase;color:#9fb3d9;">detainer-watch · declined detainers</div>
<div style="font-size:22px;line-height:1.3;font-weight:bold;color:#ffffff;margin-top:6px;">${e(first ? first.heading : doc.subject)}</div>
${first?.headline.length ? `<div style="font-size:16px;line-height:1.4;color:#e6ecf7;margin-top:6px;">${first.headline.map(e).join('<br>')}</div>` : ''}
</td></tr>
<tr><td class="dw-pad" style="padding:16px 20px 0 20px;font-size:14px;line-height:1.5;color:#3d4759;">${e(doc.intro)}</td></tr>
${doc.quarters.map((q, i) => quarterHtml(q, i > 0)).join('\n')}
${unresolvedHtml(doc)}
${releaseHtml(doc)}
<tr><td class="dw-pad" style="padding:20px 20px 24px 20px;border-top:1px solid #e5e8ee;font-size:12px;line-height:1.6;color:#6b7485;">
Counts are ICE detainers that a local law-enforcement agency declined, per county and federal fiscal quarter (FY2017 Q1 = October–December 2016), ranked 1, 2, 2, 4 on ties.<br>
You receive this because ${e(doc.recipient.email)} subscribed to detainer-watch alerts (${e(doc.recipient.filters)}).<br>
${doc.preferencesUrl ? `<a href="${e(doc.preferencesUrl)}" style="color:#1d4ed8;">Manage preferences</a> · ` : ''}<a href="${e(doc.unsubscribeUrl)}" style="color:#1d4ed8;">Unsubscribe</a> with one click.
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

const FONT = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;";
const NUM = 'text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;';
/** Horizontal padding of the ranking table's cells: 4 px (was 6) is what lets its six columns fit a 360-375 px phone on inline styles alone. */
const PAD = '4px';
/** A name longer than its column breaks, even inside a word, rather than widening its table past a phone's screen. */
const WRAP = 'word-break:break-word;overflow-wrap:anywhere;';
/**
 * A soft hyphen: the two long headers may break at it on a phone instead of setting their
 * columns' least width. On a wide screen they show whole: the name column is always wider than
 * its header there, and the count column's 15% is wider than "Declined" from ~480 px up.
 */
const SHY = '\u00AD';
/**
 * Progressive enhancement for phones, in clients that honour a head `<style>` media query (Apple
 * Mail, Gmail's apps): slimmer margins and cell padding leave the names more room. Clients that
 * drop it (Outlook's Word engine, some webmail) get the inline styles, which alone keep every
 * table within a 375 px screen; test/notify/render.test.ts checks both.
 */
const NARROW =
  '@media only screen and (max-width:480px){' +
  '.dw-outer{padding:12px 0 !important}' +
  '.dw-pad{padding-left:12px !important;padding-right:12px !important}' +
  '.dw-rank th,.dw-rank td{padding-left:3px !important;padding-right:3px !important;letter-spacing:0 !important}' +
  '.dw-rank .dw-barbox td{padding:0 !important}' +
  '}';

const badge = (text: string, color: string, bg: string) =>
  `<span style="display:inline-block;font-size:11px;font-weight:bold;letter-spacing:0.5px;text-transform:uppercase;color:${color};background:${bg};border-radius:10px;padding:2px 8px;margin-left:6px;vertical-align:middle;">${e(text)}</span>`;

function quarterHtml(q: QuarterSection, repeatHeadline: boolean): string {
  if (q.detail === 'compact') return compactQuarterHtml(q);
  if (q.detail === 'line') return quarterLineHtml(q);
  return `<tr><td class="dw-pad" style="padding:24px 20px 0 20px;">
<div style="font-size:19px;font-weight:bold;color:#1d2b45;">${e(q.quarter)}${badge(q.kindLabel, '#1d4ed8', '#e0e9fb')}${q.partial ? badge('partial', '#9a3412', '#fde7d3') : ''}</div>
${repeatHeadline && q.headline.length ? `<div style="font-size:15px;font-weight:bold;color:#1f2937;margin-top:6px;">${q.headline.map(e).join('; ')}</div>` : ''}
<div style="font-size:13px;color:#6b7485;margin-top:4px;">${e(q.comparedWith)}</div>
${q.notes.map((n) => `<div style="font-size:13px;line-height:1.5;color:#7c2d12;background:#fff4e8;border-left:3px solid #f59e0b;padding:8px 12px;margin-top:10px;">${e(n)}</div>`).join('\n')}
${factsHtml(`Entered the top ${q.topN}`, q.entered, q.more?.entered)}
${factsHtml(`Left the top ${q.topN}`, q.left, q.more?.left)}
${factsHtml('Revised numbers', q.revised, q.more?.revised)}
${factsHtml('Retracted', q.retracted, q.more?.retracted)}
${factsHtml('Other moves', q.moved, q.more?.moved)}
${driversHtml(q.drivers, q.more?.drivers)}
${tableHtml(q)}
</td></tr>`;
}

/** A quarter after the headline one in a condensed alert: its #1, its biggest changes, its total. */
function compactQuarterHtml(q: QuarterSection): string {
  const list = (title: string, facts: Fact[], more = 0) =>
    facts.length + more === 0
      ? ''
      : `<div style="font-size:13px;line-height:1.5;color:#1f2937;margin-top:4px;"><b>${e(title)}:</b> ${[...facts.map((f) => `${e(f.name)} ${e(f.detail)}`), ...(more ? [e(andMore(more, '', ''))] : [])].join('; ')}</div>`;
  return `<tr><td class="dw-pad" style="padding:18px 20px 0 20px;">
<div style="font-size:16px;font-weight:bold;color:#1d2b45;">${e(q.quarter)}${badge(q.kindLabel, '#1d4ed8', '#e0e9fb')}${q.partial ? badge('partial', '#9a3412', '#fde7d3') : ''}</div>
${q.headline.length ? `<div style="font-size:14px;font-weight:bold;color:#1f2937;margin-top:4px;">${q.headline.map(e).join('; ')}</div>` : ''}
${list('#1', leaders(q))}
${list(`Entered the top ${q.topN}`, q.entered, q.more?.entered)}
${list(`Left the top ${q.topN}`, q.left, q.more?.left)}
${list('Revised', q.revised, q.more?.revised)}
${list('Retracted', q.retracted, q.more?.retracted)}
${list('Biggest moves', q.moved, q.more?.moved)}
<div style="font-size:13px;color:#3d4759;margin-top:4px;">${e(totalLine(q))}</div>
</td></tr>`;
}

function quarterLineHtml(q: QuarterSection): string {
  const lead = leaders(q)
    .map((f) => `${f.name} ${f.detail}`)
    .join(', ');
  return `<tr><td class="dw-pad" style="padding:8px 20px 0 20px;font-size:13px;line-height:1.5;color:#1f2937;"><b>${e(q.quarter)}</b> · ${e(q.kindLabel)}${q.partial ? ' · partial' : ''}${lead ? ` · #1 ${e(lead)}` : ''} · ${e(totalLine(q))}</td></tr>`;
}

function factsHtml(title: string, facts: Fact[], more = 0): string {
  if (facts.length + more === 0) return '';
  return `<div style="margin-top:14px;font-size:13px;font-weight:bold;color:#1d2b45;text-transform:uppercase;letter-spacing:0.5px;">${e(title)}</div>
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin-top:4px;font-size:14px;line-height:1.6;color:#1f2937;">
${facts.map((f) => `<tr><td style="padding:0 12px 0 0;${WRAP}">${e(f.name)}</td><td style="color:#3d4759;${NUM}text-align:left;">${e(f.detail)}</td></tr>`).join('\n')}${more ? `\n<tr><td colspan="2" style="color:#6b7485;">${e(andMore(more, '', ''))}</td></tr>` : ''}
</table>`;
}

/** Which facilities moved a jurisdiction: one wrapping line each, so long facility names fit a phone. */
function driversHtml(facts: Fact[], more = 0): string {
  if (facts.length + more === 0) return '';
  return `<div style="margin-top:14px;font-size:13px;font-weight:bold;color:#1d2b45;text-transform:uppercase;letter-spacing:0.5px;">Facilities behind the moves</div>
${facts.map((f) => `<div style="margin-top:4px;font-size:14px;line-height:1.5;color:#1f2937;${WRAP}"><b>${e(f.name)}</b>: ${e(f.detail)}</div>`).join('\n')}${more ? `\n<div style="color:#6b7485;font-size:13px;">${e(andMore(more, '', ''))}</div>` : ''}`;
}

function tableHtml(q: QuarterSection): string {
  const th = (text: string, align = 'left', style = '') =>
    `<th align="${align}" style="${style}padding:6px ${PAD};font-size:11px;font-weight:bold;text-transform:uppercase;letter-spacing:0.3px;color:#6b7485;border-bottom:2px solid #d9dee7;text-align:${align};">${e(text)}</th>`;
  return `<div style="margin-top:18px;font-size:13px;font-weight:bold;color:#1d2b45;text-transform:uppercase;letter-spacing:0.5px;">${e(q.tableTitle)}</div>
<table class="dw-rank" role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;margin-top:6px;border-collapse:collapse;font-size:14px;color:#1f2937;">
<tr>${th('#', 'right')}${th('Move', 'center')}${th(`Juris${SHY}diction`)}${th(`De${SHY}clined`, 'right', 'width:15%;')}${q.deltaLabel ? th(q.deltaLabel, 'right') : ''}${th('')}</tr>
${q.rows.map((row, i) => rowHtml(row, q.deltaLabel !== null, i % 2 === 1)).join('\n')}${q.more?.rows ? `\n<tr><td colspan="${q.deltaLabel ? 6 : 5}" style="padding:6px;color:#6b7485;font-size:13px;">${e(andMore(q.more.rows, 'row', 'rows'))}</td></tr>` : ''}
<tr>
<td colspan="3" style="padding:8px ${PAD};border-top:2px solid #d9dee7;font-weight:bold;">Total, all jurisdictions${q.partial ? ' (so far)' : ''}</td>
<td style="padding:8px ${PAD};border-top:2px solid #d9dee7;font-weight:bold;${NUM}">${e(q.total.after)}</td>
${q.deltaLabel ? `<td style="padding:8px ${PAD};border-top:2px solid #d9dee7;${NUM}">${q.total.before === null ? '' : deltaHtml(q.total.after - q.total.before, q.partial)}</td>` : ''}
<td style="padding:8px ${PAD};border-top:2px solid #d9dee7;font-size:12px;color:#6b7485;">${q.total.before === null ? '' : `${e(q.total.before)} ${e(q.total.beforeLabel ?? '')}`}</td>
</tr>
</table>`;
}

function rowHtml(row: TableRow, withDelta: boolean, shaded: boolean): string {
  const bg = shaded ? 'background:#f7f9fc;' : '';
  const cell = (content: string, style = '') =>
    `<td style="padding:6px ${PAD};border-bottom:1px solid #edf0f4;${bg}${style}">${content}</td>`;
  return `<tr>
${cell(e(row.rank), `${NUM}font-weight:bold;color:#1d2b45;`)}
${cell(moveHtml(row), 'text-align:center;white-space:nowrap;')}
${cell(`${e(row.name)}${row.rate ? `<br><span style="font-size:12px;color:#6b7485;">${e(row.rate.percent)} of ${e(row.rate.received)} received</span>` : ''}`, WRAP)}
${cell(e(row.declined), `${NUM}font-weight:bold;`)}
${withDelta ? cell(row.delta === null ? '' : deltaHtml(row.delta, false), NUM) : ''}
${cell(barHtml(row.barPercent), 'width:22%;')}
</tr>`;
}

function moveHtml(row: TableRow): string {
  switch (row.move) {
    case 'up':
      return `<span style="color:#c2410c;font-weight:bold;">&#9650;&nbsp;${e(row.places)}</span>`;
    case 'down':
      return `<span style="color:#0f766e;font-weight:bold;">&#9660;&nbsp;${e(row.places)}</span>`;
    case 'new':
      return `<span style="font-size:11px;font-weight:bold;text-transform:uppercase;color:#6d28d9;background:#ede9fe;border-radius:8px;padding:1px 6px;">new</span>`;
    case 'same':
      return `<span style="color:#9aa3b2;">&ndash;</span>`;
    default:
      return '';
  }
}

function deltaHtml(delta: number, partial: boolean): string {
  if (delta === 0) return `<span style="color:#9aa3b2;">0</span>`;
  if (delta < 0 && partial) return '';
  const color = delta > 0 ? '#c2410c' : '#0f766e';
  return `<span style="color:${color};">${delta > 0 ? '+' : '&minus;'}${e(Math.abs(delta))}</span>`;
}

/** A bar is a two-cell table: the filled cell's width is the row's share of the largest count. */
function barHtml(percent: number): string {
  const rest = Math.max(0, 100 - percent);
  return (
    `<table class="dw-barbox" role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;"><tr>` +
    `<td class="dw-bar" width="${percent}%" height="12" bgcolor="#4f6fae" style="width:${percent}%;height:12px;background:#4f6fae;border-radius:2px;font-size:0;line-height:0;">&nbsp;</td>` +
    (rest > 0 ? `<td width="${rest}%" style="width:${rest}%;font-size:0;line-height:0;">&nbsp;</td>` : '') +
    `</tr></table>`
  );
}

function unresolvedHtml(doc: AlertDocument): string {
  if (doc.unresolved.length === 0) return '';
  const { total, facilities } = unresolvedTotals(doc);
  return `<tr><td class="dw-pad" style="padding:24px 20px 0 20px;">
<div style="font-size:13px;font-weight:bold;color:#1d2b45;text-transform:uppercase;letter-spacing:0.5px;">Not placed in a county</div>
<div style="font-size:13px;color:#6b7485;margin-top:4px;">${e(total)} declined detainers at ${e(facilities)} ${facilities === 1 ? 'facility' : 'facilities'} could not be placed in a county; they are counted under the facility's own name. ${e(doc.resolution)} of this release's declined detainers were placed.</div>
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin-top:6px;font-size:14px;line-height:1.6;color:#1f2937;">
${doc.unresolved.map((u) => `<tr><td style="padding:0 12px 0 0;${WRAP}">${e(u.name)}${u.state ? `, ${e(u.state)}` : ''}</td><td style="${NUM}">${e(u.declined)}</td></tr>`).join('\n')}${doc.unresolvedMore ? `\n<tr><td colspan="2" style="color:#6b7485;">${e(andMore(doc.unresolvedMore.facilities, 'facility', 'facilities'))} (${e(doc.unresolvedMore.declined)} declined)</td></tr>` : ''}
</table>
</td></tr>`;
}

function releaseHtml(doc: AlertDocument): string {
  const r = doc.release;
  const link = (url: string, text: string) =>
    isWebUrl(url) ? `<a href="${e(url)}" style="color:#1d4ed8;word-break:break-all;">${e(text)}</a>` : e(text);
  const line = (label: string, value: string) =>
    `<tr><td style="padding:2px 16px 2px 0;color:#6b7485;white-space:nowrap;vertical-align:top;">${e(label)}</td><td style="padding:2px 0;">${value}</td></tr>`;
  return `<tr><td class="dw-pad" style="padding:24px 20px 20px 20px;">
<div style="font-size:13px;font-weight:bold;color:#1d2b45;text-transform:uppercase;letter-spacing:0.5px;">About this release</div>
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin-top:6px;font-size:13px;line-height:1.5;color:#1f2937;">
${line('Source', `${e(r.source)}: ${link(r.url, r.url)}`)}
${line('Published', e(r.published))}
${line('First seen', e(r.firstSeen))}
${line('Archived copy', link(r.archiveUrl, 'raw file as downloaded'))}
</table>
</td></tr>`;
}
