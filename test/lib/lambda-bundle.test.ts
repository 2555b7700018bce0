import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleStep, type Step, staticallyLoaded } from '../../lib/lambda-bundle';

/** Packages (and project folders) whose code runs at start-up of a step, from the build's metafile. */
function startupInputs(metafile: Metafile): Set<string> {
  const inputs = new Set<string>();
  for (const file of staticallyLoaded(metafile)) {
    for (const input of Object.keys(metafile.outputs[file].inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input;
      inputs.add(name);
    }
  }
  return inputs;
}

describe('lambda bundles: what loads at cold start', { timeout: 120_000 }, () => {
  const outdir = mkdtempSync(join(tmpdir(), 'dw-split-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const build = (step: Step) => bundleStep(step, join(outdir, step));

  it("keeps the S3 and SES clients, nodemailer, the HTML parser and Secrets Manager out of poll's start-up: a no-change poll never runs them", () => {
    // Act
    const metafile = build('poll');
    const startup = startupInputs(metafile);

    // Assess
    for (const lazy of ['@aws-sdk/client-s3', '@aws-sdk/client-ses', '@aws-sdk/client-secrets-manager', 'nodemailer', 'htmlparser2'])
      expect(startup).not.toContain(lazy);
    expect(startup).toContain('@aws-sdk/client-dynamodb');
    expect(startup).toContain('functions/poll/handler.ts');
    // …but they are in the bundle, as chunks loaded on first use
    const all = new Set(Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs)));
    expect([...all].some((input) => input.includes('@aws-sdk/client-s3/'))).toBe(true);
    expect([...all].some((input) => input.includes('htmlparser2/'))).toBe(true);
  });

  it("keeps the release parsers, the resolver and the S3 client out of ingest's start-up, and ships the resolver data and pdf.js beside the code", () => {
    // Act
    const metafile = build('ingest');
    const startup = startupInputs(metafile);

    // Assess
    for (const lazy of [
      'functions/ingest/parsers/ddp.ts',
      'functions/ingest/parsers/ddor.ts',
      'functions/ingest/resolve/resolver.ts',
      '@aws-sdk/client-s3',
      'csv-parse',
      'yauzl',
    ])
      expect(startup).not.toContain(lazy);
    expect(existsSync(join(outdir, 'ingest', 'data', 'counties.json'))).toBe(true);
    expect(existsSync(join(outdir, 'ingest', 'node_modules', 'pdfjs-dist', 'legacy', 'build', 'pdf.worker.mjs'))).toBe(true);
    expect(Object.keys(metafile.outputs).some((file) => file.includes('pdfjs-dist'))).toBe(false);
  });

  it('rebuilds into an emptied folder, so no chunk of an earlier build is left behind to be deployed', () => {
    // Prepare
    mkdirSync(join(outdir, 'feedback'), { recursive: true });
    writeFileSync(join(outdir, 'feedback', 'chunk-STALE.mjs'), 'export {};');

    // Act
    const metafile = build('feedback');

    // Assess
    const written = Object.keys(metafile.outputs).map((file) => file.split('/').at(-1)!);
    expect(readdirSync(join(outdir, 'feedback')).sort()).toEqual(written.sort());
  });
});
