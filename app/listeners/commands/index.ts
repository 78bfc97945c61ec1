import type { App } from '@slack/bolt';
import type { SlackAppDeps } from '../../slack-deps';
import { registerIamEventsCommand } from './iam-events';

/** Registers every slash command listener; one listener per file, this file only registers. */
export function registerCommandListeners(app: App, deps: SlackAppDeps): void {
  registerIamEventsCommand(app, deps);
}
