import { SEVERITIES, type Severity } from '../../blocks/alert-view';
import type { DayIndex, DisabledUser } from './alert-index';

/**
 * What the Home tab and the digest say about a span of time, worked out from the alert index
 * alone (no other read): counts by severity and rule, what is still open, how fast alerts were
 * acknowledged, who was disabled. Pure.
 */

/** A day item with the UTC day it covers. */
export interface IndexedDay {
  day: string;
  index: DayIndex;
}

export interface OpenAlert {
  channel: string;
  ts: string;
  /** Critical when the actor answered No, else as posted. */
  severity: Severity;
  raised: boolean;
  /** Raw text. */
  headline: string;
  actor?: string;
  postedAt: number;
}

export interface RuleCount {
  rule: string;
  title?: string;
  count: number;
}

export interface Summary {
  /** Epoch seconds, `from` included, `to` not. */
  from: number;
  to: number;
  total: number;
  bySeverity: Record<Severity, number>;
  /** Most alerts first. */
  byRule: RuleCount[];
  /** Top-level alerts posted in the span, and how many of them were acknowledged. */
  posted: number;
  acknowledged: number;
  /** Median seconds from posting to acknowledgement, over the acknowledged ones. */
  medianAckSeconds?: number;
  /**
   * Alerts past the index's daily bounds, counted only by the UTC day and hour they fell in: they
   * are in `total`, and in `bySeverity`/`byRule` only for whole days inside the span.
   */
  beyondIndex: number;
}

/** Counts of the alerts delivered in `[from, to)` (posted and grouped). */
export function summarise(days: readonly IndexedDay[], from: number, to: number): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const rules = new Map<string, number>();
  const titles: Record<string, string> = {};
  let total = 0;
  let posted = 0;
  let beyondIndex = 0;
  const ackTimes: number[] = [];
  const count = (severity: Severity, rule: string, n = 1) => {
    bySeverity[severity] += n;
    rules.set(rule, (rules.get(rule) ?? 0) + n);
    total += n;
  };
  for (const { day, index } of days) {
    Object.assign(titles, index.titles);
    for (const alert of index.alerts) {
      if (alert.p < from || alert.p >= to) continue;
      count(alert.s, alert.r);
      posted++;
      if (alert.k !== undefined) ackTimes.push(Math.max(0, alert.k - alert.p));
    }
    for (const [at, severity, rule] of index.grouped) if (at >= from && at < to) count(severity, rule);
    const dayStart = Date.parse(`${day}T00:00:00Z`) / 1000;
    if (dayStart >= from && dayStart + 86_400 <= to) {
      for (const [severity, n] of Object.entries(index.overflow.severity)) bySeverity[severity as Severity] += n;
      for (const [rule, n] of Object.entries(index.overflow.rule)) rules.set(rule, (rules.get(rule) ?? 0) + n);
      const n = Object.values(index.overflow.hours).reduce((a, b) => a + b, 0);
      total += n;
      beyondIndex += n;
    } else {
      for (const [hour, n] of Object.entries(index.overflow.hours)) {
        const at = dayStart + Number(hour) * 3_600;
        if (at >= from && at < to) {
          total += n;
          beyondIndex += n;
        }
      }
    }
  }
  const byRule = [...rules.entries()]
    .map(([rule, n]) => ({ rule, title: titles[rule], count: n }))
    .sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule));
  return { from, to, total, bySeverity, byRule, posted, acknowledged: ackTimes.length, medianAckSeconds: median(ackTimes), beyondIndex };
}

/** Every top-level alert of `days` nobody has acknowledged, newest first. */
export function openAlerts(days: readonly IndexedDay[]): OpenAlert[] {
  return days
    .flatMap(({ index }) => index.alerts)
    .filter((a) => a.k === undefined)
    .sort((a, b) => b.p - a.p || b.t.localeCompare(a.t))
    .map((a) => ({
      channel: a.c,
      ts: a.t,
      severity: a.x !== undefined ? 'critical' : a.s,
      raised: a.x !== undefined,
      headline: a.h,
      actor: a.a,
      postedAt: a.p,
    }));
}

/** Users disabled and not re-enabled, newest first. */
export function stillDisabled(users: readonly DisabledUser[]): DisabledUser[] {
  return users.filter((u) => u.re === undefined).sort((a, b) => b.at - a.at);
}

/** Users disabled in `[from, to)`, re-enabled since or not, oldest first. */
export function disabledBetween(users: readonly DisabledUser[], from: number, to: number): DisabledUser[] {
  return users.filter((u) => u.at >= from && u.at < to).sort((a, b) => a.at - b.at);
}

/** The UTC days from `from` to `to` (epoch seconds), oldest first. */
export function utcDaysBetween(from: number, to: number): string[] {
  const days: string[] = [];
  for (let day = Math.floor(from / 86_400); day * 86_400 < to; day++) days.push(new Date(day * 86_400_000).toISOString().slice(0, 10));
  return days;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round(((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2);
}
