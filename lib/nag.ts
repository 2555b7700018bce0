import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';

/** Acknowledges one cdk-nag finding on one construct, with the reason it is accepted. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

export function acknowledgeDeadLetterQueue(queue: sqs.IQueue): void {
  acknowledge(queue, 'AwsSolutions-SQS3', 'This queue is itself a dead-letter queue: its messages wait for the operator, and an alarm fires on the first one.');
  acknowledge(queue, 'Serverless-SQSRedrivePolicy', 'This queue is itself a dead-letter queue; there is nowhere further to redrive to.');
}

/** The logical id cdk-nag uses in finding ids such as `Resource::<TableXXXX.Arn>/index/*`. */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
}
