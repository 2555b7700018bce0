import { beforeAll, describe, expect, it } from 'vitest';
import { logicalId, resourcesOf, synthesize } from './synthesize';

describe('Ingest', () => {
  let built: ReturnType<typeof synthesize>;

  beforeAll(() => {
    built = synthesize();
  });

  it('reads the release queue one release at a time, reporting partial failures', () => {
    // Assess
    built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(built.stack, built.stack.ingest.fn) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(built.stack, built.stack.archive.releaseQueue), 'Arn'] },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('has the memory, time and disk a full-size release needs', () => {
    // Assess
    const fn = resourcesOf(built.template, 'AWS::Lambda::Function')[logicalId(built.stack, built.stack.ingest.fn)];
    expect(fn.Properties).toMatchObject({ MemorySize: 1024, Timeout: 600, EphemeralStorage: { Size: 1024 } });
  });

  it('alarms on a quarantined release', () => {
    // Assess
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Quarantined',
      Namespace: 'DetainerWatch/dev',
      Dimensions: [{ Name: 'service', Value: 'detainer-watch' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });
});
