import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENVIRONMENT } from '../functions/commons/environment';

export interface MailProps {
  /** Verified SES identity: ARN, domain or email address. */
  identity: string;
  /** Customer-managed key for the feedback topic (SES cannot publish under the AWS-managed SNS key). */
  topicKey: kms.IKey;
}

/**
 * Sending through an existing, verified SES identity (verification stays outside the stack: it
 * needs DNS records or a click). A configuration set publishes bounces and complaints to an SNS
 * topic that feedback turns into suppressions.
 */
export class Mail extends Construct {
  readonly identityArn: string;
  readonly configurationSet: ses.ConfigurationSet;
  readonly configurationSetArn: string;
  readonly feedbackTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.identityArn = props.identity.startsWith('arn:')
      ? props.identity
      : stack.formatArn({ service: 'ses', resource: 'identity', resourceName: props.identity, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    this.feedbackTopic = new sns.Topic(this, 'FeedbackTopic', {
      displayName: 'detainer-watch SES bounces and complaints',
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', { reputationMetrics: true });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(this.feedbackTopic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    this.configurationSetArn = Arn.format(
      {
        service: 'ses',
        resource: 'configuration-set',
        resourceName: this.configurationSet.configurationSetName,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      },
      stack,
    );
  }

  /** `ses:SendRawEmail` on this identity and this configuration set only; sets the configuration set name. */
  grantSendTo(fn: lambda.Function): void {
    fn.addEnvironment(ENVIRONMENT.configurationSet, this.configurationSet.configurationSetName);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ses:SendRawEmail'], resources: [this.identityArn, this.configurationSetArn] }));
  }
}
