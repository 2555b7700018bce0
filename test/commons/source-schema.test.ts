import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENVIRONMENT } from '../../functions/commons/environment';
import { configFromEnvironment } from '../../functions/composition/lambda-root';
import { loadLocalConfig } from '../../local/runtime';

const demo = {
  name: 'mine',
  url: 'http://127.0.0.1:9/data.html',
  linkPattern: '\\.xlsx$',
  allowedHosts: ['127.0.0.1'],
  parser: 'ddp',
  allowLoopback: true,
};

/** One source schema for the Lambda environment and local config.json; only local mode may allow loopback. */
describe('source configuration read as data', () => {
  const saved = process.env[ENVIRONMENT.sources];
  afterEach(() => {
    if (saved === undefined) delete process.env[ENVIRONMENT.sources];
    else process.env[ENVIRONMENT.sources] = saved;
  });

  it('drops allowLoopback from a Lambda SOURCES variable, so a deployed poll never reaches loopback', () => {
    // Prepare
    process.env[ENVIRONMENT.sources] = JSON.stringify([demo]);
    // Act
    const config = configFromEnvironment();
    // Assess
    expect(config.sources[0]).toEqual({
      name: 'mine',
      url: demo.url,
      linkPattern: demo.linkPattern,
      allowedHosts: demo.allowedHosts,
      parser: 'ddp',
    });
  });

  it('names the key of a wrong Lambda SOURCES value', () => {
    // Prepare
    process.env[ENVIRONMENT.sources] = JSON.stringify([{ ...demo, parser: 'xls' }]);
    // Act / Assess
    expect(() => configFromEnvironment()).toThrow(/^environment: sources\.0\.parser: /);
  });

  it('keeps allowLoopback in local config.json and names the key of a wrong value', async () => {
    // Prepare
    const home = await mkdtemp(join(tmpdir(), 'dw-config-'));
    try {
      await writeFile(join(home, 'config.json'), JSON.stringify({ sources: [demo] }));
      // Act
      const config = await loadLocalConfig(home);
      await writeFile(join(home, 'config.json'), JSON.stringify({ sources: [{ ...demo, name: 'Bad Name' }] }));
      // Assess
      expect(config.sources.find((s) => s.name === 'mine')?.allowLoopback).toBe(true);
      await expect(loadLocalConfig(home)).rejects.toThrow(/config\.json: sources\.0\.name: lower-case letters/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
