export type { ComposedEmail } from './composed-email';
export { headerText } from './composed-email';
export { composeAlert } from './alert';
export { composeConfirmation } from './confirmation';
export { composeOperatorReport } from './operator-report';
export type { OperatorReportKind, OperatorReportDetails } from './operator-report';
export { alertSubject } from './headline';
