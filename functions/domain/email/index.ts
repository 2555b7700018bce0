export { composeAlert } from './alert';
export type { ComposedEmail } from './composed-email';
export { headerText } from './composed-email';
export { composeAlreadySubscribed, composeConfirmation } from './confirmation';
export { alertSubject } from './headline';
export type { OperatorReportDetails, OperatorReportKind } from './operator-report';
export { composeOperatorReport } from './operator-report';
