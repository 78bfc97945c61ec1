import { App, type Receiver } from '@slack/bolt';
import { registerActionListeners } from './listeners/actions/index';
import { registerCommandListeners } from './listeners/commands/index';
import { registerEventListeners } from './listeners/events/index';
import { boltLogger } from './slack/bolt-logger';
import { isSlackResponseUrl } from './slack/response-url';
import type { SlackAppDeps } from './slack-deps';

/** How the Bolt app receives Slack's requests: exactly one of these. */
export interface SlackAppOptions {
  /** A ready receiver: `AwsLambdaReceiver` on Lambda, a recording receiver in tests. */
  receiver?: Receiver;
  /** With no receiver: Bolt's default HTTP receiver with this signing secret. */
  signingSecret?: string;
  /** With no receiver: Socket Mode over this app-level token (`xapp-...`), for local runs. */
  socketMode?: { appToken: string };
}

/**
 * Builds the Bolt app with every listener (buttons, slash commands, the Home tab's event) registered.
 *
 * The app makes no Slack call when it is built or when a request arrives: Bolt, given a `token`,
 * calls `auth.test` (at construction, or on every request with `tokenVerificationEnabled: false`),
 * which would cost a round trip on each cold start and retry for minutes without a network. A
 * custom `authorize` that hands back the bot token of `deps.slack` avoids that; the listeners use
 * `deps.slack` anyway.
 *
 * Slow work (IAM, CloudTrail) never runs in a listener: listeners ack and call `deps.defer`. On
 * Lambda, `deps.defer` is `lambdaDefer` (asynchronous self-invocation, see `app/jobs/dispatch.ts`)
 * and `handlers/slack.ts` runs arriving jobs with `runJobEvent`. To run the same listeners and jobs
 * in one process (the local Socket Mode runner), build deps with
 * `makeSlackAppDeps(config, logger, { defer: 'in-process' })` from `handlers/deps.ts` (its
 * `defer.settled()` waits for running jobs) and pass `{ socketMode: { appToken } }` here, then
 * `await app.start()`.
 *
 * @throws AppInitializationError (from Bolt) when neither a receiver, a signing secret nor Socket
 *   Mode is given.
 * @example
 * const receiver = new AwsLambdaReceiver({ signingSecret });
 * createSlackApp(deps, { receiver });
 * export const handler = receiver.toHandler();
 */
export function createSlackApp(deps: SlackAppDeps, options: SlackAppOptions): App {
  const botToken = deps.slack.token;
  const app = new App({
    receiver: options.receiver,
    signingSecret: options.receiver ? undefined : options.signingSecret,
    socketMode: options.receiver ? undefined : options.socketMode !== undefined,
    appToken: options.receiver ? undefined : options.socketMode?.appToken,
    authorize: async () => ({ botToken }),
    logger: boltLogger(deps.logger),
    // Nothing here listens to Events API messages, so there is no self to ignore; and no conversation state.
    ignoreSelf: false,
    convoStore: false,
    clientOptions: { slackApiUrl: deps.slack.slackApiUrl },
  });
  app.error(async (error) => {
    deps.logger.error('unhandled error in a Slack listener', { error });
  });
  // Every listener answers through the payload's response_url, and jobs carry it on: one that is
  // not Slack's (https://hooks.slack.com/...) is acked and dropped before any listener runs.
  app.use(async ({ body, ack, next }) => {
    const urls = responseUrlsOf(body);
    if (urls.every((url) => isSlackResponseUrl(url, deps.config.slack.apiUrl))) return next();
    deps.logger.warn('dropped a Slack request whose response_url is not Slack’s', { type: (body as { type?: unknown }).type });
    if (ack) await (ack as () => Promise<void>)();
  });
  registerActionListeners(app, deps);
  registerCommandListeners(app, deps);
  registerEventListeners(app, deps);
  return app;
}

/** The response URLs a Slack payload carries (interactions and slash commands: one; some modals: a list). */
function responseUrlsOf(body: unknown): string[] {
  const payload = (typeof body === 'object' && body !== null ? body : {}) as { response_url?: unknown; response_urls?: unknown };
  const urls: unknown[] = [payload.response_url];
  if (Array.isArray(payload.response_urls)) urls.push(...payload.response_urls.map((u) => (u as { response_url?: unknown })?.response_url));
  return urls.filter((u) => u !== undefined).map((u) => (typeof u === 'string' ? u : ''));
}
