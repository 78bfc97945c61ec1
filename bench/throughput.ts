import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DEFAULT_CATALOG } from '../app/catalog/catalog-config';
import { createLogger } from '../app/logger';
import { type NotifierDeps, processNotifierInput } from '../app/notifier/notify';
import { createSlackClient } from '../app/slack/web-client';
import { MemoryStore } from '../app/state/memory-store';
import { loadCloudTrailCorpus, toEventBridge, toSnsEvent } from '../test/support/corpus';

/**
 * Benchmark 1: notifier throughput in process. Every alerting record of `test/fixtures/cloudtrail/`, with
 * fresh event IDs, goes through the real pipeline (parse, classify, render, post with the real
 * @slack/web-api client) to the Slack fake on loopback, which runs in a child process so that
 * the CPU time measured is the notifier's alone.
 */
export interface ThroughputResult {
  mode: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  cpuMsPerEvent: number;
  /** Messages posted (alerts and fallbacks); the rest of the events are outside the catalog. */
  posts: number;
}

export async function measureThroughput(options: { events: number; concurrency: number }): Promise<ThroughputResult[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fake-slack-process.ts'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const apiUrl = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  try {
    const records = loadCloudTrailCorpus()
      .map((r) => r.value)
      .map((v) => ((v as { detail?: unknown }).detail ?? v) as Record<string, unknown>);
    const results: ThroughputResult[] = [];
    // Two rounds, the first discarded: it pays for JIT compilation and the first connections.
    for (const [round, mode, withStore] of [
      [1, 'render + post', false],
      [1, 'render + dedupe (in-memory store) + post', true],
      [2, 'render + post', false],
      [2, 'render + dedupe (in-memory store) + post', true],
    ] as const) {
      const deps: NotifierDeps = {
        slack: createSlackClient('xoxb-bench', { apiUrl, rejectRateLimitedCalls: true }),
        catalog: DEFAULT_CATALOG,
        logger: createLogger('bench'),
        config: { slack: { channelId: 'C0BENCH', channelBySeverity: {}, channelByAccount: {} }, accountAliases: {} },
        // Pacing off: this measures the notifier, not Slack's rate limit (benchmark 4 does that).
        store: withStore ? new MemoryStore() : undefined,
        tuning: { postIntervalMs: 0 },
      };
      let n = 0;
      const payloads = Array.from({ length: options.events }, () => {
        const record = records[n++ % records.length] as Record<string, unknown>;
        // A distinct actor per event: with a store, each event then opens its own burst (one post each).
        const identity = { ...(record.userIdentity as Record<string, unknown>), arn: `arn:aws:iam::123456789012:user/bench-${n}` };
        return toSnsEvent(toEventBridge({ ...record, eventID: `bench-${round}-${mode.length}-${n}`, userIdentity: identity }));
      });
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      let next = 0;
      let processed = 0;
      let posts = 0;
      await Promise.all(
        Array.from({ length: options.concurrency }, async () => {
          while (next < payloads.length) {
            const outcomes = await processNotifierInput(payloads[next++], deps);
            processed += outcomes.length;
            posts += outcomes.filter((o) => o.status === 'posted' || o.status === 'rejected').length;
          }
        }),
      );
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const used = process.cpuUsage(cpu);
      if (round === 1) continue;
      results.push({
        mode,
        events: processed,
        seconds,
        eventsPerSecond: processed / seconds,
        cpuMsPerEvent: (used.user + used.system) / 1000 / processed,
        posts,
      });
    }
    return results;
  } finally {
    child.stdin.end();
    child.kill();
  }
}
