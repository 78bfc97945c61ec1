import type { App } from '@slack/bolt';
import { renderHistoryHelp, renderHistoryNotice, renderHistoryPending } from '../../../blocks/render-history';
import { accountIdFromAliases } from '../../accounts/account-directory';
import { startHistoryCursor } from '../../history/cursor';
import type { HistoryJobPayload } from '../../history/history-job';
import { historyHelpView } from '../../history/history-scope';
import { describeQuery, parseHistoryCommand } from '../../history/query';
import { authorizeHistoryViewer } from '../../slack/responders';
import type { SlackAppDeps } from '../../slack-deps';

/** The slash command, as declared in manifest.yml. */
export const IAM_EVENTS_COMMAND = '/iam-events';

/**
 * `/iam-events [filters]`: answers help and bad syntax at once in the ack; for a search, checks
 * that the user may search (responders and the viewer group: the results name actors and source
 * IPs), acks "Searching…" and defers the `history` job, which calls CloudTrail and replies through
 * the command's response_url. Nothing here waits on AWS (only Slack, for a user group's members),
 * so Slack's 3-second deadline holds even on a cold start.
 */
export function registerIamEventsCommand(app: App, deps: SlackAppDeps): void {
  app.command(IAM_EVENTS_COMMAND, async ({ command, ack }) => {
    const context = { command: IAM_EVENTS_COMMAND, slackUser: command.user_id, channel: command.channel_id };
    const parsed = parseHistoryCommand(command.text);
    if (parsed.kind === 'help') {
      await ack({ response_type: 'ephemeral', ...renderHistoryHelp(historyHelpView(deps.config)) });
      return;
    }
    if (parsed.kind === 'invalid') {
      deps.logger.info('history command rejected', { ...context, problems: parsed.problems.length });
      await ack({
        response_type: 'ephemeral',
        ...renderHistoryNotice({
          emoji: ':grey_question:',
          title: "I couldn't read that search",
          lines: [...parsed.problems, 'Type `/iam-events help` for the syntax.'],
        }),
      });
      return;
    }
    const verdict = await authorizeHistoryViewer(command.user_id, deps);
    if (!verdict.allowed) {
      deps.logger.warn('history search refused', { ...context, reason: verdict.reason });
      await ack({
        response_type: 'ephemeral',
        ...renderHistoryNotice({ emoji: ':lock:', title: 'You may not search IAM activity', lines: [verdict.message] }),
      });
      return;
    }
    // An account the settings name (ID or alias) is checked now; a name only the organization knows
    // is resolved, and checked, in the job.
    const accountId = parsed.query.account ? accountIdFromAliases(parsed.query.account, deps.config.accountAliases) : undefined;
    const account = accountId ? deps.accounts.check(accountId) : undefined;
    if (account && !account.allowed) {
      deps.logger.warn('history search refused: account', { ...context, accountId, reason: account.reason });
      await ack({
        response_type: 'ephemeral',
        ...renderHistoryNotice({ emoji: ':no_entry:', title: `Account ${accountId} cannot be searched`, lines: [account.message] }),
      });
      return;
    }
    // The window is fixed now: every page of this search (More) reuses the same StartTime/EndTime.
    const payload: HistoryJobPayload = {
      responseUrl: command.response_url,
      userId: command.user_id,
      query: parsed.query,
      cursor: startHistoryCursor(parsed.query, deps.config.historyRegions, deps.clock(), accountId),
      page: 1,
    };
    await ack({ response_type: 'ephemeral', ...renderHistoryPending(describeQuery(parsed.query)) });
    try {
      await deps.defer('history', payload);
      deps.logger.info('history search deferred', { ...context, filters: describeQuery(parsed.query) });
    } catch (error) {
      deps.logger.error('could not start the history search', { ...context, error });
      await deps
        .respond(command.response_url, {
          response_type: 'ephemeral',
          ...renderHistoryNotice({ emoji: ':warning:', title: 'The search could not be started', lines: ['Try again in a moment.'] }),
        })
        .catch((respondError: unknown) => deps.logger.error('could not tell the user', { ...context, error: respondError }));
    }
  });
}
