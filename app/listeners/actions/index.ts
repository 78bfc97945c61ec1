import type { App } from '@slack/bolt';
import type { SlackAppDeps } from '../../slack-deps';
import { registerAcknowledgeAction } from './acknowledge';
import { registerConfirmActorAction } from './confirm-actor';
import { registerDisableUserAction } from './disable-user';
import { registerHistoryMoreAction } from './history-more';
import { registerReenableUserAction } from './reenable-user';
import { registerRevealPasswordAction } from './reveal-password';
import { registerSendSignInDetailsAction } from './send-sign-in-details';

/** Registers every button listener; one listener per file, this file only registers. */
export function registerActionListeners(app: App, deps: SlackAppDeps): void {
  registerAcknowledgeAction(app, deps);
  registerDisableUserAction(app, deps);
  registerReenableUserAction(app, deps);
  registerHistoryMoreAction(app, deps);
  registerSendSignInDetailsAction(app, deps);
  registerRevealPasswordAction(app, deps);
  registerConfirmActorAction(app, deps);
}
