import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT } from '../../functions/commons/environment';
import { logicalId, resourcesOf, synthesize } from './synthesize';

describe('Notify fan-out', () => {
  let built: ReturnType<typeof synthesize>;

  beforeAll(() => {
    built = synthesize({ sendRatePerSecond: 14, deliveryConcurrency: 2, deliveryBatchSize: 40 });
  });

  it('drives the planner from change inserts on the stream, bisecting and bounding retries, with an on-failure queue', () => {
    // Assess
    const planner = logicalId(built.stack, built.stack.notify.planner);
    const mapping = Object.values(resourcesOf(built.template, 'AWS::Lambda::EventSourceMapping')).find(
      (m) => m.Properties.FunctionName.Ref === planner,
    )!;
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [logicalId(built.stack, built.stack.store.table), 'StreamArn'] },
      StartingPosition: 'LATEST',
      BatchSize: 10,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(built.stack, built.stack.notify.streamDeadLetters), 'Arn'] } },
      },
    });
    expect(JSON.parse(mapping.Properties.FilterCriteria.Filters[0].Pattern)).toEqual({
      eventName: ['INSERT'],
      dynamodb: { NewImage: { sk: { S: ['CHANGE'] } } },
    });
  });

  it('tells the planner where the batches go and how large they are', () => {
    // Assess
    const planner = resourcesOf(built.template, 'AWS::Lambda::Function')[logicalId(built.stack, built.stack.notify.planner)];
    expect(planner.Properties.Environment.Variables).toMatchObject({
      [ENVIRONMENT.deliveryQueueUrl]: { Ref: logicalId(built.stack, built.stack.notify.deliveryQueue) },
      DELIVERY_BATCH_SIZE: '40',
    });
  });

  it('caps delivery concurrency and splits the SES rate between the concurrent deliveries', () => {
    // Assess
    const deliverer = logicalId(built.stack, built.stack.notify.deliverer);
    built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: deliverer },
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const fn = resourcesOf(built.template, 'AWS::Lambda::Function')[deliverer];
    expect(fn.Properties.Environment.Variables[ENVIRONMENT.sendRatePerSecond]).toBe('7');
    expect(fn.Properties.Timeout).toBe(120);
  });

  it('parks a batch that fails five times in the delivery dead-letter queue', () => {
    // Assess
    const queue = resourcesOf(built.template, 'AWS::SQS::Queue')[logicalId(built.stack, built.stack.notify.deliveryQueue)];
    expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
    expect(queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]).toBe(
      logicalId(built.stack, built.stack.notify.deliveryDeadLetters),
    );
    expect(queue.Properties.VisibilityTimeout).toBe(720);
  });
});
