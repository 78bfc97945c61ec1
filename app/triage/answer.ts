import type { KnownBlock } from '@slack/types';
import type { ReceivedBlock } from '../../blocks/edit-blocks';
import { type Answer, raiseAlertBase, renderAnsweredQuestion, renderAnswerNote, responderMention } from '../../blocks/render-triage';
import { type AlertStateDeps, publishAlertState, reviseAlertBase } from '../alerts/alert-state';
import { indexRaise } from './alert-index';
import { scheduleDue } from './due-queue';
import { epochSeconds, type TriageDeps } from './triage-deps';
import { MAX_ESCALATIONS } from './triage-settings';
import { changeTriage, type TriageState } from './triage-state';

/**
 * An answer to "Was this you?". Only the person asked may answer, only in the DM they were asked
 * in, and only once: the answer is recorded in the alert's triage with a conditional write before
 * anything is said, so two clicks (or two devices) record one answer.
 *
 * Then the DM says what was answered and the alert's thread gets a note with the time. A No raises
 * the alert to critical (its message is rendered from its state, so acknowledgements and
 * containment on it stay), calls in the responders (the configured group, never anything taken
 * from the event), puts Disable User for the actor at the top of the note when the alert offers
 * one, and brings the next escalation forward to the critical interval.
 */

export interface AnswerInput {
  ref: { channel: string; ts: string };
  /** The verified clicker (`body.user.id`), never a value from the button. */
  userId: string;
  answer: Answer;
  /** The DM the click came from, as Slack sent it back. */
  dm: { channel: string; ts: string; text: string; blocks: ReceivedBlock[] };
}

export type AnswerResult =
  /** `noteError`: the answer is recorded, but its thread note could not be posted (Slack's error). */
  | { kind: 'recorded'; late: boolean; noteError?: string }
  | { kind: 'refused'; reason: 'not-asked' | 'not-recipient' | 'already'; message: string };

/**
 * Records and announces an answer.
 * @throws StateStoreError when the table cannot be read or written (nothing was recorded then).
 *   A thread note Slack refuses is no throw: the answer is recorded by then, so the result says so
 *   (`noteError`) and the person is told to reach the responders another way.
 */
export async function answerQuestion(deps: TriageDeps & AlertStateDeps, input: AnswerInput): Promise<AnswerResult> {
  const now = epochSeconds(deps);
  const refusal = (reason: Extract<AnswerResult, { kind: 'refused' }>['reason'], message: string) =>
    ({ kind: 'refused', reason, message }) as const;
  const recorded = await changeTriage<{ state: TriageState } | Extract<AnswerResult, { kind: 'refused' }>>(deps, input.ref, (current) => {
    const ask = current?.ask;
    if (!current || !ask)
      return { result: refusal('not-asked', 'This question is no longer open: iam-alerts has no record of asking it.') };
    if (ask.user !== input.userId || (ask.dm && ask.dm.channel !== input.dm.channel)) {
      return { result: refusal('not-recipient', 'Only the person this question was sent to can answer it.') };
    }
    if (ask.answer) {
      const words = ask.answer.value === 'yes' ? 'Yes, it was me' : "No, it wasn't me";
      return { result: refusal('already', `You already answered “${words}”; the answer stands.`) };
    }
    const next: TriageState = { ...current, ask: { ...ask, answer: { value: input.answer, at: now } } };
    if (input.answer === 'no') {
      next.raisedAt = now;
      next.escalation = sooner(current, now, deps.settings.escalateAfterMinutes.critical);
    }
    return { next, result: { state: next } };
  });
  if (!('state' in recorded)) return recorded;
  const { state } = recorded;
  const ask = state.ask!;
  const at = { epochSeconds: now, iso: new Date(now * 1000).toISOString() };
  const late = ask.timedOut !== undefined || now > ask.timeoutAt;
  deps.logger.info('the actor answered', { ...input.ref, answer: input.answer, late });

  // The DM first: the person sees their answer taken even if the channel side fails.
  const answered = renderAnsweredQuestion(input.dm, { value: input.answer, at });
  await deps.slack.chat
    .update({ channel: input.dm.channel, ts: input.dm.ts, text: answered.text, blocks: answered.blocks })
    .catch((error: unknown) => deps.logger.warn('could not update the question DM', { error: (error as Error).message }));

  // The thread's Disable button updates the alert's state when clicked, so it is offered only once
  // that state exists (written by the raise).
  let raised = false;
  if (input.answer === 'no') {
    raised = await raise(deps, state, input.userId, at);
    if (state.escalation.nextAt !== undefined) {
      await scheduleDue(deps, { c: input.ref.channel, t: input.ref.ts, k: 'escalate' }, state.escalation.nextAt);
    }
  }
  const note = renderAnswerNote({
    userId: input.userId,
    answer: input.answer,
    at,
    askedAt: { epochSeconds: ask.askedAt, iso: new Date(ask.askedAt * 1000).toISOString() },
    via: ask.via,
    late,
    mention: responderMention(deps.responders),
    disable: state.disableActor && raised ? { role: 'actor', value: state.disableActor } : undefined,
    noDisableReason: state.disableActor
      ? 'Use Disable User on the alert above.'
      : state.actorIamUser
        ? 'This alert offers no Disable User for the actor (see the alert for why).'
        : 'The actor is not an IAM user, so there is no Disable User: end its sessions where it signs in (Identity Center: disable the user and revoke its sessions).',
  });
  try {
    await deps.slack.chat.postMessage({
      channel: input.ref.channel,
      thread_ts: input.ref.ts,
      text: note.text,
      blocks: note.blocks as KnownBlock[],
      unfurl_links: false,
    });
  } catch (error) {
    const noteError = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
    deps.logger.error('the answer is recorded, but its note in the alert thread could not be posted', {
      ...input.ref,
      answer: input.answer,
      error: noteError,
    });
    return { kind: 'recorded', late, noteError };
  }
  return { kind: 'recorded', late };
}

/** The alert, critical now: its base raised in its state and its message rendered from that state. */
async function raise(
  deps: TriageDeps & AlertStateDeps,
  state: TriageState,
  userId: string,
  at: { epochSeconds: number; iso: string },
): Promise<boolean> {
  const ref = { channel: state.alert.channel, ts: state.alert.ts };
  await indexRaise(deps, ref, at.epochSeconds).catch((error: unknown) =>
    deps.logger.warn('could not note the raise in the alert index', { error: (error as Error).message }),
  );
  try {
    if (!state.base) throw new Error('the alert as posted was not kept, so it cannot be rendered again');
    const seed = { text: state.base.text, blocks: state.base.blocks as ReceivedBlock[] };
    await reviseAlertBase(deps, ref, seed, (base) => raiseAlertBase(base, { userId, at }));
  } catch (error) {
    deps.logger.error('could not raise the alert to critical', { ...ref, error: (error as Error).message });
    return false;
  }
  await publishAlertState(deps, ref).catch((error: unknown) =>
    deps.logger.error('could not update the raised alert in Slack', { ...ref, error: (error as Error).message }),
  );
  return true;
}

/** The escalation, due no later than the critical interval from now (if it is still to come). */
function sooner(state: TriageState, now: number, criticalMinutes: number | undefined): TriageState['escalation'] {
  const { escalation } = state;
  if (escalation.stopped || escalation.count >= MAX_ESCALATIONS || criticalMinutes === undefined) return escalation;
  const due = now + criticalMinutes * 60;
  return { ...escalation, nextAt: escalation.nextAt === undefined ? due : Math.min(escalation.nextAt, due) };
}
