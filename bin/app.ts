import { App } from 'aws-cdk-lib';
import { DeploymentConfigError } from '../lib/config';
import { defineDetainerWatch } from '../lib/detainer-watch-app';

const app = new App();
try {
  defineDetainerWatch(app);
} catch (error) {
  if (!(error instanceof DeploymentConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
app.synth();
