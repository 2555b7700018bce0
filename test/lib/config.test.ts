import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULTS_CONTEXT_KEY,
  DeploymentConfigError,
  loadDeploymentConfig,
  parseDeploymentConfig,
  schedulePeriodFromExpression,
} from '../../lib/config';
import { DEFAULTS } from './synthesize';

describe('deployment config', () => {
  const folders: string[] = [];
  afterEach(() => folders.splice(0).forEach((folder) => rmSync(folder, { recursive: true, force: true })));

  function configFolder(files: Record<string, unknown>): string {
    const folder = mkdtempSync(join(tmpdir(), 'dw-config-'));
    folders.push(folder);
    for (const [name, content] of Object.entries(files))
      writeFileSync(join(folder, name), typeof content === 'string' ? content : JSON.stringify(content));
    return folder;
  }

  function errorOf(input: Record<string, unknown>): string {
    try {
      parseDeploymentConfig(input);
    } catch (error) {
      expect(error).toBeInstanceOf(DeploymentConfigError);
      return (error as Error).message;
    }
    throw new Error('expected the config to be refused');
  }

  it('accepts the cdk.json defaults and derives the SES identity from the sender', () => {
    // Act
    const config = parseDeploymentConfig({ ...DEFAULTS, sender: 'alerts@news.example.org' });

    // Assess
    expect(config.sesIdentity).toBe('news.example.org');
    expect(config.topN).toBe(10);
    expect(config.sources[0].name).toBe('ddp');
  });

  it.each([
    ['sender', { sender: undefined }, /config key "sender": missing/],
    ['sender', { sender: 'not-an-address' }, /config key "sender"/],
    ['operatorEmail', { operatorEmail: 'ops@' }, /config key "operatorEmail"/],
    ['schedule', { schedule: 'every hour' }, /config key "schedule": expected cron\(\.\.\.\) or rate/],
    ['timeZone', { timeZone: 'Mars/Olympus' }, /config key "timeZone": not an IANA time zone/],
    [
      'sources.0.url',
      { sources: [{ ...(DEFAULTS.sources as object[])[0], url: 'http://insecure.example.org/' }] },
      /config key "sources\.0\.url"/,
    ],
    [
      'sources.0.linkPattern',
      { sources: [{ ...(DEFAULTS.sources as object[])[0], linkPattern: '([' }] },
      /config key "sources\.0\.linkPattern": not a valid regular expression/,
    ],
    ['sources.0.parser', { sources: [{ ...(DEFAULTS.sources as object[])[0], parser: 'docx' }] }, /config key "sources\.0\.parser"/],
    ['topN', { topN: 'ten' }, /config key "topN"/],
    ['deliveryConcurrency', { deliveryConcurrency: 1 }, /config key "deliveryConcurrency"/],
    ['logRetentionDays', { logRetentionDays: 42 }, /config key "logRetentionDays": not a CloudWatch Logs retention period/],
    ['sesIdentity', { sesIdentity: 'arn:aws:s3:::bucket' }, /config key "sesIdentity"/],
    ['schedulePeriodMinutes', { schedule: 'cron(0 9 ? * MON-FRI *)' }, /config key "schedulePeriodMinutes": required/],
  ])('names the key %s when it is wrong or missing', (_key, change, message) => {
    // Act
    const error = errorOf({ ...DEFAULTS, sender: 'alerts@news.example.org', ...change });

    // Assess
    expect(error).toMatch(message);
    expect(error.split('\n')).toHaveLength(1);
  });

  it('refuses the example.com placeholders in production', () => {
    // Act
    const error = errorOf({ ...DEFAULTS, stage: 'prod' });

    // Assess
    expect(error).toMatch(/config key "sender": still the example.com placeholder/);
  });

  it('layers cdk.json defaults, then config/<stage>.json, then single -c keys', () => {
    // Prepare
    const folder = configFolder({
      'staging.json': { sender: 'alerts@staging.example.org', topN: 25, operatorEmail: 'file@staging.example.org' },
    });
    const app = new App({
      context: { [DEFAULTS_CONTEXT_KEY]: DEFAULTS, stage: 'staging', operatorEmail: 'cli@staging.example.org', topN: '15' },
    });

    // Act
    const config = loadDeploymentConfig(app.node, folder);

    // Assess
    expect(config).toMatchObject({
      stage: 'staging',
      sender: 'alerts@staging.example.org',
      operatorEmail: 'cli@staging.example.org',
      topN: 15,
      schedule: DEFAULTS.schedule,
    });
  });

  it('reads sources given as JSON text on the command line', () => {
    // Prepare
    const sources = [
      { name: 'table', url: 'https://www.ice.gov/statistics', linkPattern: '\\.xlsx$', allowedHosts: ['www.ice.gov'], parser: 'table' },
    ];
    const app = new App({ context: { [DEFAULTS_CONTEXT_KEY]: DEFAULTS, sources: JSON.stringify(sources) } });

    // Act
    const config = loadDeploymentConfig(app.node, configFolder({}));

    // Assess
    expect(config.sources.map((source) => source.name)).toEqual(['table']);
  });

  it('names the stage file when it is not JSON', () => {
    // Prepare
    const folder = configFolder({ 'dev.json': '{ sender: ' });
    const app = new App({ context: { [DEFAULTS_CONTEXT_KEY]: DEFAULTS } });

    // Act
    const load = () => loadDeploymentConfig(app.node, folder);

    // Assess
    expect(load).toThrow(/dev\.json: not valid JSON/);
  });

  it.each([
    ['cron(7 * * * ? *)', 60],
    ['cron(0 */6 * * ? *)', 360],
    ['cron(30 5 * * ? *)', 1440],
    ['rate(15 minutes)', 15],
    ['rate(2 hours)', 120],
    ['cron(0 9 ? * MON-FRI *)', undefined],
  ])('reads the period of %s', (expression, minutes) => {
    // Act
    const period = schedulePeriodFromExpression(expression);

    // Assess
    expect(period).toBe(minutes);
  });
});
