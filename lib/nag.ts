import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';

/** Acknowledges one cdk-nag finding on one construct, with the reason it is accepted. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * A dead-letter queue has no dead-letter queue of its own. cdk-nag recognises a DLQ only when another
 * queue's redrive policy names it; one fed by an event source or a Lambda destination needs saying.
 */
export function acknowledgeDeadLetterQueue(queue: sqs.IQueue, fedBy: 'queue redrive' | 'failure destination'): void {
  acknowledge(queue, 'Serverless-SQSRedrivePolicy', 'This queue is itself a dead-letter queue; there is nowhere further to redrive to.');
  if (fedBy === 'failure destination') {
    acknowledge(
      queue,
      'AwsSolutions-SQS3',
      'This queue is a dead-letter queue fed by failure destinations (Scheduler, Lambda, event source, SNS), which cdk-nag does not trace; an alarm fires on its first message.',
    );
  }
}

/** The logical id cdk-nag uses in finding ids such as `Resource::<TableXXXX.Arn>/index/*`. */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
}
