import type { App } from '@slack/bolt';
import type { SlackAppDeps } from '../../slack-deps';

/** Work in progress: registered by the next commit. */
export function registerAcknowledgeAction(app: App, deps: SlackAppDeps): void {
  void app;
  void deps;
}
