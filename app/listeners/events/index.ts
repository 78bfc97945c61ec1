import type { App } from '@slack/bolt';
import type { SlackAppDeps } from '../../slack-deps';
import { registerAppHomeOpenedEvent } from './app-home-opened';

/** Registers every Events API listener; one listener per file, this file only registers. */
export function registerEventListeners(app: App, deps: SlackAppDeps): void {
  registerAppHomeOpenedEvent(app, deps);
}
