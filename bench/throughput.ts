import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CATALOG } from '../app/catalog/catalog-config';
import { createLogger } from '../app/logger';
import { type NotifierDeps, processNotifierInput } from '../app/notifier/notify';
import { createSlackClient } from '../app/slack/web-client';
import { DynamoDbStore } from '../app/state/dynamodb-store';
import { MemoryStore } from '../app/state/memory-store';
import type { VersionedStore } from '../app/state/versioned-store';
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
  /** DynamoDB requests per event (GetItem, PutItem), when the state is the table on loopback. */
  dynamoDbCallsPerEvent?: number;
}

type StateKind = 'none' | 'memory' | 'dynamodb';

export async function measureThroughput(options: { events: number; concurrency: number }): Promise<ThroughputResult[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fake-slack-process.ts'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const [apiUrl, dynamoDbUrl] = await new Promise<string[]>((resolve) => {
    const got: string[] = [];
    lines.on('line', (line) => {
      got.push(line);
      if (got.length === 2) resolve(got);
    });
  });
  try {
    const records = loadCloudTrailCorpus()
      .map((r) => r.value)
      .map((v) => ((v as { detail?: unknown }).detail ?? v) as Record<string, unknown>);
    const results: ThroughputResult[] = [];
    // Two rounds, the first discarded: it pays for JIT compilation and the first connections.
    const modes: Array<[string, StateKind]> = [
      ['render + post', 'none'],
      ['render + dedupe (in-memory store) + post', 'memory'],
      ['render + dedupe (DynamoDB table on loopback) + post', 'dynamodb'],
    ];
    for (const [round, mode, state] of [1, 2].flatMap((round) => modes.map(([mode, state]) => [round, mode, state] as const))) {
      // The real DynamoDB client and DynamoDbStore, as deployed, against the table in the child
      // process; every request it sends is counted.
      let dynamoDbCalls = 0;
      let store: VersionedStore | undefined;
      if (state === 'memory') store = new MemoryStore();
      if (state === 'dynamodb') {
        const client = new DynamoDBClient({ endpoint: dynamoDbUrl, region: 'us-east-1' });
        client.middlewareStack.add(
          (next) => (args) => {
            dynamoDbCalls++;
            return next(args);
          },
          { step: 'finalizeRequest', name: 'benchCountRequests' },
        );
        store = new DynamoDbStore(client, 'bench-state');
      }
      const deps: NotifierDeps = {
        slack: createSlackClient('xoxb-bench', { apiUrl, rejectRateLimitedCalls: true }),
        catalog: DEFAULT_CATALOG,
        logger: createLogger('bench'),
        config: { slack: { channelId: 'C0BENCH', channelBySeverity: {}, channelByAccount: {} }, accountAliases: {} },
        // Pacing off: this measures the notifier, not Slack's rate limit (benchmark 4 does that).
        store,
        tuning: { postIntervalMs: 0 },
      };
      let n = 0;
      const payloads = Array.from({ length: options.events }, () => {
        const record = records[n++ % records.length] as Record<string, unknown>;
        // A distinct actor per event: with a store, each event then opens its own burst (one post each).
        // Per round and mode too: the DynamoDB table outlives a round, and an actor seen in the last
        // round would find its burst still open and wait to be grouped.
        const identity = {
          ...(record.userIdentity as Record<string, unknown>),
          arn: `arn:aws:iam::123456789012:user/bench-${round}-${state}-${n}`,
        };
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
        dynamoDbCallsPerEvent: state === 'dynamodb' ? dynamoDbCalls / processed : undefined,
      });
    }
    return results;
  } finally {
    child.stdin.end();
    child.kill();
  }
}
