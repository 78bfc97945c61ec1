import type { App } from '@slack/bolt';
import type { SlackAppDeps } from '../../slack-deps';

/** Registers every slash command listener; one listener per file, this file only registers. */
export function registerCommandListeners(app: App, deps: SlackAppDeps): void {
  // `/iam-events` (CloudTrail history) registers here.
  void app;
  void deps;
}
