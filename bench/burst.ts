import { DEFAULT_CATALOG } from '../app/catalog/catalog-config';
import { createLogger } from '../app/logger';
import { type NotifierDeps, processNotifierInput } from '../app/notifier/notify';
import { createSlackClient } from '../app/slack/web-client';
import { MemoryStore } from '../app/state/memory-store';
import { startFakeSlack } from '../test/support/fake-slack';
import { burstWorkload, installSlackLedger } from './burst-workload';

/**
 * Benchmark 4: a burst of events against a Slack fake that enforces one message per second per
 * channel (429 with `Retry-After: 1` otherwise). Every event is its own "invocation", all started
 * at once as SNS would, each with its own deps (own Slack client) sharing one state store, with
 * the notifier's real timings and the stack's 30 s timeout as deadline. A failed invocation is
 * retried like Lambda's asynchronous retries (two more attempts; the delays are shortened from
 * 1 and 2 minutes to `retryDelayMs` to keep the run short), and what fails all three would go to
 * the dead-letter queue.
 */
export interface BurstResult {
  events: number;
  actors: number;
  critical: number;
  lost: number;
  doubled: number;
  deadLettered: number;
  failedAttempts: number;
  topLevel: number;
  expectedTopLevel: number;
  threadReplies: number;
  slackCalls: number;
  rateLimited: number;
  callsPerEvent: number;
  drainSeconds: number;
  /**
   * Peak RSS of the benchmark's process during the burst, bytes, sampled every 20 ms: all the
   * invocations at once in one process, so far more than one Lambda container holds.
   */
  peakRssBytes: number;
}

export async function measureBurst(options: {
  events: number;
  actors: number;
  criticalEvery: number;
  timeoutMs: number;
  retryDelayMs: number;
}): Promise<BurstResult> {
  const slack = await startFakeSlack();
  const ledger = installSlackLedger(slack, { intervalMs: 1_000, retryAfterSeconds: 1 });
  const store = new MemoryStore();
  const work = burstWorkload(options.events, { actors: options.actors, criticalEvery: options.criticalEvery, prefix: 'burst' });
  const logger = createLogger('bench');
  const container = (): NotifierDeps => ({
    slack: createSlackClient('xoxb-bench', { apiUrl: slack.apiUrl, rejectRateLimitedCalls: true }),
    catalog: DEFAULT_CATALOG,
    logger,
    config: { slack: { channelId: 'C0ALERTS', channelBySeverity: {}, channelByAccount: {} }, accountAliases: {} },
    store,
  });
  let deadLettered = 0;
  let failedAttempts = 0;
  const started = Date.now();
  let peakRssBytes = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  }, 20);
  await Promise.all(
    work.deliveries.map(async (delivery) => {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await processNotifierInput(delivery, container(), { deadline: Date.now() + options.timeoutMs });
          return;
        } catch {
          failedAttempts++;
          await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs * (attempt + 1)));
        }
      }
      deadLettered++;
    }),
  );
  const drainSeconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  await slack.close();
  const counts = [...ledger.deliveries(work.eventIds).values()];
  return {
    events: work.eventIds.length,
    actors: work.actors.length,
    critical: work.criticalIds.length,
    lost: counts.filter((n) => n === 0).length,
    doubled: counts.filter((n) => n > 1).length,
    deadLettered,
    failedAttempts,
    topLevel: ledger.topLevel().length,
    expectedTopLevel: work.actors.length + work.criticalIds.length,
    threadReplies: ledger.accepted.length - ledger.topLevel().length,
    slackCalls: slack.calls.length,
    rateLimited: ledger.rateLimited,
    callsPerEvent: slack.calls.length / work.eventIds.length,
    drainSeconds,
    peakRssBytes,
  };
}
