import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { SERVICE_NAME } from '../functions/commons/powertools';
import { acknowledge } from './nag';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The steps, each a folder `functions/<step>/` with a thin `handler.ts`. */
export type Step = 'poll' | 'ingest' | 'notify' | 'deliver' | 'subscription' | 'feedback';

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
  /** Extra files next to the bundle (run after esbuild, from the project root). */
  afterBundling?: (inputDir: string, outputDir: string) => string[];
  /** Packages left out of the bundle (the afterBundling hook must ship them). */
  externalModules?: string[];
}

/**
 * Every Lambda of detainer-watch: ARM64 on the newest Node runtime, an ESM bundle built locally by
 * esbuild (no Docker) with source maps, its own log group with retention, Powertools settings and
 * X-Ray tracing. Defaults live here so each function states only what differs.
 */
export class DetainerFunction extends NodejsFunction {
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
      entry: join(PROJECT_ROOT, 'functions', props.step, 'handler.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ephemeralStorageSize: props.ephemeralStorage,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        // Stack traces need file and line, not the sources: a map without them is a fraction of
        // the size, and Node parses the whole map at start-up under --enable-source-maps.
        sourcesContent: false,
        // The SDK is bundled: the pinned, tested client versions (timeouts, retry settings) rather than the runtime's.
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        // CommonJS dependencies call require() for Node built-ins, which an ESM bundle lacks.
        banner: "import{createRequire as __detainerRequire}from'node:module';const require=__detainerRequire(import.meta.url);",
        externalModules: props.externalModules ?? [],
        forceDockerBundling: false,
        commandHooks: props.afterBundling ? afterBundlingOnly(props.afterBundling) : undefined,
      },
    });
    this.step = props.step;
    this.executionRole = role;
    // The only `Resource: "*"` in the stack, where AWS requires it: tracing adds xray:PutTraceSegments
    // and xray:PutTelemetryRecords, and notify's stream event source adds dynamodb:ListStreams; none
    // has resource-level permissions. (Metrics need no cloudwatch:PutMetricData at all: Powertools
    // writes them to the log in embedded metric format.)
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', 'Only actions without resource-level permissions use "*": xray:PutTraceSegments/PutTelemetryRecords (active tracing) and, for notify, dynamodb:ListStreams (stream event source).');
    logGroup.grantWrite(role);
  }
}

function afterBundlingOnly(afterBundling: (inputDir: string, outputDir: string) => string[]): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling,
  };
}
