export type { ComposedEmail } from './composed-email';
export { headerText } from './composed-email';
export { composeAlert } from './alert';
export { composeAlreadySubscribed, composeConfirmation } from './confirmation';
export { composeWebhookDisabled } from './webhook-disabled';
export { composeOperatorReport } from './operator-report';
export type { OperatorReportKind, OperatorReportDetails } from './operator-report';
export { alertSubject } from './headline';
