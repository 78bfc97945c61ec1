import type { ContextBlock, DividerBlock, HeaderBlock, KnownBlock, SectionBlock, HomeView as SlackHomeView } from '@slack/types';
import { SEVERITIES, type Severity } from './alert-view';
import { mention } from './edit-blocks';
import { SLACK_LIMITS } from './limits';
import { escapeText, inlineCode, safeText, slackDateToken, truncate } from './mrkdwn';
import { SEVERITY_EMOJI, SEVERITY_LABEL } from './render-alert';

/**
 * The App Home tab (and the pieces the daily digest shares with it): open alerts, the last days
 * by severity and by rule, the median time to acknowledge, the users disabled and not re-enabled.
 * Pure; within Slack's limit of 100 blocks per view (lists are cut with a count of the rest), and
 * everything from an event escaped.
 */

/** Slack's limit on the blocks of a Home tab view. */
export const HOME_MAX_BLOCKS = 100;
/** Open alerts and disabled users listed before "and N more". */
export const HOME_LIST_LIMIT = 30;
/** Rules listed by count. */
export const RULES_SHOWN = 15;

export interface AtTime {
  epochSeconds: number;
  iso: string;
}

/** An open alert as a line: what, who, when, and a link to it. */
export interface OpenAlertItem {
  severity: Severity;
  raised: boolean;
  headline: string;
  actor?: string;
  postedAt: number;
  /** `https://…slack.com/archives/C…/p…`, when the workspace's address is known. */
  link?: string;
}

export interface DisabledUserItem {
  user: string;
  accountId: string;
  by: string;
  at: number;
  link?: string;
  reenabled?: { by: string; at: number };
}

export interface CountsView {
  total: number;
  bySeverity: Record<Severity, number>;
  byRule: Array<{ rule: string; title?: string; count: number }>;
  posted: number;
  acknowledged: number;
  medianAckSeconds?: number;
  beyondIndex: number;
}

export interface HomeView {
  now: AtTime;
  windowDays: number;
  open: OpenAlertItem[];
  counts: CountsView;
  disabled: DisabledUserItem[];
}

/** The Home tab of someone who may see it. */
export function renderHome(view: HomeView): SlackHomeView {
  const blocks: KnownBlock[] = [
    header('iam-alerts: what needs you'),
    context(
      `Updated ${date(view.now.epochSeconds, view.now.iso)} · open this tab again to refresh · alerts of the last ${view.windowDays} days`,
    ),
    divider(),
    header(`Open alerts (${view.open.length})`),
    ...lines(
      view.open.map(openLine),
      'Nothing open: every alert of these days has been acknowledged. :tada:',
      HOME_LIST_LIMIT,
      'open alerts, oldest not shown',
    ),
    divider(),
    header(`Last ${view.windowDays} days`),
    ...countBlocks(view.counts),
    divider(),
    header(`Disabled and not re-enabled (${view.disabled.length})`),
    ...lines(view.disabled.map(disabledLine), 'No IAM user disabled through iam-alerts is still disabled.', HOME_LIST_LIMIT, 'users'),
  ];
  return { type: 'home', blocks: blocks.slice(0, HOME_MAX_BLOCKS) };
}

/** The Home tab of someone who may not see alerts: who may, and nothing else. */
export function renderHomeRefused(message: string): SlackHomeView {
  return {
    type: 'home',
    blocks: [header('iam-alerts'), section(`:lock: ${safeText(message, 1000)}`)],
  };
}

/** Counts by severity and rule, acknowledgement speed: shared with the digest. */
export function countBlocks(counts: CountsView): KnownBlock[] {
  const severities = SEVERITIES.map((s) => `${SEVERITY_EMOJI[s]} *${SEVERITY_LABEL[s]}:* ${counts.bySeverity[s]}`).join('   ');
  const blocks: KnownBlock[] = [section(`*${counts.total} alert${counts.total === 1 ? '' : 's'}*   ${severities}`)];
  if (counts.byRule.length > 0) {
    const shown = counts.byRule
      .slice(0, RULES_SHOWN)
      .map((r) => `• ${r.count} × ${r.title ? `${safeText(r.title, 150)} ` : ''}${inlineCode(r.rule, 128)}`);
    const more = counts.byRule.length > RULES_SHOWN ? `\n…and ${counts.byRule.length - RULES_SHOWN} more rules` : '';
    blocks.push(section(`*By rule*\n${shown.join('\n')}${more}`));
  }
  const ack =
    counts.medianAckSeconds === undefined
      ? `None of the ${counts.posted} top-level alerts was acknowledged.`
      : `Median time to acknowledge: *${duration(counts.medianAckSeconds)}* (${counts.acknowledged} of ${counts.posted} top-level alerts acknowledged).`;
  const beyond = counts.beyondIndex > 0 ? ` ${counts.beyondIndex} alerts beyond the index's daily bound are counted without detail.` : '';
  blocks.push(context(`${ack}${beyond}`));
  return blocks;
}

export function openLine(alert: OpenAlertItem): string {
  const title = safeText(alert.headline, 150).replace(/\|/g, '¦');
  const what = alert.link ? `<${alert.link}|${title}>` : title;
  const raised = alert.raised ? ' :rotating_light: _raised: the actor said it was not them_' : '';
  const actor = alert.actor ? ` · ${safeText(alert.actor, 100)}` : '';
  return `${SEVERITY_EMOJI[alert.severity]} *${what}*${actor} · ${date(alert.postedAt)}${raised}`;
}

export function disabledLine(user: DisabledUserItem): string {
  const name = inlineCode(user.user, 64);
  const where = user.link ? ` (<${user.link}|alert>)` : '';
  const back = user.reenabled ? `; re-enabled by ${mention(user.reenabled.by)} at ${date(user.reenabled.at)}` : '';
  return `:lock: ${name} in ${inlineCode(user.accountId || 'unknown', 32)} by ${mention(user.by)} at ${date(user.at)}${where}${back}`;
}

/** `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} d${hours % 24 ? ` ${hours % 24} h` : ''}`;
}

/**
 * Lines as few sections as they fit in (each within Slack's 3,000 characters), at most `limit`
 * lines and a count of the rest; `empty` when there are none.
 */
export function lines(items: string[], empty: string, limit: number, noun: string): KnownBlock[] {
  if (items.length === 0) return [context(empty)];
  const blocks: KnownBlock[] = [];
  let chunk = '';
  for (const line of items.slice(0, limit)) {
    const cut = truncate(line, 1_000);
    if (chunk && chunk.length + cut.length + 1 > SLACK_LIMITS.sectionText) {
      blocks.push(section(chunk));
      chunk = '';
    }
    chunk = chunk ? `${chunk}\n${cut}` : cut;
  }
  if (chunk) blocks.push(section(chunk));
  if (items.length > limit) blocks.push(context(`…and ${items.length - limit} more ${noun}`));
  return blocks;
}

function date(epochSeconds: number, iso = new Date(epochSeconds * 1000).toISOString()): string {
  return slackDateToken(epochSeconds, '{date_short_pretty} {time}', iso);
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(escapeText(text), SLACK_LIMITS.headerText), emoji: true } };
}

export function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) } };
}

export function context(text: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.contextText) }] };
}

function divider(): DividerBlock {
  return { type: 'divider' };
}
