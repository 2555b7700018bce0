import type { Deps } from '../commons/deps';
import type { OperatorReportDetails, OperatorReportKind } from '../domain/email';

export type { OperatorReportDetails, OperatorReportKind } from '../domain/email';

/**
 * Quarantines, held releases, low resolution and failing sources go to the operator only.
 * A failure to tell the operator is logged, never allowed to undo the step that found the problem.
 */
export async function reportToOperator(deps: Deps, kind: OperatorReportKind, details: OperatorReportDetails): Promise<void> {
  deps.count?.('OperatorReports');
  deps.log.warn('operator report', { kind, source: details.source, file: details.file, reason: details.reason });
  try {
    // Composition and MIME load only when there is something to report: poll and ingest rarely do.
    const [{ composeOperatorReport }, { buildMime }] = await Promise.all([import('../domain/email/operator-report'), import('./mime')]);
    const email = composeOperatorReport(kind, details);
    const raw = await buildMime(email, { from: deps.config.sender, to: deps.config.operatorEmail });
    await deps.mailer.sendRaw({ from: deps.config.sender, to: deps.config.operatorEmail, raw, html: email.html, subject: email.subject });
  } catch (error) {
    deps.log.error('operator report not sent', { kind, error: String(error) });
  }
}
