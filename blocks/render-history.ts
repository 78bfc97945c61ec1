import type { ActionsBlock, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { AlertOutcome } from './alert-view';
import { ACTION_IDS } from './ids';
import { SLACK_LIMITS } from './limits';
import { escapeText, inlineCode, safeText, slackDateToken, truncate } from './mrkdwn';
import type { RenderedMessage } from './render-alert';

/**
 * Renderers for `/iam-events`: a page of CloudTrail history, the help text, and the notices for
 * bad syntax and failures. Pure: plain data in, blocks and a text fallback out. Every string that
 * came from an event or from the user's command is escaped here.
 */

/** One line of history. Strings are raw (unescaped) event data. */
export interface HistoryEntryView {
  /** Event time; `undefined` when CloudTrail gave none. */
  epochSeconds?: number;
  eventName: string;
  actor: { typeLabel: string; name: string };
  /** Whom or what the event acted on: "user bob". */
  target?: string;
  sourceIp?: string;
  outcome: AlertOutcome;
  region: string;
}

/** Why the page ended: all found, more to read, or stopped early by time or throttling. */
export type HistoryPageEnd = 'exhausted' | 'limit' | 'budget' | 'throttled';

export interface HistoryPageView {
  /** The filters as the user would type them: `user:alice since:7d limit:20`. Raw. */
  filters: string;
  /** The fixed window of the search, epoch seconds. */
  window: { start: number; end: number };
  regions: string[];
  entries: HistoryEntryView[];
  /** Events read from CloudTrail for this page, matching or not. */
  scanned: number;
  /** 1 for the command's answer, 2+ for each More. */
  page: number;
  end: HistoryPageEnd;
  /** Seconds the search may run before it stops and offers More. */
  budgetSeconds: number;
  /** Value of the More button; absent when there is nothing more (or it cannot be offered). */
  moreValue?: string;
  /** Why More is not offered although there is more (raw text). */
  moreUnavailable?: string;
  /** The account searched, when the search named one (`account:`); its name raw. */
  account?: { id: string; name?: string };
}

const MAX_LINE = 400;

/** Renders one page of history: a summary, one line per event, how it ended, and More. */
export function renderHistory(view: HistoryPageView): RenderedMessage {
  const count = view.entries.length;
  const pageNote = view.page > 1 ? ` (page ${view.page})` : '';
  const where = view.account
    ? ` · account ${inlineCode(view.account.id, 32)}${view.account.name ? ` (${safeText(view.account.name, 100)})` : ''}`
    : '';
  const scope = `${escapeText(view.filters)} · ${windowText(view.window)} · ${escapeText(view.regions.join(', '))}${where}`;
  const headline =
    count > 0
      ? `:mag: *${count} IAM event${count === 1 ? '' : 's'}*${pageNote}, newest first · ${scope}`
      : `:mag: *No IAM events${view.page > 1 ? ' on this page' : ''}* matched${pageNote} · ${scope}`;

  const blocks: KnownBlock[] = [mrkdwnSection(headline)];
  for (const chunk of chunkLines(view.entries.map(entryLine), SLACK_LIMITS.sectionText)) blocks.push(mrkdwnSection(chunk));
  if (count === 0 && view.end === 'exhausted') {
    blocks.push(mrkdwnSection(emptyHint(view)));
  }

  const footer: string[] = [`${view.scanned} event${view.scanned === 1 ? '' : 's'} read from CloudTrail`, endNote(view)];
  if (view.moreUnavailable) footer.push(escapeText(view.moreUnavailable));
  blocks.push(context(footer.filter(Boolean).join(' · ')));

  if (view.moreValue) {
    const actions: ActionsBlock = {
      type: 'actions',
      block_id: `history.more.${view.page}`,
      elements: [
        {
          type: 'button',
          action_id: ACTION_IDS.historyMore,
          text: { type: 'plain_text', text: 'More', emoji: true },
          value: view.moreValue,
        },
      ],
    };
    blocks.push(actions);
  }

  const fallbackLines = view.entries.slice(0, 20).map(fallbackLine);
  const inAccount = view.account ? ` in account ${view.account.id}${view.account.name ? ` (${view.account.name})` : ''}` : '';
  const summary =
    count > 0
      ? `${count} IAM event${count === 1 ? '' : 's'}${pageNote} for ${view.filters}${inAccount}${view.moreValue ? ' (more available)' : ''}`
      : `No IAM events matched ${view.filters}${inAccount}${pageNote}`;
  return { text: safeText([summary, ...fallbackLines].join('\n'), SLACK_LIMITS.fallbackText), blocks };
}

/** What the help says about the search's scope and who may use it. */
export interface HistoryHelpView {
  regions: string[];
  /** Service hosts an `event:` search may return. */
  eventSources: string[];
  /** Slack user groups whose members may search (responders' and viewers'), when configured. */
  responderUserGroupId?: string;
  viewerUserGroupId?: string;
  /** False when nobody may search (no responders and no viewer group). */
  searchEnabled: boolean;
  /**
   * Which other accounts `account:` may name: none (single-account), any in the organization, or
   * those of an allow-list (12-digit IDs, with their aliases when known). Default: none.
   */
  otherAccounts?: { kind: 'none' } | { kind: 'organization' } | { kind: 'listed'; accounts: Array<{ id: string; name?: string }> };
}

/** The reply to `/iam-events help`. */
export function renderHistoryHelp(view: HistoryHelpView): RenderedMessage {
  const services = view.eventSources.map((s) => s.replace(/\.amazonaws\.com$/, '')).join(', ');
  const text = [
    '*`/iam-events`* searches recent IAM and sign-in activity in CloudTrail (event history, up to 90 days).',
    '',
    '*Filters* (combine any, each once):',
    '• `user:<name>`: the IAM user as the caller *or* as the user acted on',
    '• `actor:<name>`: who made the call: an IAM user, or a role session or SSO user name (CloudTrail\'s "User name")',
    `• \`event:<EventName>\`: one API, as CloudTrail names it, e.g. \`event:CreateAccessKey\` (only the services iam-alerts watches: ${escapeText(services)})`,
    '• `ip:<address>`: source IP address',
    '• `since:<N>m|h|d`: how far back, up to `90d` (default `24h`)',
    '• `limit:<N>`: results per page, up to 100 (default 20)',
    accountLine(view.otherAccounts ?? { kind: 'none' }),
    '',
    '*Examples:* `/iam-events user:alice since:7d` · `/iam-events event:ConsoleLogin ip:203.0.113.7` · `/iam-events actor:deploy-bot limit:50`',
  ].join('\n');
  // Group IDs, not `<!subteam^…>` mentions: help must not ping anyone.
  const groups = [view.responderUserGroupId, view.viewerUserGroupId].filter((g): g is string => !!g);
  const who = view.searchEnabled
    ? `*Who may search:* the responders${groups.length > 0 ? ` and members of the user group${groups.length > 1 ? 's' : ''} ${groups.map((g) => inlineCode(g, 40)).join(', ')}` : ''}. The results show who did what from where, so others are refused.`
    : '*Who may search:* nobody yet: an admin sets the responders (`RESPONDER_USER_IDS`, `RESPONDER_USERGROUP_ID`) or a viewer group (`HISTORY_VIEWER_USERGROUP_ID`).';
  const blocks: KnownBlock[] = [
    mrkdwnSection(text),
    mrkdwnSection(who),
    context(
      `Searches ${escapeText(view.regions.join(', '))}${view.otherAccounts && view.otherAccounts.kind !== 'none' ? ' of the account searched' : ''}. Replies are visible only to you; *More* continues the same search. CloudTrail allows 2 lookups per second, so long searches page.`,
    ),
  ];
  return {
    text: 'Usage: /iam-events [user:<name>] [actor:<name>] [event:<EventName>] [ip:<address>] [since:<N>m|h|d] [limit:<N>] [account:<id|name>]',
    blocks,
  };
}

function accountLine(other: NonNullable<HistoryHelpView['otherAccounts']>): string {
  const intro = '• `account:<id|name>`: which account to search (default: the one iam-alerts runs in)';
  if (other.kind === 'none') return `${intro}; this deployment watches that one only`;
  if (other.kind === 'organization') {
    return `${intro}: any account of the organization with the member stack, by its 12-digit ID, alias or name, e.g. \`account:prod\``;
  }
  const listed = other.accounts
    .slice(0, 20)
    .map((a) => `${inlineCode(a.id, 12)}${a.name ? ` (${safeText(a.name, 40)})` : ''}`)
    .join(', ');
  return `${intro}: also ${listed}${other.accounts.length > 20 ? ', …' : ''}`;
}

/** A short reply that says what went wrong and what to do: bad syntax, AccessDenied, an expired page. */
export function renderHistoryNotice(notice: { emoji: string; title: string; lines: string[] }): RenderedMessage {
  // `lines` may quote the user's command: escaped here like event data.
  const body = [`${notice.emoji} *${escapeText(notice.title)}*`, ...notice.lines.map(escapeText)].join('\n');
  return {
    text: safeText([notice.title, ...notice.lines].join(' '), SLACK_LIMITS.fallbackText),
    blocks: [mrkdwnSection(body)],
  };
}

function entryLine(entry: HistoryEntryView): string {
  const who = `${escapeText(entry.actor.name)} _(${escapeText(entry.actor.typeLabel)})_`;
  const parts = [
    timeToken(entry.epochSeconds),
    `*${escapeText(entry.eventName)}*`,
    entry.target ? `${who} → ${escapeText(entry.target)}` : who,
    entry.sourceIp ? inlineCode(entry.sourceIp, 64) : undefined,
    outcomeText(entry.outcome),
  ];
  return truncate(`• ${parts.filter(Boolean).join('  ·  ')}`, MAX_LINE);
}

function fallbackLine(entry: HistoryEntryView): string {
  const time = entry.epochSeconds === undefined ? '?' : isoSeconds(entry.epochSeconds);
  const target = entry.target ? ` → ${entry.target}` : '';
  const result = entry.outcome.kind === 'success' ? 'ok' : entry.outcome.error;
  return `${time} ${entry.eventName} ${entry.actor.name}${target} ${entry.sourceIp ?? ''} ${result}`.replace(/\s+/g, ' ').trim();
}

function outcomeText(outcome: AlertOutcome): string {
  if (outcome.kind === 'success') return ':white_check_mark:';
  const emoji = outcome.kind === 'denied' ? ':no_entry:' : ':x:';
  return `${emoji} ${safeText(outcome.error, 80)}`;
}

/** A Slack date token: each reader sees their own time zone; the ISO time is the fallback. */
function timeToken(epochSeconds: number | undefined): string {
  if (epochSeconds === undefined) return '`time unknown`';
  return slackDateToken(epochSeconds, '{date_short} {time_secs}', isoSeconds(epochSeconds));
}

function windowText(window: { start: number; end: number }): string {
  return `${timeToken(window.start)} to ${timeToken(window.end)}`;
}

function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

function endNote(view: HistoryPageView): string {
  switch (view.end) {
    case 'exhausted':
      return view.page > 1 || view.entries.length > 0 ? 'end of results' : '';
    case 'limit':
      return view.moreValue ? 'press *More* for older events' : '';
    case 'budget':
      return `:hourglass: stopped after the ${view.budgetSeconds}s search budget${view.moreValue ? '; press *More* to keep searching' : ''}`;
    case 'throttled':
      return `:snail: CloudTrail is throttling lookups (2 per second per region, shared by the account)${view.moreValue ? '; press *More* in a moment to continue' : ''}`;
  }
}

function emptyHint(view: HistoryPageView): string {
  return view.filters.includes('since:24h')
    ? 'Nothing in this window. Widen it with `since:7d` (up to `since:90d`), or drop a filter.'
    : 'Nothing in this window. Widen it (up to `since:90d`), or drop a filter.';
}

/** Joins lines into chunks that each fit `max` characters, never splitting a line. */
function chunkLines(lines: string[], max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + 1 + line.length > max) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  return chunks;
}

function mrkdwnSection(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) } };
}

function context(text: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text || ' ', SLACK_LIMITS.contextText) }] };
}

/** The command's immediate answer (the ack), while the search runs in the background. */
export function renderHistoryPending(filters: string): RenderedMessage {
  const text = `:mag: Searching CloudTrail for ${escapeText(filters)}… the results will appear here, visible only to you.`;
  return { text: safeText(`Searching CloudTrail for ${filters}…`, SLACK_LIMITS.fallbackText), blocks: [mrkdwnSection(text)] };
}
