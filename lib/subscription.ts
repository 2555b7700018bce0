import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ENVIRONMENT } from '../functions/commons/environment';
import { DetainerFunction, type DetainerFunctionProps } from './detainer-function';
import type { Mail } from './mail';
import { acknowledge } from './nag';
import type { OperatorAlerts } from './operator-alerts';
import type { RankingStore } from './ranking-store';

/** Environment variable (subscription function only) naming the SSM parameter that holds its own URL. */

export interface SubscriptionProps {
  stage: string;
  store: RankingStore;
  mail: Mail;
  alerts: OperatorAlerts;
  removalPolicy: RemovalPolicy;
  functionDefaults: Omit<DetainerFunctionProps, 'step' | 'description' | 'memorySize' | 'timeout'>;
}

/**
 * Double opt-in confirmation and RFC 8058 one-click unsubscribe behind a public Function URL; tokens
 * are signed with an HMAC key generated into Secrets Manager. The operator adds an address by
 * invoking the function directly (IAM-only), which sends the confirmation mail.
 */
export class Subscription extends Construct {
  readonly fn: DetainerFunction;
  readonly url: lambda.FunctionUrl;
  readonly tokenSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: SubscriptionProps) {
    super(scope, id);
    this.tokenSecret = new secretsmanager.Secret(this, 'TokenSecret', {
      description: 'HMAC key of detainer-watch confirm and unsubscribe links',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.removalPolicy,
    });
    acknowledge(
      this.tokenSecret,
      'AwsSolutions-SMG4',
      'Rotating the HMAC key would break every confirm and one-click unsubscribe link already mailed (RFC 8058 links must keep working); rotate by hand if the key leaks.',
    );

    this.fn = new DetainerFunction(this, 'Function', {
      ...props.functionDefaults,
      step: 'subscription',
      description: 'Confirms and unsubscribes addresses (Function URL); adds one when the operator invokes it',
      memorySize: 512,
      timeout: Duration.seconds(15),
    });
    this.url = this.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    acknowledge(this.fn, 'Serverless-LambdaDLQ', 'Invoked synchronously (Function URL, operator CLI): the caller sees the error; there is no asynchronous event to park.');

    // The function cannot name its own URL in its environment (a cycle); it reads it from here once per container.
    const urlParameterName = `/detainer-watch/${props.stage}/subscription-url`;
    new ssm.StringParameter(this, 'UrlParameter', { parameterName: urlParameterName, stringValue: this.url.url, description: 'Base URL of the detainer-watch subscription endpoint' });
    this.fn.addEnvironment(ENVIRONMENT.subscriptionUrlParameter, urlParameterName);
    this.fn.addEnvironment(ENVIRONMENT.subscriptionUrl, '');
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: urlParameterName.slice(1), arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
      }),
    );

    props.store.bindTo(this.fn, 'readWrite');
    props.mail.grantSendTo(this.fn);
    this.grantTokenSecret(this.fn);
    props.alerts.whenFunctionFails(this, this.fn, 'subscription');

    new CfnOutput(Stack.of(this), 'SubscriptionUrl', { value: this.url.url, description: 'Public base URL of confirm and unsubscribe links' });
    new CfnOutput(Stack.of(this), 'SubscriptionFunctionName', { value: this.fn.functionName, description: 'Invoke with {"subscribe":"you@example.org"} to add a subscriber' });
  }

  grantTokenSecret(fn: lambda.Function): void {
    fn.addEnvironment(ENVIRONMENT.tokenSecretArn, this.tokenSecret.secretArn);
    this.tokenSecret.grantRead(fn);
  }
}
