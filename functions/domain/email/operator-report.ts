import type { ComposedEmail } from './composed-email';
import { headerText } from './composed-email';
import { escapeHtml as e } from './html';

export type OperatorReportKind = 'quarantine' | 'held' | 'low-resolution' | 'source-failing' | 'warnings';

export interface OperatorReportDetails {
  source: string;
  file?: string;
  reason: string;
  unresolved?: { name: string; declined: number }[];
  /** Parser warnings of an ingested release. */
  warnings?: string[];
}

const TITLE: Record<OperatorReportKind, string> = {
  quarantine: 'Release quarantined',
  held: 'Release held for review',
  'low-resolution': 'Too few detainers placed in a county',
  'source-failing': 'Source failing repeatedly',
  warnings: 'Release ingested with warnings',
};

const ACTION: Record<OperatorReportKind, string> = {
  quarantine: 'Nothing from this file was stored or sent to subscribers. Fix the parser or the file, then ingest it again.',
  held: 'The release was archived but not published to subscribers. Review it, then ingest it again.',
  'low-resolution': 'Nothing was sent to subscribers. Add aliases for the facilities below, then ingest the release again.',
  'source-failing': 'Polling continues on schedule; check the source address and its availability.',
  warnings:
    'The release was ingested and its changes go to subscribers. Check the warnings below; if one changes the counts, fix the file or the parser and ingest it again.',
};

/** A message for the operator only: subscribers never see quarantines, holds or failures. */
export function composeOperatorReport(kind: OperatorReportKind, details: OperatorReportDetails): ComposedEmail {
  const subject = headerText(`[detainer-watch] ${TITLE[kind]}: ${details.source}${details.file ? ` — ${details.file}` : ''}`);
  const unresolved = [...(details.unresolved ?? [])].sort((a, b) => b.declined - a.declined);
  const text = [
    `${TITLE[kind]}`,
    '',
    `Source: ${details.source}`,
    ...(details.file ? [`File:   ${details.file}`] : []),
    `Reason: ${details.reason}`,
    '',
    ACTION[kind],
    ...(unresolved.length
      ? ['', 'Unresolved facilities (declined detainers):', ...unresolved.map((u) => `  - ${u.name}: ${u.declined}`)]
      : []),
    ...(details.warnings?.length ? ['', 'Warnings:', ...details.warnings.map((w) => `  - ${w}`)] : []),
    '',
  ].join('\n');
  const row = (label: string, value: string) =>
    `<tr><td style="padding:2px 16px 2px 0;color:#6b7485;vertical-align:top;">${e(label)}</td><td style="padding:2px 0;">${e(value)}</td></tr>`;
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="margin:0;padding:24px;background:#ffffff;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;color:#1f2937;font-size:14px;line-height:1.5;">
<div style="font-size:18px;font-weight:bold;color:#9a3412;">${e(TITLE[kind])}</div>
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin-top:10px;font-size:14px;">
${row('Source', details.source)}
${details.file ? row('File', details.file) : ''}
${row('Reason', details.reason)}
</table>
<p>${e(ACTION[kind])}</p>
${details.warnings?.length ? `<div style="font-weight:bold;margin-top:12px;">Warnings</div><ul style="margin:4px 0;padding-left:20px;">${details.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul>` : ''}
${unresolved.length ? `<div style="font-weight:bold;margin-top:12px;">Unresolved facilities</div><table role="presentation" cellpadding="0" cellspacing="0" border="0" style="font-size:14px;">${unresolved.map((u) => `<tr><td style="padding:1px 16px 1px 0;">${e(u.name)}</td><td style="text-align:right;">${e(u.declined)}</td></tr>`).join('')}</table>` : ''}
</body></html>
`;
  return { subject, html, text, headers: {} };
}
