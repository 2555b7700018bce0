import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseKey } from '../../functions/archive/release-key';
import type { ReleaseFormat } from '../../functions/domain/release';
import { ingestRelease } from '../../functions/ingest/ingest';
import { makeDdorPdf, sampleDdorReport } from '../../scripts/make-ddor-fixture';
import { openPipeline, type Pipeline } from '../reliability/pipeline';
import { sesMessages, uniqueName, useEmulators } from '../support/emulators';

/**
 * Parser warnings reach someone: an ingested release carries them in its report, the log, a
 * metric and one operator report; a fault (a DDOR whose printed total disagrees with its rows)
 * quarantines the release instead (docs/data-formats.md, "Warnings").
 */
describe('parser warnings and faults through ingest', () => {
  const emulators = useEmulators();
  let pipeline: Pipeline;
  const tag = uniqueName('warnings');
  const operator = `operator+${tag}@detainer-watch.local`;
  const metrics: Array<[string, number | undefined]> = [];

  beforeAll(async () => {
    pipeline = await openPipeline({
      endpoints: emulators.endpoints,
      tableName: emulators.tableName,
      bucket: emulators.bucket,
      workDir: emulators.workDir,
      tag,
      config: { minResolutionRate: 0 },
    });
    pipeline.deps.count = (metric, value) => void metrics.push([metric, value]);
  });

  afterAll(() => pipeline?.destroy());

  async function ingestFile(source: string, file: string, format: ReleaseFormat, extension: string) {
    const bytes = await readFile(file);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const key = releaseKey(source, sha256, extension);
    await pipeline.deps.archive.putFile(key, file, { sha256, sourceUrl: `https://example.org/${source}.${extension}` });
    await pipeline.deps.releases.recordRelease({
      source,
      sha256,
      url: `https://example.org/${source}.${extension}`,
      archiveKey: key,
      bytes: bytes.length,
      format,
      firstSeen: new Date().toISOString(),
      status: 'archived',
    });
    return { report: await ingestRelease(pipeline.deps, key), sha256 };
  }

  it('ingests a record-level CSV with an undated row, and tells the report, the log, a metric and the operator', async () => {
    // Prepare: NPR's republished layout, one record's date redacted
    const file = join(emulators.workDir, `${tag}-npr.csv`);
    await writeFile(
      file,
      [
        'date,lift_reason,det_facility,city,state',
        '2014-07-03 00:00:00,Detainer Declined by LEA,CONTRA COSTA CO. JAIL,MARTINEZ,CALIFORNIA',
        '2014-07-08 00:00:00,Booked into Detention,CONTRA COSTA CO. JAIL,MARTINEZ,CALIFORNIA',
        '(b)(6),Detainer Declined by LEA,VISTA DETENTION FACILITY,VISTA,CALIFORNIA',
        '2014-08-19 00:00:00,Detainer Declined by LEA,VISTA DETENTION FACILITY,VISTA,CALIFORNIA',
      ].join('\n'),
    );
    const before = (await sesMessages(emulators.endpoints.ses, operator)).length;

    // Act
    const { report } = await ingestFile(`${tag}-npr`, file, 'ddp', 'csv');

    // Assess
    const warning = '1 of 4 rows have no usable date (1 of them declined); left out';
    expect(report).toMatchObject({
      outcome: 'ingested',
      rowsRead: 4,
      rowsKept: 2,
      warnings: [warning],
      coverage: { from: '2014-07-03', to: '2014-08-19', declared: false },
    });
    expect(pipeline.log.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'parser warnings', fields: expect.objectContaining({ warnings: [warning] }) }),
    );
    expect(metrics).toContainEqual(['ParserWarnings', 1]);
    const mail = (await sesMessages(emulators.endpoints.ses, operator)).slice(before);
    expect(mail).toHaveLength(1);
    expect(mail[0].subject).toMatch(/Release ingested with warnings/);
    expect(mail[0].body.text ?? mail[0].body.html).toContain(warning);
  });

  it('quarantines a DDOR whose printed total disagrees with its rows, and says so', async () => {
    // Prepare: section II prints 80 declined detainers above 78 rows
    const file = join(emulators.workDir, `${tag}-ddor.pdf`);
    await makeDdorPdf(file, { ...sampleDdorReport(), printedTotal: 80 });

    // Act
    const { report, sha256 } = await ingestFile(`${tag}-ddor`, file, 'ddor', 'pdf');

    // Assess
    expect(report.outcome).toBe('quarantined');
    expect(report.reason).toBe('section II prints a total of 80 declined detainers but 78 rows were read');
    expect(await pipeline.deps.releases.getRelease(`${tag}-ddor`, sha256)).toMatchObject({ status: 'quarantined', reason: report.reason });
    expect(await pipeline.deps.rankings.listQuarters(`${tag}-ddor`)).toEqual([]);
    expect(metrics).toContainEqual(['ParserFaults', 1]);
  });
});
