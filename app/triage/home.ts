import type { HomeView as SlackHomeView } from '@slack/types';
import type { DisabledUserItem, HomeView, OpenAlertItem } from '../../blocks/render-home';
import { renderHome } from '../../blocks/render-home';
import { timeStamp } from '../events/event-time';
import { type DisabledUser, readDays, readDisabledUsers } from './alert-index';
import { type IndexedDay, type OpenAlert, openAlerts, stillDisabled, summarise, utcDaysBetween } from './summary';
import { epochSeconds, type TriageDeps } from './triage-deps';
import { messageLink, workspaceUrl } from './workspace-links';

/**
 * The Home tab's content for someone who may see it, from the alert index: 8 day items (today
 * and the 7 days before, UTC) and the disabled-users item, read in parallel. That is the whole
 * cost, however many alerts there were.
 */

/** Days the Home tab covers. */
export const HOME_WINDOW_DAYS = 7;

/**
 * Builds the Home tab view.
 * @throws StateStoreError when the index cannot be read.
 */
export async function buildHomeView(deps: Pick<TriageDeps, 'store' | 'logger' | 'now' | 'slack'>): Promise<SlackHomeView> {
  const now = epochSeconds(deps);
  const from = now - HOME_WINDOW_DAYS * 86_400;
  const dayNames = utcDaysBetween(from, now + 1);
  const [indexes, disabled, base] = await Promise.all([
    readDays(deps, dayNames),
    readDisabledUsers(deps),
    workspaceUrl(deps.slack, deps.logger),
  ]);
  const days: IndexedDay[] = dayNames.map((day, i) => ({ day, index: indexes[i]! }));
  const view: HomeView = {
    now: timeStamp(now),
    windowDays: HOME_WINDOW_DAYS,
    open: openAlerts(days)
      .filter((a) => a.postedAt >= from)
      .map((a) => openItem(a, base)),
    counts: summarise(days, from, now + 1),
    disabled: stillDisabled(disabled).map((u) => disabledItem(u, base)),
  };
  return renderHome(view);
}

export function openItem(alert: OpenAlert, base: string | undefined): OpenAlertItem {
  return {
    severity: alert.severity,
    raised: alert.raised,
    headline: alert.headline,
    actor: alert.actor,
    postedAt: alert.postedAt,
    link: messageLink(base, alert.channel, alert.ts),
  };
}

export function disabledItem(user: DisabledUser, base: string | undefined): DisabledUserItem {
  return {
    user: user.u,
    accountId: user.a,
    by: user.by,
    at: user.at,
    link: messageLink(base, user.c, user.t),
    ...(user.re !== undefined && user.reBy ? { reenabled: { by: user.reBy, at: user.re } } : {}),
  };
}
