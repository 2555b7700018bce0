/**
 * Section 2: the common case, a poll when nothing is new. The demo source (strong ETags,
 * Last-Modified, 304s) is polled once to learn its validators, then again with the fetcher and
 * the SDK clients counted.
 */

import { pollSource } from '../functions/poll/poll';
import type { Fetcher, FetchRequest, FetchResult } from '../functions/ports/fetcher';
import { demoSourceConfig, startDemoSource } from '../local/demo/demo-source';
import type { AwsCallCount } from './aws-calls';
import type { BenchServices } from './services';
import { median, ms, type Row } from './stats';

export interface PollFigures {
  firstPoll: { requests: number; bodyBytes: number; archived: number; awsCalls: number; ms: number };
  noChange: {
    requests: number;
    conditionalRequests: number;
    bodyBytes: number;
    awsCalls: number;
    aws: AwsCallCount;
    ms: number;
    runs: number;
    index: string;
  };
}

class CountingFetcher implements Fetcher {
  requests = 0;
  conditional = 0;
  bodyBytes = 0;
  constructor(private readonly inner: Fetcher) {}
  async fetch(request: FetchRequest): Promise<FetchResult> {
    this.requests++;
    if (request.etag || request.lastModified) this.conditional++;
    const result = await this.inner.fetch(request);
    if (result.status === 200) this.bodyBytes += result.bytes;
    return result;
  }
  reset(): void {
    this.requests = this.conditional = this.bodyBytes = 0;
  }
}

export async function measurePoll(services: BenchServices, runs: number): Promise<PollFigures> {
  const demo = await startDemoSource({ published: 1 });
  try {
    const deps = await services.deps();
    const fetcher = new CountingFetcher(deps.fetcher);
    deps.fetcher = fetcher;
    const source = { ...demoSourceConfig(demo.url), name: `bench-poll-${process.pid}` };

    services.counter.reset();
    let started = performance.now();
    const first = await pollSource(deps, source);
    const firstPoll = {
      requests: fetcher.requests,
      bodyBytes: fetcher.bodyBytes,
      archived: first.archived.length,
      awsCalls: services.counter.total(),
      ms: performance.now() - started,
    };

    const times: number[] = [];
    let last: PollFigures['noChange'] | undefined;
    for (let i = 0; i < runs; i++) {
      fetcher.reset();
      services.counter.reset();
      started = performance.now();
      const report = await pollSource(deps, source);
      times.push(performance.now() - started);
      last = {
        requests: fetcher.requests,
        conditionalRequests: fetcher.conditional,
        bodyBytes: fetcher.bodyBytes,
        awsCalls: services.counter.total(),
        aws: services.counter.snapshot(),
        ms: 0,
        runs,
        index: report.index,
      };
    }
    return { firstPoll, noChange: { ...last!, ms: median(times) } };
  } finally {
    await demo.stop();
  }
}

export function pollRows(f: PollFigures): Row[] {
  const section = '2 no-change poll';
  const n = f.noChange;
  return [
    {
      section,
      measure: 'first poll (for reference): requests, body bytes, releases archived',
      value: `${f.firstPoll.requests}, ${f.firstPoll.bodyBytes.toLocaleString('en-US')} B, ${f.firstPoll.archived}`,
    },
    { section, measure: 'no-change poll: body bytes downloaded', value: `${n.bodyBytes} B`, target: '0', pass: n.bodyBytes === 0 },
    {
      section,
      measure: 'no-change poll: HTTP requests (conditional) per source',
      value: `${n.requests} (${n.conditionalRequests} conditional; index ${n.index})`,
      target: '1 conditional',
      pass: n.requests === 1 && n.conditionalRequests === 1,
    },
    {
      section,
      measure: 'no-change poll: AWS calls',
      value: `${n.awsCalls} (${Object.entries(n.aws.calls)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
      target: '≤ 3',
      pass: n.awsCalls <= 3,
    },
    { section, measure: 'no-change poll: duration (median)', value: ms(n.ms) },
  ];
}
