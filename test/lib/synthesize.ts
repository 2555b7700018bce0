import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import cdkJson from '../../cdk.json' with { type: 'json' };
import { DEFAULTS_CONTEXT_KEY, type DeploymentConfig, parseDeploymentConfig } from '../../lib/config';
import { DetainerWatchStack } from '../../lib/detainer-watch-stack';

/** The defaults of cdk.json, as `npm run synth` sees them. */
export const DEFAULTS = cdkJson.context[DEFAULTS_CONTEXT_KEY] as Record<string, unknown>;

export function testConfig(overrides: Record<string, unknown> = {}): DeploymentConfig {
  return parseDeploymentConfig({ ...DEFAULTS, sender: 'alerts@news.example.org', operatorEmail: 'ops@news.example.org', ...overrides });
}

/**
 * An app with cdk.json's context (feature flags and defaults: what `cdk synth` sees), no bundling,
 * and without CDK's built-in CloudFormation schema validation (30 s per synth on a busy 2-core machine).
 */
export function testApp(context: Record<string, unknown> = {}, outdir?: string): App {
  return new App({
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: false,
    ...(outdir ? { outdir } : {}),
  });
}

/** Synthesizes the stack without bundling (fast): the template of every construct test. */
export function synthesize(overrides: Record<string, unknown> = {}): { stack: DetainerWatchStack; template: Template } {
  const app = testApp();
  const config = testConfig(overrides);
  const stack = new DetainerWatchStack(app, `DetainerWatch-${config.stage}`, { config });
  return { stack, template: Template.fromStack(stack) };
}

/** The logical id of a construct's CloudFormation resource, to find it in a template. */
export function logicalId(stack: DetainerWatchStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as Parameters<DetainerWatchStack['getLogicalId']>[0]);
}

export type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** IAM statements of a function's role (its default policy). */
export function statementsOf(
  template: Template,
  stack: DetainerWatchStack,
  fn: { role?: unknown },
): { Action: string | string[]; Resource: unknown; Condition?: unknown }[] {
  const roleId = stack.getLogicalId(
    (fn.role as { node: { defaultChild: Parameters<DetainerWatchStack['getLogicalId']>[0] } }).node.defaultChild,
  );
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId),
  );
  return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

export function actionsOf(statements: { Action: string | string[] }[]): string[] {
  return [...new Set(statements.flatMap((statement) => [statement.Action].flat()))].sort();
}
