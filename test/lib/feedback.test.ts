import { describe, expect, it } from 'vitest';
import { logicalId, resourcesOf, synthesize } from './synthesize';

describe('Feedback', () => {
  it('subscribes the feedback function to the SES topic with a redrive to its dead-letter queue', () => {
    // Act
    const { stack, template } = synthesize();

    // Assess
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: logicalId(stack, stack.mail.feedbackTopic) },
      Endpoint: { 'Fn::GetAtt': [logicalId(stack, stack.feedback.fn), 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack, stack.feedback.deadLetters), 'Arn'] } },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(stack, stack.feedback.fn) },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(stack, stack.feedback.deadLetters), 'Arn'] } } },
    });
  });

  it('encrypts both topics with the rotating customer key that SES and CloudWatch may use', () => {
    // Act
    const { template } = synthesize();

    // Assess
    const [keyId, key] = Object.entries(resourcesOf(template, 'AWS::KMS::Key'))[0];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const services = key.Properties.KeyPolicy.Statement.flatMap((statement: { Principal: { Service?: string | string[] } }) =>
      [statement.Principal.Service ?? []].flat(),
    );
    expect(services.sort()).toEqual(['cloudwatch.amazonaws.com', 'ses.amazonaws.com']);
    for (const topic of Object.values(resourcesOf(template, 'AWS::SNS::Topic')))
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });
});
