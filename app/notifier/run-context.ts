import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger';
import type { VersionedStore } from '../state/versioned-store';

/** Timings of dedupe, pacing and grouping; defaults suit Lambda and Slack, tests shrink them. */
export interface NotifierTuning {
  /** Events by one actor within this many seconds share one parent alert. */
  burstWindowSeconds: number;
  /** Gap between two messages posted to one channel: Slack allows about one per second; 10% headroom absorbs timer and network jitter. */
  postIntervalMs: number;
  /** How long a flusher waits for more events before posting a thread reply. */
  lingerMs: number;
  /** How often an event waiting in a burst checks whether it has been posted. */
  pollMs: number;
  /** Time kept in hand before the Lambda deadline: enough to record state and return an error. */
  safetyMarginMs: number;
  /** How long an event ID is remembered (longer than the DLQ keeps messages, so redrive is safe too). */
  dedupeTtlSeconds: number;
}

export const DEFAULT_TUNING: NotifierTuning = {
  burstWindowSeconds: 300,
  postIntervalMs: 1_100,
  lingerMs: 1_500,
  pollMs: 300,
  safetyMarginMs: 3_000,
  dedupeTtlSeconds: 15 * 86_400,
};

/** What one run of the pipeline shares: deps plus this invocation's deadline and identity. */
export interface RunContext {
  slack: WebClient;
  logger: Logger;
  metrics?: Metrics;
  /** Shared state (dedupe, bursts, pacing); without it each event posts on its own, as before. */
  store?: VersionedStore;
  tuning: NotifierTuning;
  now: () => number;
  /** Epoch ms after which no new work starts (Lambda deadline less the safety margin). */
  deadline: number;
  /** Unique per invocation: owner of the claims and leases it takes. */
  owner: string;
}

export const nowSeconds = (context: Pick<RunContext, 'now'>): number => Math.floor(context.now() / 1000);

/** Lambda's longest timeout: a lease taken without a deadline (local runs) lapses after it. */
const MAX_LEASE_MS = 15 * 60_000;

/** Until when a claim or lease taken now holds: the deadline, and never forever (stores need a number). */
export const leaseUntil = (context: Pick<RunContext, 'now' | 'deadline'>): number =>
  Math.min(context.deadline, context.now() + MAX_LEASE_MS);
