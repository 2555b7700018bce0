import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ENVIRONMENT } from '../functions/commons/environment';
import type { DeploymentConfig } from './config';
import { schedulePeriodFromExpression } from './config';
import type { DetainerFunctionProps } from './detainer-function';
import { Feedback } from './feedback';
import { INGEST_TIMEOUT, Ingest } from './ingest';
import { Mail } from './mail';
import { Notify } from './notify';
import { OperatorAlerts } from './operator-alerts';
import { Poll } from './poll';
import { RankingStore } from './ranking-store';
import { ReleaseArchive } from './release-archive';
import { Site } from './site';
import { Subscription } from './subscription';

export interface DetainerWatchStackProps extends StackProps {
  config: DeploymentConfig;
}

/**
 * The key of the SNS topics (operator alerts, SES feedback). CloudWatch alarms and SES publish to
 * the encrypted topics; the AWS-managed SNS key does not admit them. As in AWS's own examples, no
 * condition: the topics' policies already admit only this account.
 */
function snsTopicKey(scope: Construct, removalPolicy: RemovalPolicy): kms.Key {
  const topicKey = new kms.Key(scope, 'TopicKey', {
    description: 'detainer-watch SNS topics (operator alerts, SES feedback)',
    enableKeyRotation: true,
    removalPolicy,
  });
  topicKey.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com'), new iam.ServicePrincipal('ses.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
    }),
  );
  return topicKey;
}

/** What every function of the stage shares: its environment, metrics namespace, log level and retention. */
function functionSettings(
  config: DetainerWatchStackProps['config'],
  removalPolicy: RemovalPolicy,
  environment: Record<string, string>,
): Omit<DetainerFunctionProps, 'step' | 'description' | 'memorySize' | 'timeout'> {
  return {
    environment,
    metricsNamespace: `DetainerWatch/${config.stage}`,
    logLevel: config.logLevel,
    logRetention: config.logRetentionDays as logs.RetentionDays,
    removalPolicy,
  };
}

/** Settings and resource names every function may read; permissions are granted per function. */
function runtimeSettings(
  config: DetainerWatchStackProps['config'],
  store: RankingStore,
  archive: ReleaseArchive,
  mail: Mail,
): Record<string, string> {
  return {
    [ENVIRONMENT.sources]: JSON.stringify(config.sources),
    [ENVIRONMENT.sender]: config.sender,
    [ENVIRONMENT.operatorEmail]: config.operatorEmail,
    [ENVIRONMENT.topN]: String(config.topN),
    [ENVIRONMENT.minResolutionRate]: String(config.minResolutionRate),
    [ENVIRONMENT.maxTotalDrop]: String(config.maxTotalDrop),
    [ENVIRONMENT.sendRatePerSecond]: String(config.sendRatePerSecond),
    [ENVIRONMENT.deliveryBatchSize]: String(config.deliveryBatchSize),
    [ENVIRONMENT.deliveryConcurrency]: String(config.deliveryConcurrency),
    [ENVIRONMENT.deliverTimeoutSeconds]: String(config.deliverTimeoutSeconds),
    [ENVIRONMENT.tableName]: store.table.tableName,
    [ENVIRONMENT.archiveBucket]: archive.bucket.bucketName,
    [ENVIRONMENT.configurationSet]: mail.configurationSet.configurationSetName,
  };
}

/** The whole monitor, one construct per step of the flow: poll → archive → ingest → store → notify → SES, plus subscription and feedback. */
export class DetainerWatchStack extends Stack {
  readonly alerts: OperatorAlerts;
  readonly mail: Mail;
  readonly store: RankingStore;
  readonly archive: ReleaseArchive;
  readonly subscription: Subscription;
  readonly poll: Poll;
  readonly ingest: Ingest;
  readonly notify: Notify;
  readonly feedback: Feedback;
  readonly site: Site;

  constructor(scope: Construct, id: string, props: DetainerWatchStackProps) {
    super(scope, id, props);
    const { config } = props;
    const production = config.stage === 'prod';
    const removalPolicy = production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const topicKey = snsTopicKey(this, removalPolicy);

    this.alerts = new OperatorAlerts(this, 'OperatorAlerts', {
      operatorEmail: config.operatorEmail,
      metricsNamespace: `DetainerWatch/${config.stage}`,
      alarmPrefix: `detainer-watch-${config.stage}`,
      topicKey,
    });
    this.mail = new Mail(this, 'Mail', { identity: config.sesIdentity, topicKey });
    this.store = new RankingStore(this, 'Store', { protect: production });
    this.archive = new ReleaseArchive(this, 'Archive', { ingestTimeout: INGEST_TIMEOUT });

    const functionDefaults = (environment: Record<string, string>) => functionSettings(config, removalPolicy, environment);
    const runtimeEnvironment = runtimeSettings(config, this.store, this.archive, this.mail);

    this.subscription = new Subscription(this, 'Subscription', {
      stage: config.stage,
      store: this.store,
      mail: this.mail,
      alerts: this.alerts,
      removalPolicy,
      functionDefaults: functionDefaults(runtimeEnvironment),
    });
    const defaults = functionDefaults({
      ...runtimeEnvironment,
      [ENVIRONMENT.subscriptionUrl]: this.subscription.url.url,
      [ENVIRONMENT.tokenSecretArn]: this.subscription.tokenSecret.secretArn,
    });

    const periodMinutes = config.schedulePeriodMinutes ?? schedulePeriodFromExpression(config.schedule)!;
    this.poll = new Poll(this, 'Poll', {
      schedule: config.schedule,
      timeZone: config.timeZone,
      periodMinutes,
      store: this.store,
      archive: this.archive,
      mail: this.mail,
      alerts: this.alerts,
      functionDefaults: defaults,
    });
    this.ingest = new Ingest(this, 'Ingest', {
      store: this.store,
      archive: this.archive,
      mail: this.mail,
      alerts: this.alerts,
      functionDefaults: defaults,
    });
    this.notify = new Notify(this, 'Notify', {
      store: this.store,
      mail: this.mail,
      subscription: this.subscription,
      alerts: this.alerts,
      sendRatePerSecond: config.sendRatePerSecond,
      deliveryBatchSize: config.deliveryBatchSize,
      deliveryConcurrency: config.deliveryConcurrency,
      deliverTimeoutSeconds: config.deliverTimeoutSeconds,
      functionDefaults: defaults,
    });
    this.feedback = new Feedback(this, 'Feedback', { mail: this.mail, store: this.store, alerts: this.alerts, functionDefaults: defaults });
    this.site = new Site(this, 'Site', {
      store: this.store,
      alerts: this.alerts,
      subscriptionUrl: this.subscription.url,
      accessLogs: this.archive.accessLogs,
      metricsNamespace: `DetainerWatch/${config.stage}`,
      functionDefaults: defaults,
    });
  }
}
