import { describe, expect, it } from 'vitest';
import { actionsOf, logicalId, statementsOf, synthesize } from './synthesize';

describe('Mail', () => {
  it('publishes bounces and complaints of the configuration set to the feedback topic', () => {
    // Act
    const { stack, template } = synthesize();

    // Assess
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: logicalId(stack, stack.mail.configurationSet) },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        SnsDestination: { TopicARN: { Ref: logicalId(stack, stack.mail.feedbackTopic) } },
      },
    });
  });

  it('grants ses:SendRawEmail only on the configured identity and the configuration set', () => {
    // Act
    const { stack, template } = synthesize({ sesIdentity: 'news.example.org' });

    // Assess
    const sends = statementsOf(template, stack, stack.notify.deliverer).filter((statement) =>
      actionsOf([statement]).includes('ses:SendRawEmail'),
    );
    expect(sends).toHaveLength(1);
    expect(actionsOf(sends)).toEqual(['ses:SendRawEmail']);
    const resources = JSON.stringify(sends[0].Resource);
    expect(resources).toContain(':identity/news.example.org');
    expect(resources).toContain(`:configuration-set/",{"Ref":"${logicalId(stack, stack.mail.configurationSet)}"}`);
    expect(sends[0].Resource).toHaveLength(2);
  });

  it('uses an identity given as an ARN as it is', () => {
    // Prepare
    const arn = 'arn:aws:ses:us-east-2:123456789012:identity/example.net';

    // Act
    const { stack, template } = synthesize({ sesIdentity: arn });

    // Assess
    const [send] = statementsOf(template, stack, stack.subscription.fn).filter((statement) =>
      actionsOf([statement]).includes('ses:SendRawEmail'),
    );
    expect(send.Resource).toContainEqual(arn);
  });
});
