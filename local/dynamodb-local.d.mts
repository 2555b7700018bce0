// Types of dynamodb-local.mjs, a plain ES module because the emulator guardian and `npm ci` run it without a build.
export function archiveState(cacheRoot?: string): 'fresh' | 'missing' | 'stale';
export function launchArgs(
  port: number,
  storage: string[],
  options?: { archive?: boolean; dumpTo?: string },
): { args: string[]; cwd: string; archive?: boolean };
export function answers(url: string, timeoutMs: number): Promise<boolean>;
export function freePort(): Promise<number>;
export function startJava(
  spec: { args: string[]; cwd: string },
  port: number,
): Promise<{
  java: import('node:child_process').ChildProcess;
  exited: Promise<{ code: number | null; signal: string | null }>;
  output(): string;
}>;
export function prepareDynamoDbLocal(): Promise<string>;
