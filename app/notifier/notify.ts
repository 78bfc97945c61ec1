import { randomUUID } from 'node:crypto';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { WebClient } from '@slack/web-api';
import type { Severity } from '../../blocks/alert-view';
import { renderUnrecognised } from '../../blocks/render-unrecognised';
import type { Catalog } from '../catalog/catalog-config';
import { type Config, requireSetting } from '../config';
import { type ParsedItem, parseNotifierInput, syntheticEventId } from '../events/parse-input';
import type { Logger } from '../logger';
import type { VersionedStore } from '../state/versioned-store';
import { deliverInBurst } from './burst-grouping';
import { NotifierBatchError } from './errors';
import { claimEvent, completeEvent, releaseEvent } from './event-claims';
import { postMessage } from './post';
import { type PreparedItem, prepareItem } from './prepare';
import { DEFAULT_TUNING, type NotifierTuning, type RunContext } from './run-context';

/** What the notifier needs; built once per cold start by `handlers/deps.ts`. */
export interface NotifierDeps {
  slack: WebClient;
  catalog: Catalog;
  logger: Logger;
  config: Pick<Config, 'slack' | 'accountAliases'>;
  /**
   * Shared state for exactly-once delivery, burst grouping and channel pacing (DynamoDB in
   * Lambda, memory or a file locally). Without it every event posts on its own and nothing is
   * deduplicated: fine for a one-off preview, not for a deployment.
   */
  store?: VersionedStore;
  /** Powertools Metrics (namespace `IamAlerts`): `SlackConfigError` is counted here. */
  metrics?: Metrics;
  tuning?: Partial<NotifierTuning>;
  /** Epoch milliseconds; tests move time. */
  clock?: () => number;
}

export interface ProcessOptions {
  /**
   * Epoch ms when the invocation ends (Lambda: now + `context.getRemainingTimeInMillis()`).
   * Work that cannot finish by then (less the safety margin) fails the invocation instead, so it
   * is retried rather than cut off half-done.
   */
  deadline?: number;
}

/** What happened to one input item. */
export type NotifyOutcome =
  | { status: 'posted'; eventId: string; eventName: string; severity: Severity; channel: string; ts: string }
  | { status: 'grouped'; eventId: string; eventName: string; severity: Severity; channel: string; ts: string }
  | { status: 'duplicate'; eventId: string; channel?: string; ts?: string }
  | { status: 'ignored'; eventId: string; eventName: string; reason: string }
  | { status: 'rejected'; reason: string; channel: string; ts: string };

/**
 * Turns one invocation's input into Slack alerts: parse ▸ classify ▸ dedupe ▸ group ▸ render ▸ post.
 *
 * Events outside the catalog post nothing; unparseable (or unrenderable) input posts one
 * "Unrecognised event" fallback, since retrying could not fix it. With a store, each event is
 * posted at most once however often it is delivered, and non-critical events of one actor are
 * grouped under one parent alert per window; critical events always get their own alert.
 * @throws when an item could not be delivered (Slack still failing after retries, a Slack
 *   configuration error, the deadline): Lambda then retries the invocation, and the items already
 *   delivered are skipped as duplicates. Several failures come as one NotifierBatchError.
 */
export async function processNotifierInput(input: unknown, deps: NotifierDeps, options: ProcessOptions = {}): Promise<NotifyOutcome[]> {
  const tuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const now = deps.clock ?? Date.now;
  const context: RunContext = {
    slack: deps.slack,
    logger: deps.logger,
    metrics: deps.metrics,
    store: deps.store,
    tuning,
    now,
    deadline: options.deadline === undefined ? Number.POSITIVE_INFINITY : options.deadline - tuning.safetyMarginMs,
    owner: randomUUID(),
  };
  const outcomes: NotifyOutcome[] = [];
  const failures: unknown[] = [];
  // One item's failure does not stop the others: they are delivered now, it is retried.
  for (const item of parseNotifierInput(input)) {
    try {
      const outcome = await processItem(item, deps, context);
      if (outcome) outcomes.push(outcome);
    } catch (error) {
      deps.logger.error('could not deliver an event; the invocation will fail so that it is retried', {
        eventId: item.ok ? item.eventId : undefined,
        error,
      });
      failures.push(error);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new NotifierBatchError(failures, `${failures.length} events could not be delivered`);
  return outcomes;
}

async function processItem(item: ParsedItem, deps: NotifierDeps, context: RunContext): Promise<NotifyOutcome | undefined> {
  const { logger } = deps;
  const prepared = safePrepare(item, deps);
  if (prepared.kind === 'ignored') {
    logger.debug('ignored event', {
      eventId: prepared.eventId,
      eventName: prepared.eventName,
      outcome: 'ignored',
      reason: prepared.reason,
    });
    return { status: 'ignored', eventId: prepared.eventId, eventName: prepared.eventName, reason: prepared.reason };
  }
  const eventId = prepared.kind === 'alert' ? prepared.eventId : rejectionId(prepared);
  const claim = await claimEvent(context, eventId);
  if (claim.kind === 'done') {
    logger.info('skipped a duplicate delivery', { eventId, outcome: 'duplicate', channel: claim.channel, ts: claim.ts });
    return { status: 'duplicate', eventId, channel: claim.channel, ts: claim.ts };
  }
  try {
    const outcome = await deliver(prepared, deps, context);
    await completeEvent(context, eventId, { channel: outcome.channel, ts: outcome.ts });
    return outcome;
  } catch (error) {
    await releaseEvent(context, eventId).catch((releaseError: unknown) =>
      logger.warn('could not release the claim on a failed event; its retry waits for the lease to end', { eventId, releaseError }),
    );
    throw error;
  }
}

async function deliver(
  prepared: Exclude<PreparedItem, { kind: 'ignored' }>,
  deps: NotifierDeps,
  context: RunContext,
): Promise<Extract<NotifyOutcome, { channel: string; ts: string }>> {
  const { logger } = deps;
  const channel = channelFor(deps.config, prepared.severity);
  if (prepared.kind === 'rejected') {
    logger.warn('rejected unrecognised input', { outcome: 'rejected', reason: prepared.reason });
    const posted = await postMessage(context, channel, prepared.message);
    return { status: 'rejected', reason: prepared.reason, ...posted };
  }
  const base = { eventId: prepared.eventId, eventName: prepared.eventName, severity: prepared.severity };
  const logContext = { ...base, rule: prepared.classification.rule.id };
  // Critical events always stand alone; the rest group by actor when there is shared state.
  if (prepared.severity === 'critical' || !context.store) {
    const posted = await postMessage(context, channel, prepared.message);
    logger.info('posted alert', { ...logContext, outcome: 'posted', ...posted });
    return { status: 'posted', ...base, ...posted };
  }
  const delivery = await deliverInBurst({ ...context, store: context.store }, prepared.eventId, prepared.view, prepared.message, channel);
  if (delivery.role === 'parent') {
    logger.info('posted alert', { ...logContext, outcome: 'posted', channel: delivery.channel, ts: delivery.ts, burst: delivery.burstKey });
    return { status: 'posted', ...base, channel: delivery.channel, ts: delivery.ts };
  }
  logger.info('grouped alert into its burst thread', { ...logContext, outcome: 'grouped', channel: delivery.channel, ts: delivery.ts });
  return { status: 'grouped', ...base, channel: delivery.channel, ts: delivery.ts };
}

/** Classifies and renders; an event that breaks the renderer becomes a fallback alert (poison input). */
function safePrepare(item: ParsedItem, deps: NotifierDeps): PreparedItem {
  try {
    return prepareItem(item, { catalog: deps.catalog, accountAliases: deps.config.accountAliases });
  } catch (error) {
    deps.logger.error('could not render an event; posting it as unrecognised', { eventId: item.ok ? item.eventId : undefined, error });
    const excerpt = item.ok ? JSON.stringify(item.record).slice(0, 600) : item.excerpt;
    const reason = `could not render it (${(error as Error).message})`;
    return { kind: 'rejected', reason, severity: 'medium', message: renderUnrecognised({ reason, excerpt }) };
  }
}

/** Rejections have no event ID: the same input always gets the same one, so it is posted once. */
function rejectionId(prepared: Extract<PreparedItem, { kind: 'rejected' }>): string {
  return syntheticEventId({ rejected: prepared.reason, text: prepared.message.text, blocks: prepared.message.blocks });
}

/** The channel for a severity: its own channel when configured, else the main one. */
export function channelFor(config: Pick<Config, 'slack'>, severity: Severity): string {
  return (
    config.slack.channelBySeverity[severity] ??
    requireSetting(config.slack.channelId, 'SLACK_CHANNEL_ID', 'the notifier needs a channel to post alerts to')
  );
}
