import * as z from 'zod';
import { SLACK_LIMITS } from '../../blocks/limits';
import type { RenderedMessage } from '../../blocks/render-alert';
import { type HistoryPageView, renderHistory, renderHistoryNotice } from '../../blocks/render-history';
import { AccountAccessError, AccountRefusedError } from '../accounts/errors';
import type { JobHandler } from '../jobs/types';
import { authorizeHistoryViewer } from '../slack/responders';
import type { SlackAppDeps } from '../slack-deps';
import { encodeMoreButton, historyCursorSchema } from './cursor';
import { HistoryLookupError, UnknownAccountError } from './errors';
import { matchesQuery } from './history-event';
import { historyEventSources } from './history-scope';
import { toHistoryEntryView } from './history-view';
import { type LookupIamHistoryResult, lookupIamHistory } from './lookup';
import { createLookupPacer, type LookupPacer } from './pacer';
import { describeQuery, type HistoryQuery, historyQuerySchema } from './query';

/**
 * The deferred half of `/iam-events` and its More button: reads CloudTrail's event history and
 * answers through the interaction's `response_url`, visible only to the user who asked.
 */

/**
 * Wall-clock time one page of search may take before it stops and offers More. Well inside the
 * Slack handler's Lambda timeout (the job also posts the answer), and long enough for ~40 paced
 * LookupEvents calls (2,000 events) per region.
 */
export const HISTORY_BUDGET_MS = 20_000;

export const historyJobPayloadSchema = z.strictObject({
  /** Where the answer goes: the slash command's or the button click's own response_url. */
  responseUrl: z.url({ protocol: /^https?$/ }),
  /** Who asked (from the verified Slack request): re-checked here, as Disable User's job does. */
  userId: z.string().regex(/^[A-Z0-9]{2,40}$/),
  query: historyQuerySchema,
  /** The search's fixed window and position (see `startHistoryCursor`). */
  cursor: historyCursorSchema,
  /** 1 for the command's answer, 2+ for each More. */
  page: z.number().int().min(1).max(10_000),
});
export type HistoryJobPayload = z.infer<typeof historyJobPayloadSchema>;

// One pacer per dependency set: jobs that share a process (local mode) share the 2 calls/s.
const pacers = new WeakMap<SlackAppDeps, LookupPacer>();
/** The pacer of `account`'s regions: CloudTrail's 2 calls/s are per account and region. */
function pacerFor(deps: SlackAppDeps, account: string | undefined): LookupPacer {
  let pacer = pacers.get(deps);
  if (!pacer) {
    pacer = createLookupPacer({ now: () => deps.clock().getTime(), sleep: deps.sleep });
    pacers.set(deps, pacer);
  }
  const shared = pacer;
  return account ? { wait: (region) => shared.wait(`${account}/${region}`) } : shared;
}

/**
 * The account a search reads, as an ID: the cursor's once resolved, else the `account:` of the
 * query (an ID, an alias, or a name in the organization); `undefined` for iam-alerts' own account.
 * @throws UnknownAccountError when `account:` names nothing known.
 */
async function searchedAccount(payload: HistoryJobPayload, deps: SlackAppDeps): Promise<string | undefined> {
  if (payload.cursor.account) return payload.cursor.account;
  const reference = payload.query.account;
  if (reference === undefined) return undefined;
  const id = await deps.accounts.directory.resolve(reference);
  if (!id) throw new UnknownAccountError(`no account is called ${reference}`, { reference });
  return id;
}

/** The `history` job: LookupEvents for one page, then one ephemeral reply. */
export const historyJob: JobHandler<HistoryJobPayload> = {
  kind: 'history',
  schema: historyJobPayloadSchema,
  run: async (payload, deps) => {
    const context = { job: 'history', slackUser: payload.userId, page: payload.page, filters: describeQuery(payload.query) };
    let message: RenderedMessage;
    const verdict = await authorizeHistoryViewer(payload.userId, deps);
    if (!verdict.allowed) {
      deps.logger.warn('history search refused in job', { ...context, reason: verdict.reason });
      await deps
        .respond(payload.responseUrl, {
          response_type: 'ephemeral',
          replace_original: false,
          ...renderHistoryNotice({ emoji: ':lock:', title: 'You may not search IAM activity', lines: [verdict.message] }),
        })
        .catch((error: unknown) => deps.logger.error('could not tell the user', { ...context, error }));
      return;
    }
    const eventSources = historyEventSources(deps.config);
    let accountId: string | undefined;
    try {
      accountId = await searchedAccount(payload, deps);
      // The account's own CloudTrail: its IamAlertsResponder role outside the home account, in a
      // session named for the user who asked; refused outside the configured accounts.
      const account = await deps.accounts.clientsFor(accountId ?? '', payload.userId);
      const cursor = accountId ? { ...payload.cursor, account: accountId } : payload.cursor;
      const result = await lookupIamHistory(cursor, {
        clientFor: account.cloudtrail,
        limit: payload.query.limit,
        filter: (event) => matchesQuery(event, payload.query, eventSources),
        pacer: pacerFor(deps, accountId),
        budgetMs: HISTORY_BUDGET_MS,
        now: () => deps.clock().getTime(),
        sleep: deps.sleep,
        logger: deps.logger,
      });
      deps.logger.info('history page ready', {
        ...context,
        accountId,
        stop: result.stop,
        matched: result.events.length,
        scanned: result.scanned,
      });
      const name = accountId ? await deps.accounts.directory.nameOf(accountId) : undefined;
      message = renderHistory(buildHistoryPage({ ...payload, cursor }, result, accountId ? { id: accountId, name } : undefined));
    } catch (error) {
      const expected = error instanceof UnknownAccountError || error instanceof AccountRefusedError;
      deps.logger[expected ? 'warn' : 'error']('history search failed', { ...context, accountId, error });
      message = renderHistoryNotice(historyFailureNotice(error, payload.query, accountId));
    }
    try {
      // Each job posts once to its response_url (Slack allows 5 within 30 minutes, and every
      // command or button click brings a fresh one), so More never runs into that limit.
      await deps.respond(payload.responseUrl, { response_type: 'ephemeral', replace_original: false, ...message });
    } catch (error) {
      // Nobody else can tell the user; Lambda's retry would repeat the whole search.
      deps.logger.error('could not post the history reply', { ...context, error });
    }
  },
};

/**
 * Turns a lookup result into the page view, with a More button that continues the same search (in
 * the same account: the cursor carries it).
 */
export function buildHistoryPage(
  payload: HistoryJobPayload,
  result: LookupIamHistoryResult,
  account?: { id: string; name?: string },
): HistoryPageView {
  const regions = [...new Set(payload.cursor.streams.map((s) => s.region))];
  const view: HistoryPageView = {
    filters: describeQuery(payload.query),
    window: { start: payload.cursor.startTime, end: payload.cursor.endTime },
    regions,
    entries: result.events.map(toHistoryEntryView),
    scanned: result.scanned,
    page: payload.page,
    end: result.stop,
    budgetSeconds: Math.round(HISTORY_BUDGET_MS / 1000),
    ...(account ? { account } : {}),
  };
  if (result.cursor) {
    const value = encodeMoreButton({ query: payload.query, cursor: result.cursor, page: payload.page + 1 });
    if (value.length <= SLACK_LIMITS.buttonValue) view.moreValue = value;
    else
      view.moreUnavailable = `More cannot carry this search (${regions.length} regions); narrow it with a shorter since: or a filter to see older events`;
  }
  return view;
}

/**
 * The specific message for a failed search: what went wrong, where, and what to do.
 * @param accountId the account searched, when not iam-alerts' own.
 */
export function historyFailureNotice(
  error: unknown,
  query: HistoryQuery,
  accountId?: string,
): { emoji: string; title: string; lines: string[] } {
  if (error instanceof UnknownAccountError) {
    return {
      emoji: ':grey_question:',
      title: `No account is called ${error.reference}`,
      lines: ['Give `account:` its 12-digit ID, a name from ACCOUNT_ALIASES, or its name in the organization (without spaces).'],
    };
  }
  if (error instanceof AccountRefusedError) {
    return { emoji: ':no_entry:', title: `Account ${error.accountId} cannot be searched`, lines: [error.message] };
  }
  if (error instanceof AccountAccessError) {
    return { emoji: ':lock:', title: `iam-alerts could not enter account ${error.accountId}`, lines: [error.message] };
  }
  if (!(error instanceof HistoryLookupError)) {
    return { emoji: ':warning:', title: 'The CloudTrail search failed unexpectedly', lines: ['The details are in the logs. Try again.'] };
  }
  switch (error.kind) {
    case 'access-denied':
      return {
        emoji: ':lock:',
        title: `CloudTrail refused the search in ${error.region}${accountId ? ` of account ${accountId}` : ''} (${error.code ?? 'AccessDenied'})`,
        lines: accountId
          ? [
              `The IamAlertsResponder role of account ${accountId} may not call cloudtrail:LookupEvents in ${error.region}.`,
              'Deploy the current member stack to that account (it grants it), or remove the region from HISTORY_REGIONS.',
            ]
          : [
              `iam-alerts is not allowed to call cloudtrail:LookupEvents in ${error.region}.`,
              "Grant it to the Slack handler's role (the CDK stack does), or remove the region from HISTORY_REGIONS.",
            ],
      };
    case 'credentials':
      return {
        emoji: ':key:',
        title: 'iam-alerts has no valid AWS credentials for CloudTrail',
        lines: [`${error.code ?? 'The credentials'} were rejected in ${error.region}. Check the role or the local AWS profile.`],
      };
    case 'expired-cursor':
      return {
        emoji: ':hourglass_flowing_sand:',
        title: 'This search can no longer be continued',
        lines: [`CloudTrail no longer accepts its page token. Run it again: /iam-events ${describeQuery(query)}`],
      };
    case 'region':
      return {
        emoji: ':earth_africa:',
        title: `Region ${error.region} cannot be searched`,
        lines: ['It is not enabled for this account or does not exist. Check HISTORY_REGIONS.'],
      };
    default:
      return {
        emoji: ':warning:',
        title: `The CloudTrail search failed in ${error.region}`,
        lines: [`CloudTrail answered ${error.code ?? 'with an error'}. Try again; if it keeps failing, the details are in the logs.`],
      };
  }
}
