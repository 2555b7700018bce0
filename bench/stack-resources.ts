/**
 * What the stack deploys, for the cost model: the CloudFormation template synthesized in process
 * with asset bundling skipped (the bundles are measured in section 3).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StackResources {
  counts: Record<string, number>;
  functions: Array<{ id: string; memoryMb: number; timeoutS: number; architecture: string }>;
  alarms: number;
  secrets: number;
  queues: number;
  schedules: Array<{ expression: string }>;
  kmsKeys: number;
  /** Event source mappings reading an SQS queue (they long-poll it all month). */
  sqsEventSources: number;
}

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export async function stackResources(): Promise<StackResources> {
  const { App } = await import('aws-cdk-lib');
  const { defineDetainerWatch } = await import('../lib/detainer-watch-app');
  const outdir = await mkdtemp(join(tmpdir(), 'detainer-watch-bench-synth-'));
  try {
    // The context of cdk.json (the deployment defaults), as `cdk synth` passes it.
    const cdkJson = JSON.parse(await readFile(new URL('../cdk.json', import.meta.url), 'utf8')) as { context?: Record<string, unknown> };
    const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] }, outdir });
    const stack = defineDetainerWatch(app);
    const template = app.synth().getStackArtifact(stack.artifactId).template as { Resources: Record<string, Resource> };
    const resources = Object.entries(template.Resources);
    const counts: Record<string, number> = {};
    for (const [, r] of resources) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
    const of = (type: string) => resources.filter(([, r]) => r.Type === type);
    return {
      counts,
      functions: of('AWS::Lambda::Function').map(([id, r]) => ({
        id,
        memoryMb: Number(r.Properties?.MemorySize ?? 128),
        timeoutS: Number(r.Properties?.Timeout ?? 3),
        architecture: String((r.Properties?.Architectures as string[] | undefined)?.[0] ?? 'x86_64'),
      })),
      alarms: (counts['AWS::CloudWatch::Alarm'] ?? 0) + (counts['AWS::CloudWatch::CompositeAlarm'] ?? 0),
      secrets: counts['AWS::SecretsManager::Secret'] ?? 0,
      queues: counts['AWS::SQS::Queue'] ?? 0,
      kmsKeys: counts['AWS::KMS::Key'] ?? 0,
      sqsEventSources: of('AWS::Lambda::EventSourceMapping').filter(([, r]) => {
        const arn = r.Properties?.EventSourceArn as { 'Fn::GetAtt'?: [string, string] } | undefined;
        const target = arn?.['Fn::GetAtt']?.[0];
        return target !== undefined && template.Resources[target]?.Type === 'AWS::SQS::Queue';
      }).length,
      schedules: [...of('AWS::Scheduler::Schedule'), ...of('AWS::Events::Rule')].map(([, r]) => ({
        expression: String(r.Properties?.ScheduleExpression ?? ''),
      })),
    };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
