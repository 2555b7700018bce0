import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT } from '../../functions/commons/environment';
import { type Resource, resourcesOf, synthesize } from './synthesize';

describe('DetainerFunction defaults', () => {
  let functions: Resource[];
  let template: ReturnType<typeof synthesize>['template'];

  beforeAll(() => {
    ({ template } = synthesize());
    functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
  });

  it('builds the seven steps', () => {
    // Assess
    expect(functions.map((fn) => fn.Properties.Description).sort()).toHaveLength(7);
    expect(functions.map((fn) => fn.Properties.Handler)).toEqual(Array(7).fill('index.handler'));
  });

  it('runs every function on ARM64, the newest Node runtime, with active tracing, explicit memory and timeout', () => {
    // Assess
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({ Architectures: ['arm64'], Runtime: 'nodejs24.x' });
      expect(fn.Properties.TracingConfig?.Mode ?? 'PassThrough').toBe('PassThrough');
      expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(256);
      expect(fn.Properties.Timeout).toBeGreaterThan(3);
    }
  });

  it('sets source maps and the Powertools environment, and the runtime config names from ENVIRONMENT', () => {
    // Assess
    for (const fn of functions) {
      const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
      expect(variables).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'detainer-watch',
        POWERTOOLS_METRICS_NAMESPACE: 'DetainerWatch/dev',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        [ENVIRONMENT.sender]: 'alerts@news.example.org',
        [ENVIRONMENT.operatorEmail]: 'ops@news.example.org',
        [ENVIRONMENT.topN]: '10',
      });
      expect(JSON.parse(variables[ENVIRONMENT.sources] as string)[0].name).toBe('ddp');
      expect(Object.keys(variables)).toEqual(
        expect.arrayContaining([
          ENVIRONMENT.tableName,
          ENVIRONMENT.archiveBucket,
          ENVIRONMENT.configurationSet,
          ENVIRONMENT.subscriptionUrl,
          ENVIRONMENT.tokenSecretArn,
        ]),
      );
    }
  });

  it('gives every function its own log group with the configured retention', () => {
    // Assess
    const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');
    expect(Object.values(logGroups).map((group) => group.Properties.RetentionInDays)).toEqual(Array(7).fill(90));
    for (const fn of functions) expect(Object.keys(logGroups)).toContain(fn.Properties.LoggingConfig.LogGroup.Ref);
  });

  it('attaches no AWS managed policy to the function roles', () => {
    // Assess
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });
});
