import { ArnFormat, CfnOutput, Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ENVIRONMENT } from '../functions/commons/environment';
import { SERVICE_NAME } from '../functions/commons/powertools';
import { SUBSCRIPTION_METRIC } from '../functions/subscription/request-guard';
import { DetainerFunction, type DetainerFunctionProps } from './detainer-function';
import type { Mail } from './mail';
import { acknowledge } from './nag';
import type { OperatorAlerts } from './operator-alerts';
import type { RankingStore } from './ranking-store';

/**
 * At most this many requests run at once: a flood is throttled (429 from the Function URL) instead of
 * scaling out into the bill and the SES quota; the form's rate limits stop a single client earlier.
 */
export const SUBSCRIPTION_CONCURRENCY = 5;

/** Refused form posts and links (bad tokens, rate limits, honeypot...) in five minutes that look like an attack. */
export const REJECTED_REQUESTS_ALARM_THRESHOLD = 50;

export interface SubscriptionProps {
  stage: string;
  store: RankingStore;
  mail: Mail;
  alerts: OperatorAlerts;
  removalPolicy: RemovalPolicy;
  functionDefaults: Omit<DetainerFunctionProps, 'step' | 'description' | 'memorySize' | 'timeout'>;
}

/**
 * The subscription form, double opt-in confirmation, RFC 8058 one-click unsubscribe and the
 * preferences page behind a Function URL (the site's CloudFront routes `/api/*` to it; see
 * docs/subscription.md for why not an HTTP API); links are signed with an HMAC key generated into
 * Secrets Manager. Reserved concurrency caps what a flood can cost; alarms tell the operator about
 * throttling and about many refused requests. The operator adds an address by invoking the
 * function directly (IAM-only), which sends the confirmation mail.
 */
export class Subscription extends Construct {
  readonly fn: DetainerFunction;
  readonly url: lambda.FunctionUrl;
  readonly tokenSecret: secretsmanager.Secret;
  readonly urlParameter: ssm.StringParameter;

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
    (this.fn.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = SUBSCRIPTION_CONCURRENCY;
    this.url = this.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    acknowledge(
      this.fn,
      'Serverless-LambdaDLQ',
      'Invoked synchronously (Function URL, operator CLI): the caller sees the error; there is no asynchronous event to park.',
    );

    this.urlParameter = this.urlParameterFor(props.stage);

    props.store.bindTo(this.fn, 'readWrite');
    props.mail.grantSendTo(this.fn);
    this.grantTokenSecret(this.fn);
    this.alarms(props);

    new CfnOutput(Stack.of(this), 'SubscriptionUrl', {
      value: this.url.url,
      description: 'Public base URL of confirm and unsubscribe links',
    });
    new CfnOutput(Stack.of(this), 'SubscriptionFunctionName', {
      value: this.fn.functionName,
      description: 'Invoke with {"subscribe":"you@example.org"} to add a subscriber',
    });
  }

  /**
   * The function cannot name its own URL in its environment (a cycle): it reads it from this
   * parameter once per container.
   */
  private urlParameterFor(stage: string): ssm.StringParameter {
    const urlParameterName = `/detainer-watch/${stage}/subscription-url`;
    const parameter = new ssm.StringParameter(this, 'UrlParameter', {
      parameterName: urlParameterName,
      stringValue: this.url.url,
      description: 'Base URL of the detainer-watch subscription endpoint',
    });
    this.fn.addEnvironment(ENVIRONMENT.subscriptionUrlParameter, urlParameterName);
    this.fn.addEnvironment(ENVIRONMENT.subscriptionUrl, '');
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [
          Stack.of(this).formatArn({
            service: 'ssm',
            resource: 'parameter',
            resourceName: urlParameterName.slice(1),
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      }),
    );
    return parameter;
  }

  /** The function's errors, its concurrency cap reached, and many refused requests. */
  private alarms(props: SubscriptionProps): void {
    props.alerts.whenFunctionFails(this, this.fn, 'subscription');
    props.alerts.alarm(this, 'ThrottlesAlarm', 'subscription-throttled', {
      metric: this.fn.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      alarmDescription: `The subscription endpoint hit its cap of ${SUBSCRIPTION_CONCURRENCY} concurrent requests: a flood, or more visitors than planned. Requests past the cap got HTTP 429.`,
    });
    props.alerts.alarm(this, 'RejectedRequestsAlarm', 'subscription-rejected', {
      metric: new cloudwatch.Metric({
        namespace: props.functionDefaults.metricsNamespace,
        metricName: SUBSCRIPTION_METRIC.rejected,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
      }),
      threshold: REJECTED_REQUESTS_ALARM_THRESHOLD,
      alarmDescription:
        'Many subscription requests were refused (rate limits, forged tokens, honeypot, bad input): see the log lines "subscription request rejected" for the reasons.',
    });
  }

  /**
   * Links and the form's allowed Origin use this URL (the site's `https://<domain>/api` behind
   * CloudFront) instead of the Function URL. Kept in the SSM parameter, not the environment, so the
   * distribution can depend on the Function URL without a cycle.
   */
  usePublicUrl(url: string): void {
    (this.urlParameter.node.defaultChild as ssm.CfnParameter).value = url;
  }

  grantTokenSecret(fn: lambda.Function): void {
    fn.addEnvironment(ENVIRONMENT.tokenSecretArn, this.tokenSecret.secretArn);
    this.tokenSecret.grantRead(fn);
  }
}
