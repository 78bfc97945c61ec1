import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION_IDS } from '../../../blocks/ids';
import { renderHistoryNotice } from '../../../blocks/render-history';
import { decodeMoreButton, type MoreButtonState } from '../../history/cursor';
import type { HistoryJobPayload } from '../../history/history-job';
import { authorizeHistoryViewer } from '../../slack/responders';
import type { SlackAppDeps } from '../../slack-deps';

/**
 * The More button under an `/iam-events` page: acks, checks the clicker may search (a page can be
 * forwarded or its button reached by someone else), reads the search's state back from the
 * button (query, fixed window, NextTokens) and defers the next page to the `history` job, which
 * answers through this click's own response_url with a new ephemeral message.
 */
export function registerHistoryMoreAction(app: App, deps: SlackAppDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ACTION_IDS.historyMore }, async ({ ack, body, action }) => {
    await ack();
    const context = { action: 'history-more', slackUser: body.user.id };
    const responseUrl = body.response_url;
    if (!responseUrl) {
      deps.logger.warn('More clicked without a response_url', context);
      return;
    }
    const verdict = await authorizeHistoryViewer(body.user.id, deps);
    if (!verdict.allowed) {
      deps.logger.warn('history page refused', { ...context, reason: verdict.reason });
      await tell(deps, responseUrl, 'You may not search IAM activity', [verdict.message]);
      return;
    }
    let state: MoreButtonState;
    try {
      state = decodeMoreButton(action.value ?? '', deps.config.historyRegions);
    } catch (error) {
      deps.logger.warn('unreadable More button', { ...context, error });
      await tell(deps, responseUrl, 'This More button cannot be continued', [
        'It comes from another version of iam-alerts or another region setting. Run /iam-events again.',
      ]);
      return;
    }
    const account = state.cursor.account ? deps.accounts.check(state.cursor.account) : undefined;
    if (account && !account.allowed) {
      deps.logger.warn('history page refused: account', { ...context, accountId: state.cursor.account, reason: account.reason });
      await tell(deps, responseUrl, `Account ${state.cursor.account} cannot be searched`, [account.message]);
      return;
    }
    const payload: HistoryJobPayload = { responseUrl, userId: body.user.id, query: state.query, cursor: state.cursor, page: state.page };
    try {
      await deps.defer('history', payload);
      deps.logger.info('history page deferred', { ...context, page: state.page });
    } catch (error) {
      deps.logger.error('could not continue the history search', { ...context, error });
      await tell(deps, responseUrl, 'The next page could not be started', ['Press More again in a moment.']);
    }
  });
}

async function tell(deps: SlackAppDeps, responseUrl: string, title: string, lines: string[]): Promise<void> {
  try {
    await deps.respond(responseUrl, {
      response_type: 'ephemeral',
      replace_original: false,
      ...renderHistoryNotice({ emoji: ':warning:', title, lines }),
    });
  } catch (error) {
    deps.logger.error('could not tell the user', { action: 'history-more', error });
  }
}
