import {
  AssetHashType,
  type BundlingOptions,
  DockerImage,
  type Duration,
  type ILocalBundling,
  type RemovalPolicy,
  type Size,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { SERVICE_NAME } from '../functions/commons/powertools';
import { bundleStep, PROJECT_ROOT, type Step } from './lambda-bundle';
import { acknowledge } from './nag';

export { PROJECT_ROOT, type Step } from './lambda-bundle';

export interface DetainerFunctionProps {
  step: Step;
  description: string;
  memorySize: number;
  timeout: Duration;
  /** /tmp size for functions that keep a release on disk (default 512 MiB). */
  ephemeralStorage?: Size;
  /** Settings every function reads (the runtime config); resource names are added by the grants. */
  environment: Record<string, string>;
  metricsNamespace: string;
  logLevel: string;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
}

/**
 * Every Lambda of detainer-watch: ARM64 on the newest Node runtime, ESM code built locally by
 * esbuild (no Docker; `lib/lambda-bundle.ts`: code-split, so lazily imported clients and parsers
 * stay out of the cold start) with source maps, its own log group with retention, Powertools
 * settings. Defaults live here so each function states only what differs.
 */
export class DetainerFunction extends lambda.Function {
  readonly step: Step;
  /** The function's own role: grants and cdk-nag acknowledgements about them go here. */
  readonly executionRole: iam.Role;

  constructor(scope: Construct, id: string, props: DetainerFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: props.logRetention, removalPolicy: props.removalPolicy });
    // Own role instead of the AWSLambdaBasicExecutionRole managed policy: logs go to this log group only.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `detainer-watch ${props.step} function`,
    });
    super(scope, id, {
      code: lambda.Code.fromAsset(PROJECT_ROOT, {
        // Hash what was built, not the project folder (node_modules included).
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: local bundling either builds or throws, so Docker is not needed.
          image: DockerImage.fromRegistry('detainer-watch/no-docker-bundling'),
          local: new EsbuildBundling(props.step),
        },
      }),
      handler: 'index.handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ephemeralStorageSize: props.ephemeralStorage,
      // No X-Ray: capturing the SDK clients adds ~20 ms of init and ~125 KB to every bundle (measured),
      // against a 150 ms cold-start budget; the chain is followed through Powertools' structured logs
      // (release and change ids on every line), its metrics and the alarms (docs/operations.md).
      tracing: lambda.Tracing.DISABLED,
      logGroup,
      role,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
      },
    });
    this.step = props.step;
    this.executionRole = role;
    // The only `Resource: "*"` in the stack, where AWS requires it: the stream event sources add
    // dynamodb:ListStreams, which has no resource-level permissions. (Metrics need no cloudwatch:PutMetricData at all: Powertools
    // writes them to the log in embedded metric format.)
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'Only an action without resource-level permissions uses "*": dynamodb:ListStreams (stream event sources).',
    );
    acknowledge(
      this,
      'Serverless-LambdaTracing',
      'X-Ray is off on purpose: capturing the SDK clients costs ~20 ms of init and ~125 KB per bundle against a 150 ms cold-start budget; structured logs with release and change ids, metrics and alarms follow the chain.',
    );
    logGroup.grantWrite(role);
  }
}

/**
 * CDK's local bundling hook: builds the step with the project's own esbuild. `step` is a field so
 * that it is part of CDK's asset cache key (the functions must not share one bundle).
 */
class EsbuildBundling implements ILocalBundling {
  constructor(readonly step: Step) {}

  tryBundle(outputDir: string, _options: BundlingOptions): boolean {
    bundleStep(this.step, outputDir);
    return true;
  }
}
