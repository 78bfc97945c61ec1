import type { AlertView, Severity } from '../../blocks/alert-view';
import { alertHeadline, type RenderedMessage } from '../../blocks/render-alert';
import { renderAskFailedNote, renderConfirmQuestion } from '../../blocks/render-triage';
import type { Actor } from '../events/identity';
import type { PreparedItem } from '../notifier/prepare';
import { type ActorMapping, type ActorMappingDeps, mapActorToSlackUser } from './actor-mapping';
import { ACTOR_MAX, HEADLINE_MAX, indexGroupedAlert, indexPostedAlert, RULE_ID_MAX } from './alert-index';
import { scheduleDue } from './due-queue';
import { epochSeconds, type TriageDeps } from './triage-deps';
import { changeTriage, createTriage, type TriageState } from './triage-state';

/**
 * The notifier's half of the triage loop, run after an alert is delivered: index it (for the Home
 * tab and the digest), and for the severities configured, schedule its escalation and ask its
 * actor "Was this you?" by DM. Best effort: the alert is already in Slack, so a failure here is
 * logged (and, for a DM that could not be sent, noted in the thread), never retried into a second
 * alert. A redelivered alert asks nobody twice: its triage is created with a conditional write.
 */

/** What the notifier adds to its deps to run the triage loop. */
export interface NotifierTriage extends Pick<TriageDeps, 'settings' | 'responders'> {
  /** Reads an IAM user's owner tags (`ownerTagReader`); absent: that mapping source is skipped. */
  ownerTags?: ActorMappingDeps['ownerTags'];
}

/** An alert the notifier has just posted at the top of a channel. */
export interface PostedAlert {
  ref: { channel: string; ts: string };
  view: AlertView;
  ruleId: string;
  ruleTitle: string;
  actor: Actor;
  message: RenderedMessage;
}

export type TriageOutcome =
  | { asked: false; reason: string }
  | { asked: true; userId: string; via: string; dm?: { channel: string; ts: string }; error?: string };

/**
 * Indexes a posted alert, schedules its escalation and asks its actor.
 * @throws StateStoreError when the state table cannot be written (the caller logs it).
 */
export async function triagePostedAlert(deps: TriageDeps & Pick<NotifierTriage, 'ownerTags'>, alert: PostedAlert): Promise<TriageOutcome> {
  const { view, ref } = alert;
  const now = epochSeconds(deps);
  const headline = alertHeadline(view);
  await indexPostedAlert(
    deps,
    {
      c: ref.channel,
      t: ref.ts,
      s: view.severity,
      r: alert.ruleId.slice(0, RULE_ID_MAX),
      h: headline.slice(0, HEADLINE_MAX),
      a: `${view.actor.typeLabel} ${view.actor.name}`.slice(0, ACTOR_MAX),
      p: now,
    },
    alert.ruleTitle,
  );
  const escalateMinutes = deps.settings.escalateAfterMinutes[view.severity];
  const confirm = deps.settings.confirmSeverities.includes(view.severity);
  if (escalateMinutes === undefined && !confirm) return { asked: false, reason: 'not triaged at this severity' };

  const mapping: ActorMapping = confirm
    ? await mapActorToSlackUser(
        { slack: deps.slack, logger: deps.logger, ownerMap: deps.settings.ownerMap, ownerTags: deps.ownerTags },
        alert.actor,
        view.accountId,
      )
    : { kind: 'none', reason: 'actors are not asked at this severity' };
  const disableActor = view.disable.find((offer) => offer.value.u === alert.actor.iamUserName)?.value;
  const state: TriageState = {
    alert: {
      channel: ref.channel,
      ts: ref.ts,
      severity: view.severity,
      rule: alert.ruleId.slice(0, 128),
      headline: headline.slice(0, 300),
      eventName: view.eventName.slice(0, 128),
      eventId: view.eventId.slice(0, 128),
      postedAt: now,
    },
    escalation: { count: 0, ...(escalateMinutes !== undefined ? { nextAt: now + escalateMinutes * 60 } : {}) },
    ...(mapping.kind === 'found'
      ? {
          ask: {
            user: mapping.userId,
            via: mapping.via,
            askedAt: now,
            timeoutAt: now + deps.settings.confirmTimeoutMinutes * 60,
          },
          base: { text: alert.message.text, blocks: JSON.parse(JSON.stringify(alert.message.blocks)) },
        }
      : {}),
    ...(disableActor ? { disableActor } : {}),
    ...(alert.actor.iamUserName ? { actorIamUser: alert.actor.iamUserName } : {}),
  };
  if (!(await createTriage(deps, state))) {
    deps.logger.info('alert already triaged (a redelivery): nobody is asked again', ref);
    return { asked: false, reason: 'already triaged' };
  }
  if (state.escalation.nextAt !== undefined) await scheduleDue(deps, { c: ref.channel, t: ref.ts, k: 'escalate' }, state.escalation.nextAt);
  if (mapping.kind !== 'found' || !state.ask) {
    const reason = mapping.kind === 'none' ? mapping.reason : 'no question';
    deps.logger.info('not asking the actor', { ...ref, reason, refused: mapping.kind === 'none' ? mapping.refused : undefined });
    return { asked: false, reason };
  }
  return askActor(deps, state, view);
}

/** Counts an alert grouped into a burst thread (no question, no escalation: its parent has them). */
export async function triageGroupedAlert(
  deps: Pick<TriageDeps, 'store' | 'logger' | 'now'>,
  alert: { severity: Severity; ruleId: string; ruleTitle: string },
): Promise<void> {
  await indexGroupedAlert(deps, { severity: alert.severity, rule: alert.ruleId, title: alert.ruleTitle });
}

async function askActor(deps: TriageDeps, state: TriageState, view: AlertView): Promise<TriageOutcome> {
  const ask = state.ask!;
  const ref = { channel: state.alert.channel, ts: state.alert.ts };
  const question = renderConfirmQuestion({
    alert: { c: ref.channel, t: ref.ts },
    severity: view.severity,
    headline: state.alert.headline,
    eventName: view.eventName,
    sourceIp: view.sourceIp,
    via: view.userAgent?.summary,
    accountId: view.accountId,
    accountAlias: view.accountAlias,
    region: view.region,
    eventTime: view.eventTime,
    timeoutMinutes: deps.settings.confirmTimeoutMinutes,
  });
  try {
    const opened = await deps.slack.conversations.open({ users: ask.user });
    const channel = opened.channel?.id;
    if (!channel) throw new Error('conversations.open returned no channel');
    const posted = await deps.slack.chat.postMessage({ channel, text: question.text, blocks: question.blocks, unfurl_links: false });
    const dm = { channel: posted.channel ?? channel, ts: posted.ts ?? '' };
    await changeTriage(deps, ref, (current) =>
      current?.ask ? { next: { ...current, ask: { ...current.ask, dm } }, result: undefined } : { result: undefined },
    );
    await scheduleDue(deps, { c: ref.channel, t: ref.ts, k: 'confirm-timeout' }, ask.timeoutAt);
    deps.logger.info('asked the actor by DM', { ...ref, slackUser: ask.user, via: ask.via });
    return { asked: true, userId: ask.user, via: ask.via, dm };
  } catch (error) {
    const message = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
    deps.logger.warn('could not ask the actor by DM', { ...ref, slackUser: ask.user, error: message });
    await changeTriage(deps, ref, (current) =>
      current?.ask
        ? { next: { ...current, ask: { ...current.ask, failed: message.slice(0, 300) } }, result: undefined }
        : { result: undefined },
    );
    const note = renderAskFailedNote({ userId: ask.user, error: message });
    await deps.slack.chat
      .postMessage({ channel: ref.channel, thread_ts: ref.ts, text: note.text, blocks: note.blocks, unfurl_links: false })
      .catch((noteError: unknown) =>
        deps.logger.warn('could not note the failed question in the thread', { error: (noteError as Error).message }),
      );
    return { asked: true, userId: ask.user, via: ask.via, error: message };
  }
}

/**
 * The notifier's hook: after an item was delivered (and its claim completed), index it and, for a
 * top-level alert, triage it. Never throws: the alert is in Slack whatever happens here.
 */
export async function triageDelivered(
  deps: { triage?: NotifierTriage; slack: TriageDeps['slack']; logger: TriageDeps['logger'] },
  context: { store?: TriageDeps['store']; now: () => number },
  prepared: PreparedItem,
  outcome: { status: string; channel: string; ts: string },
): Promise<void> {
  if (!deps.triage || !context.store || prepared.kind !== 'alert') return;
  const triageDeps = { ...deps.triage, store: context.store, slack: deps.slack, logger: deps.logger, now: context.now };
  const rule = prepared.classification.rule;
  try {
    if (outcome.status === 'grouped') {
      await triageGroupedAlert(triageDeps, { severity: prepared.severity, ruleId: rule.id, ruleTitle: rule.title });
    } else if (outcome.status === 'posted') {
      await triagePostedAlert(triageDeps, {
        ref: { channel: outcome.channel, ts: outcome.ts },
        view: prepared.view,
        ruleId: rule.id,
        ruleTitle: rule.title,
        actor: prepared.classification.actor,
        message: prepared.message,
      });
    }
  } catch (error) {
    deps.logger.error('could not triage a delivered alert (it is posted; it will not be asked about or escalated)', {
      eventId: prepared.eventId,
      error,
    });
  }
}
