import { afterEach, describe, expect, it, vi } from 'vitest';
import { context, fakeDeps } from './fake-deps';

vi.mock('../../functions/poll/poll', () => ({ pollSource: vi.fn() }));

const { createPollHandler } = await import('../../functions/poll/handler');
const deps = fakeDeps();
const handler = createPollHandler(deps);
const { pollSource } = await import('../../functions/poll/poll');
const poll = vi.mocked(pollSource);

const report = (source: string) => ({ source, index: 'unchanged' as const, archived: [], skipped: 0, bytesDownloaded: 0, requests: 1 });

describe('poll handler', () => {
  afterEach(() => {
    poll.mockReset();
    vi.restoreAllMocks();
  });

  it('polls every configured source and counts a successful poll', async () => {
    // Prepare
    poll.mockImplementation(async (_deps, source) => report(source.name));
    const added = vi.mocked(deps.count!);
    added.mockClear();

    // Act
    const reports = await handler({}, context);

    // Assess
    expect(reports.map((r) => r.source)).toEqual(['ddp', 'table']);
    expect(added).toHaveBeenCalledWith('PollSucceeded', 1);
  });

  it('still polls the other sources when one fails, then fails the run without counting a success', async () => {
    // Prepare
    poll.mockImplementation(async (_deps, source) => {
      if (source.name === 'ddp') throw new Error('index answered 503');
      return report(source.name);
    });
    const added = vi.mocked(deps.count!);
    added.mockClear();

    // Act
    const run = handler({}, context);

    // Assess
    await expect(run).rejects.toThrow('poll failed for ddp');
    expect(poll).toHaveBeenCalledTimes(2);
    expect(added).not.toHaveBeenCalledWith('PollSucceeded', 1);
  });
});
