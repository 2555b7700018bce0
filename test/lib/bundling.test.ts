import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cdkJson from '../../cdk.json' with { type: 'json' };
import { PROJECT_ROOT } from '../../lib/detainer-function';
import { DetainerWatchStack } from '../../lib/detainer-watch-stack';
import { logicalId, resourcesOf, testConfig } from './synthesize';

/**
 * Upload and deploy size, not cold start: what a cold start parses is index.mjs and its static
 * imports (measured by the bench's bundles section); the rest are chunks read on first use. The
 * parsers (Parquet, CSV, XLSX, PDF), the resolver and the county list for the form put ingest and
 * subscription past 1 MB.
 */
const MAX_BUNDLE_BYTES = 1.25 * 1024 * 1024;

/** What a Lambda environment gives a bundle at import (no AWS call is made). */
const BUNDLE_ENV = {
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'table',
  ARCHIVE_BUCKET: 'bucket',
  SOURCES: '[]',
  TOP_N: '10',
  SENDER_ADDRESS: 'a@example.org',
  OPERATOR_EMAIL: 'o@example.org',
};

/** The one synth with real esbuild bundling: slow, so every bundle check shares it. */
describe('bundled functions', { timeout: 600_000 }, () => {
  const outdir = mkdtempSync(join(tmpdir(), 'dw-bundle-'));
  let bundles: Record<string, string>;

  beforeAll(() => {
    const app = new App({ outdir, context: cdkJson.context, builtinCloudFormationValidation: false });
    const stack = new DetainerWatchStack(app, 'DetainerWatch-bundling', { config: testConfig() });
    const assembly = app.synth();
    const template = Template.fromJSON(assembly.getStackByName(stack.stackName).template);
    const functions = resourcesOf(template, 'AWS::Lambda::Function');
    const { poll, ingest, notify, subscription, feedback, site } = stack;
    bundles = Object.fromEntries(
      Object.entries({
        poll: poll.fn,
        ingest: ingest.fn,
        notify: notify.planner,
        deliver: notify.deliverer,
        subscription: subscription.fn,
        feedback: feedback.fn,
        site: site.fn,
      }).map(([step, fn]) => {
        const key = functions[logicalId(stack, fn)].Properties.Code.S3Key as string;
        return [step, join(outdir, `asset.${key.replace(/\.zip$/, '')}`)];
      }),
    );
  }, 600_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const codeFiles = (step: string) => readdirSync(bundles[step]).filter((file) => file.endsWith('.mjs'));

  it.each(['poll', 'ingest', 'notify', 'deliver', 'subscription', 'feedback', 'site'])(
    'bundles %s as minified ESM files of at most 1.25 MB in all, each with its source map',
    (step) => {
      // Assess
      const files = codeFiles(step);
      expect(files).toContain('index.mjs');
      expect(files.length).toBeGreaterThan(1);
      const total = files.reduce((sum, file) => sum + statSync(join(bundles[step], file)).size, 0);
      expect(total).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
      for (const file of files) {
        expect(existsSync(join(bundles[step], `${file}.map`))).toBe(true);
        expect(readFileSync(join(bundles[step], file), 'utf8')).toMatch(/^import\{createRequire as __detainerRequire\}from'node:module';/);
      }
    },
  );

  it.each(['poll', 'ingest', 'notify', 'deliver', 'subscription', 'feedback', 'site'])(
    'loads the %s bundle, finds its handler, and every lazily loaded chunk resolves',
    (step) => {
      // Act: the handler first, then every chunk (what the first invocations would load)
      const chunks = codeFiles(step).filter((file) => file !== 'index.mjs');
      const output = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(join(bundles[step], 'index.mjs'))}); let loaded = 0; for (const chunk of ${JSON.stringify(chunks)}) { await import(${JSON.stringify(`${bundles[step]}/`)} + chunk); loaded++; } console.log(typeof m.handler, loaded);`,
        ],
        { env: { ...process.env, ...BUNDLE_ENV }, encoding: 'utf8' },
      );

      // Assess
      expect(output.trim().split('\n').at(-1)).toBe(`function ${chunks.length}`);
    },
  );

  it('ships the resolver data next to the ingest bundle', () => {
    // Prepare
    const source = join(PROJECT_ROOT, 'functions/ingest/resolve/data');

    // Assess
    expect(existsSync(source)).toBe(true);
    for (const file of ['counties.json', 'places.json']) expect(existsSync(join(bundles.ingest, 'data', file))).toBe(true);
    expect(existsSync(join(bundles.poll, 'data'))).toBe(false);
  });

  it("reads a DDOR PDF with the ingest bundle's own parser and resolver chunks: Travis County, TX counts 41", () => {
    // Prepare: find the chunks the first ingest would load, by what they export
    const fixture = join(PROJECT_ROOT, 'test/fixtures/releases/ddor-2017-02-04to02-10.pdf');
    const probe = join(bundles.ingest, 'probe-chunks.mjs');
    writeFileSync(
      probe,
      `import { readdirSync } from 'node:fs';
let parseRelease, createResolver;
for (const file of readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.mjs') && f !== 'probe-chunks.mjs' && f !== 'probe.mjs')) {
  const m = await import('./' + file);
  parseRelease ??= m.parseRelease;
  createResolver ??= m.createResolver;
}
const resolver = createResolver();
const counts = new Map();
await parseRelease(${JSON.stringify(fixture)}, 'ddor', (o) => {
  const { jurisdiction } = resolver.resolve(o.place);
  const key = jurisdiction.kind === 'county' ? jurisdiction.fips : 'unresolved';
  counts.set(key, (counts.get(key) ?? 0) + o.count);
});
console.log(counts.get('48453'));`,
    );

    // Act
    const output = execFileSync(process.execPath, [probe], { encoding: 'utf8', env: { ...process.env, ...BUNDLE_ENV } });

    // Assess
    expect(output.trim().split('\n').at(-1)).toBe('41');
  });

  it('ships pdf.js and its worker so the ingest bundle reads a DDOR PDF without a native canvas', () => {
    // Prepare: the bundle first (it supplies DOMMatrix), then pdf.js resolved from the bundle's folder
    const fixture = join(PROJECT_ROOT, 'test/fixtures/releases/ddor-2017-02-04to02-10.pdf');
    const probe = join(bundles.ingest, 'probe.mjs');
    writeFileSync(
      probe,
      `await import('./index.mjs');
const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
const { readFileSync } = await import('node:fs');
const doc = await getDocument({ data: new Uint8Array(readFileSync(${JSON.stringify(fixture)})) }).promise;
let text = '';
for (let n = 1; n <= doc.numPages; n++) text += (await (await doc.getPage(n)).getTextContent()).items.map((item) => item.str).join(' ');
console.log(doc.numPages, text.split('Travis').length - 1);`,
    );

    // Act
    const output = execFileSync(process.execPath, [probe], { encoding: 'utf8', env: { ...process.env, ...BUNDLE_ENV } });

    // Assess
    const [pages, travis] = output.trim().split('\n').at(-1)!.split(' ').map(Number);
    expect(pages).toBeGreaterThan(1);
    expect(travis).toBeGreaterThanOrEqual(41);
    expect(statSync(join(bundles.ingest, 'node_modules/pdfjs-dist/legacy/build/pdf.worker.mjs')).size).toBeGreaterThan(100_000);
  });
});
