import type { SlackAppDeps } from '../slack-deps';

/**
 * Tells only the clicking user something, through the interaction's `response_url` (no extra
 * scope, and it works in any channel the alert is in). Never throws: failing to tell the user is
 * logged, and must not hide the error that caused the message.
 */
export async function tellUser(deps: Pick<SlackAppDeps, 'respond' | 'logger'>, responseUrl: string, text: string): Promise<void> {
  try {
    await deps.respond(responseUrl, { response_type: 'ephemeral', replace_original: false, text });
  } catch (error) {
    deps.logger.error('could not reply to the user', { error: (error as Error).message });
  }
}
