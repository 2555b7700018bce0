import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { loadDeploymentConfig } from './config';
import { DetainerWatchStack } from './detainer-watch-stack';

/**
 * The app: one stack per stage (`DetainerWatch-<stage>`), environment-agnostic so `cdk synth`
 * needs no credentials or lookups, checked by cdk-nag on every synth.
 */
export function defineDetainerWatch(app: App, configDir?: string): DetainerWatchStack {
  const config = loadDeploymentConfig(app.node, configDir);
  const stack = new DetainerWatchStack(app, `DetainerWatch-${config.stage}`, {
    config,
    description: `detainer-watch (${config.stage}): declined-detainer release monitor`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return stack;
}
