import type { App } from '@slack/bolt';
import { renderHomeRefused } from '../../../blocks/render-home';
import { authorizeHistoryViewer } from '../../slack/responders';
import type { SlackAppDeps } from '../../slack-deps';
import { buildHomeView } from '../../triage/home';
import { triageDepsOf } from '../../triage/triage-deps';

/**
 * `app_home_opened` (Events API): publishes the Home tab for the person who opened it
 * (`views.publish`), built from the alert index (`app/triage/home.ts`: nine reads, however many
 * alerts). The tab names actors, IAM users and what responders did, so only responders and the
 * history viewers (`HISTORY_VIEWER_USERGROUP_ID`, as for `/iam-events`) see it; anyone else sees who
 * may. The opener is the `user` of an event Slack signed. Nothing here throws into Bolt.
 */
export function registerAppHomeOpenedEvent(app: App, deps: SlackAppDeps): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home' || typeof event.user !== 'string' || !/^[UW][A-Z0-9]{2,40}$/.test(event.user)) return;
    const logger = deps.logger.createChild({ persistentKeys: { event: 'app_home_opened', slackUser: event.user } });
    try {
      const verdict = await authorizeHistoryViewer(event.user, deps);
      const view = verdict.allowed
        ? await buildHomeView(triageDepsOf(deps))
        : renderHomeRefused(
            verdict.reason === 'lookup-failed'
              ? 'Could not check whether you may see the triage view (Slack did not list the responder or viewer group). Open the tab again in a moment.'
              : 'The triage view is for responders (RESPONDER_USER_IDS, RESPONDER_USERGROUP_ID) and the history viewer group (HISTORY_VIEWER_USERGROUP_ID) only: it names actors and the IAM users disabled.',
          );
      await deps.slack.views.publish({ user_id: event.user, view });
      logger.info('published the Home tab', { allowed: verdict.allowed });
    } catch (error) {
      logger.error('could not publish the Home tab', { error: (error as Error).message });
    }
  });
}
