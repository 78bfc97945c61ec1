import type { KnownBlock } from '@slack/types';
import { renderEscalation, renderTimeoutNote, responderMention } from '../../blocks/render-triage';
import { alertStateKey, alertStateSchema } from '../alerts/alert-state';
import { timeStamp } from '../events/event-time';
import { maybeSendDigest } from './digest';
import {
  advanceCursor,
  type DueEntry,
  epochMinute,
  FIRST_RUN_LOOKBACK_MINUTES,
  MAX_MINUTES_PER_RUN,
  readCursor,
  readDue,
  scheduleDue,
} from './due-queue';
import { epochSeconds, type TriageDeps } from './triage-deps';
import { MAX_ESCALATIONS } from './triage-settings';
import { changeTriage, currentSeverity, readTriage, type TriageState } from './triage-state';

/**
 * One run of the triage schedule (every minute: the scheduler Lambda on an EventBridge schedule,
 * or the local bot's timer): handles what fell due since the last run (escalations of alerts
 * nobody acknowledged, questions nobody answered) and sends the daily digest when its time has
 * come. Everything it knows is in the state table, so a restart (or a run missed while the
 * function or laptop was down) loses nothing: the next run starts where the cursor says.
 *
 * Each escalation is claimed with a conditional write before it is posted, so two runs at once
 * (EventBridge may invoke twice) post it once, and an alert is escalated at most
 * {@link MAX_ESCALATIONS} times. It stops the moment the alert's state says acknowledged or a user
 * disabled: that is read just before the claim.
 */

export interface ScheduleDeps extends TriageDeps {
  /** Where the digest goes (`SLACK_CHANNEL_ID`); without it there is no digest. */
  digestChannel?: string;
}

export interface ScheduleReport {
  /** Minutes handled (the cursor moved over them). */
  minutes: number;
  escalated: number;
  timedOut: number;
  /** Due entries that needed nothing (acknowledged, answered, moved). */
  skipped: number;
  /** Entries that failed and were put back for the next minute. */
  retried: number;
  digest: 'sent' | 'not-due' | 'already' | 'off' | 'failed';
}

/**
 * Runs the schedule once.
 * @throws StateStoreError when the cursor cannot be read (the next run tries again).
 */
export async function runTriageSchedule(deps: ScheduleDeps): Promise<ScheduleReport> {
  const report: ScheduleReport = { minutes: 0, escalated: 0, timedOut: 0, skipped: 0, retried: 0, digest: 'off' };
  const nowMinute = epochMinute(epochSeconds(deps));
  const cursor = await readCursor(deps);
  let version = cursor.version;
  const first = Math.max(cursor.minute === undefined ? nowMinute - FIRST_RUN_LOOKBACK_MINUTES : cursor.minute + 1, nowMinute - 7 * 24 * 60);
  const last = Math.min(nowMinute, first + MAX_MINUTES_PER_RUN - 1);
  for (let minute = first; minute <= last; minute++) {
    for (const entry of await readDue(deps, minute)) {
      try {
        const outcome = entry.k === 'escalate' ? await escalate(deps, entry) : await timeOut(deps, entry);
        if (outcome === 'escalated') report.escalated++;
        else if (outcome === 'timed-out') report.timedOut++;
        else report.skipped++;
      } catch (error) {
        report.retried++;
        deps.logger.error('a due triage step failed; trying again next minute', { channel: entry.c, ts: entry.t, step: entry.k, error });
        await scheduleDue(deps, entry, epochSeconds(deps) + 60);
      }
    }
    if (!(await advanceCursor(deps, minute, version))) {
      deps.logger.info('another schedule run moved on meanwhile; leaving the rest to it', { minute });
      break;
    }
    version++;
    report.minutes++;
  }
  try {
    report.digest = deps.digestChannel ? await maybeSendDigest(deps, deps.digestChannel) : 'off';
  } catch (error) {
    deps.logger.error('could not send the daily digest; trying again next minute', { error });
    report.digest = 'failed';
  }
  if (report.escalated + report.timedOut + report.retried > 0 || report.digest === 'sent')
    deps.logger.info('triage schedule ran', { ...report });
  return report;
}

type StepOutcome = 'escalated' | 'timed-out' | 'skipped';

async function escalate(deps: TriageDeps, entry: DueEntry): Promise<StepOutcome> {
  const ref = { channel: entry.c, ts: entry.t };
  const now = epochSeconds(deps);
  const triage = await readTriage(deps, ref);
  if (!triage || triage.escalation.stopped || triage.escalation.nextAt === undefined || triage.escalation.nextAt > now) return 'skipped';
  const stop = await stoppedBy(deps, ref);
  if (stop) {
    await changeTriage(deps, ref, (current) =>
      current && !current.escalation.stopped
        ? { next: { ...current, escalation: { count: current.escalation.count, stopped: stop } }, result: undefined }
        : { result: undefined },
    );
    deps.logger.info('escalation stopped', { ...ref, reason: stop });
    return 'skipped';
  }
  const severity = currentSeverity(triage);
  const minutes = deps.settings.escalateAfterMinutes[severity] ?? deps.settings.escalateAfterMinutes[triage.alert.severity];
  // The claim: only the run that moves the count from what it read posts.
  const claimed = await changeTriage<TriageState | undefined>(deps, ref, (current) => {
    if (!current || current.escalation.count !== triage.escalation.count || current.escalation.nextAt !== triage.escalation.nextAt) {
      return { result: undefined };
    }
    const count = current.escalation.count + 1;
    const nextAt = count < MAX_ESCALATIONS && minutes !== undefined ? now + minutes * 60 : undefined;
    const next: TriageState = { ...current, escalation: { count, ...(nextAt !== undefined ? { nextAt } : {}) } };
    return { next, result: next };
  });
  if (!claimed) return 'skipped';
  const note = renderEscalation({
    severity,
    minutesOpen: Math.max(1, Math.round((now - triage.alert.postedAt) / 60)),
    count: claimed.escalation.count,
    max: MAX_ESCALATIONS,
    mention: responderMention(deps.responders),
    at: timeStamp(now),
  });
  try {
    await postThreadNote(deps, ref, note);
  } catch (error) {
    // Give the claim back, so that the retry next minute posts it.
    await changeTriage(deps, ref, (current) =>
      current && current.escalation.count === claimed.escalation.count
        ? { next: { ...current, escalation: triage.escalation }, result: undefined }
        : { result: undefined },
    );
    throw error;
  }
  deps.logger.info('escalated an unacknowledged alert', { ...ref, severity, escalation: claimed.escalation.count });
  if (claimed.escalation.nextAt !== undefined) await scheduleDue(deps, entry, claimed.escalation.nextAt);
  return 'escalated';
}

/** A note in the alert's thread (an escalation, an unanswered question). */
async function postThreadNote(
  deps: TriageDeps,
  ref: { channel: string; ts: string },
  note: { text: string; blocks: readonly unknown[] },
): Promise<void> {
  await deps.slack.chat.postMessage({
    channel: ref.channel,
    thread_ts: ref.ts,
    text: note.text,
    blocks: note.blocks as KnownBlock[],
    unfurl_links: false,
  });
}

/** Why escalation stops, from the alert's own state: acknowledged, or a user disabled through it. */
async function stoppedBy(deps: TriageDeps, ref: { channel: string; ts: string }): Promise<'acknowledged' | 'disabled' | undefined> {
  const { value } = await deps.store.get<unknown>(alertStateKey(ref), epochSeconds(deps));
  if (value === undefined) return undefined;
  const parsed = alertStateSchema.safeParse(value);
  if (!parsed.success) return undefined;
  if (parsed.data.acknowledged) return 'acknowledged';
  if (parsed.data.users.some((u) => u.outcome !== 'failed')) return 'disabled';
  return undefined;
}

async function timeOut(deps: TriageDeps, entry: DueEntry): Promise<StepOutcome> {
  const ref = { channel: entry.c, ts: entry.t };
  const now = epochSeconds(deps);
  const claimed = await changeTriage<TriageState | undefined>(deps, ref, (current) => {
    const ask = current?.ask;
    if (!current || !ask?.dm || ask.answer || ask.timedOut !== undefined || ask.timeoutAt > now) return { result: undefined };
    const next = { ...current, ask: { ...ask, timedOut: now } };
    return { next, result: next };
  });
  if (!claimed?.ask) return 'skipped';
  const note = renderTimeoutNote({
    userId: claimed.ask.user,
    askedAt: timeStamp(claimed.ask.askedAt),
    minutes: deps.settings.confirmTimeoutMinutes,
    at: timeStamp(now),
  });
  try {
    await postThreadNote(deps, ref, note);
  } catch (error) {
    await changeTriage(deps, ref, (current) =>
      current?.ask?.timedOut === now
        ? { next: { ...current, ask: { ...current.ask, timedOut: undefined } }, result: undefined }
        : { result: undefined },
    );
    throw error;
  }
  return 'timed-out';
}
