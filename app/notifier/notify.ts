import { randomUUID } from 'node:crypto';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { WebClient } from '@slack/web-api';
import type { Severity } from '../../blocks/alert-view';
import { renderUnrecognised } from '../../blocks/render-unrecognised';
import type { AccountDirectory } from '../accounts/account-directory';
import type { Catalog } from '../catalog/catalog-config';
import { type Config, requireSetting } from '../config';
import { type ParsedItem, parseNotifierInput, syntheticEventId } from '../events/parse-input';
import type { Logger } from '../logger';
import type { NotifierOnboarding } from '../onboarding/notifier-onboarding';
import type { VersionedStore } from '../state/versioned-store';
import { type NotifierTriage, triageDelivered } from '../triage/start-triage';
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
  /**
   * Account names shown beside account IDs: `ACCOUNT_ALIASES` and, where permitted, the
   * organization's (cached). Without it, `config.accountAliases` only.
   */
  accounts?: Pick<AccountDirectory, 'names'>;
  /** Powertools Metrics (namespace `IamAlerts`): `SlackConfigError` is counted here. */
  metrics?: Metrics;
  /** The triage loop (`app/triage/`): without it (or without a store) alerts are only posted. */
  triage?: NotifierTriage;
  tuning?: Partial<NotifierTuning>;
  /** Epoch milliseconds; tests move time. */
  clock?: () => number;
  /** New IAM users' first sign-in (ONBOARDING auto or approve), after their CreateUser alert. */
  onboarding?: NotifierOnboarding;
}

/**
 * How long an invocation waits for the organization's account names (ListAccounts, a page per 20
 * accounts) before it posts with the names it has; the listing still completes for later alerts.
 */
export const ACCOUNT_NAMES_WAIT_MS = 2_000;

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
  const items = parseNotifierInput(input);
  const accountNames = deps.accounts ? await deps.accounts.names({ waitMs: ACCOUNT_NAMES_WAIT_MS }) : deps.config.accountAliases;
  // One item's failure does not stop the others: they are delivered now, it is retried.
  for (const item of items) {
    try {
      const outcome = await processItem(item, deps, context, accountNames);
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

async function processItem(
  item: ParsedItem,
  deps: NotifierDeps,
  context: RunContext,
  accountNames: Readonly<Record<string, string>>,
): Promise<NotifyOutcome | undefined> {
  const { logger } = deps;
  const prepared = safePrepare(item, deps, accountNames);
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
  // CloudTrail's eventID is unique across accounts (a call recorded in two accounts gets an eventID
  // in each, sharing only sharedEventID), and it is read from the record, never the envelope: an
  // event forwarded from another region or account, or matched by two rules, is claimed once.
  const claim = await claimEvent(context, eventId);
  if (claim.kind === 'done') {
    logger.info('skipped a duplicate delivery', { eventId, outcome: 'duplicate', channel: claim.channel, ts: claim.ts });
    return { status: 'duplicate', eventId, channel: claim.channel, ts: claim.ts };
  }
  let outcome: Awaited<ReturnType<typeof deliver>>;
  try {
    outcome = await deliver(prepared, deps, context);
    await completeEvent(context, eventId, { channel: outcome.channel, ts: outcome.ts });
  } catch (error) {
    await releaseEvent(context, eventId).catch((releaseError: unknown) =>
      logger.warn('could not release the claim on a failed event; its retry waits for the lease to end', { eventId, releaseError }),
    );
    throw error;
  }
  // Onboarding (issue 13) runs once the event is done: nothing it does can repost the alert, and a
  // redelivery never reaches it. It reports in the alert's thread and never throws.
  if (deps.onboarding && prepared.kind === 'alert') {
    const where = outcome;
    await deps.onboarding.afterAlert(
      { record: prepared.item.record, eventId },
      async (message) => {
        await postMessage(context, where.channel, message, where.ts);
      },
      context.deadline,
    );
  }
  // Triage (issue 14): index the alert, ask its actor, schedule its escalation. Never throws.
  await triageDelivered(deps, context, prepared, outcome);
  return outcome;
}

async function deliver(
  prepared: Exclude<PreparedItem, { kind: 'ignored' }>,
  deps: NotifierDeps,
  context: RunContext,
): Promise<Extract<NotifyOutcome, { channel: string; ts: string }>> {
  const { logger } = deps;
  const channel = channelFor(deps.config, prepared.severity, prepared.kind === 'alert' ? prepared.view.accountId : undefined);
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
function safePrepare(item: ParsedItem, deps: NotifierDeps, accountNames: Readonly<Record<string, string>>): PreparedItem {
  try {
    return prepareItem(item, { catalog: deps.catalog, accountAliases: accountNames });
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

/**
 * Where an alert goes: the severity's own channel when `SLACK_CHANNEL_BY_SEVERITY` names one (a
 * critical alert reaches the on-call channel whatever the account), else the account's channel
 * (`SLACK_CHANNEL_BY_ACCOUNT`, the account named in the CloudTrail record), else `SLACK_CHANNEL_ID`.
 * Burst grouping and pacing key on the channel this returns.
 * @throws ConfigError when neither applies and SLACK_CHANNEL_ID is not set.
 */
export function channelFor(config: Pick<Config, 'slack'>, severity: Severity, accountId?: string): string {
  return (
    config.slack.channelBySeverity[severity] ??
    (accountId ? config.slack.channelByAccount[accountId] : undefined) ??
    requireSetting(config.slack.channelId, 'SLACK_CHANNEL_ID', 'the notifier needs a channel to post alerts to')
  );
}
