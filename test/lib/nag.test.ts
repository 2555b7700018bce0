import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { defineDetainerWatch } from '../../lib/detainer-watch-app';
import { testApp } from './synthesize';

describe('cdk-nag', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'dw-nag-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('finds nothing unacknowledged in the AwsSolutions and Serverless packs', () => {
    // Prepare
    const app = testApp({}, outdir);
    defineDetainerWatch(app, join(outdir, 'no-stage-files'));

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).not.toThrow();
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations)).toEqual([]);
  });

  it('would report a finding that is not acknowledged', () => {
    // Prepare: a bucket without the archive's defaults
    const app = testApp({}, mkdtempSync(join(outdir, 'bad-')));
    const stack = defineDetainerWatch(app, join(outdir, 'no-stage-files'));
    new s3.Bucket(stack, 'Careless');

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).toThrow(/AwsSolutions-S1|Careless/);
  });
});
