import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { App, AwsLambdaReceiver, LogLevel } from '@slack/bolt';
import { type AccountAccess, type AccountClients, createAccountAccess } from '../../../app/accounts/account-access';
import { createAccountDirectory } from '../../../app/accounts/account-directory';
import { type Config, loadConfig } from '../../../app/config';
import { inProcessDefer } from '../../../app/jobs/dispatch';
import type { DeferJob } from '../../../app/jobs/types';
import { registerHistoryMoreAction } from '../../../app/listeners/actions/history-more';
import { registerIamEventsCommand } from '../../../app/listeners/commands/iam-events';
import { createLogger } from '../../../app/logger';
import { postToResponseUrl } from '../../../app/slack/response-url';
import { createSlackClient } from '../../../app/slack/web-client';
import type { SlackAppDeps } from '../../../app/slack-deps';
import { MemoryStore } from '../../../app/state/memory-store';
import type { FakeSlack } from '../../support/fake-slack';
import { type VirtualTime, virtualTime } from './virtual-time';

export const SIGNING_SECRET = 'test-signing-secret';

export interface Harness {
  deps: SlackAppDeps;
  /** The Lambda handler of a Bolt app with the /iam-events listeners, behind AwsLambdaReceiver. */
  handler: (event: Record<string, unknown>) => Promise<{ statusCode: number; body?: string }>;
  /** Waits for every deferred job started so far. */
  settled: () => Promise<void>;
  time: VirtualTime;
  /** Jobs handed to `defer`, in order. */
  deferred: Array<{ kind: string; payload: unknown }>;
}

/**
 * The listeners on a real Bolt app and AwsLambdaReceiver (signature verification included), with
 * the real in-process job runner, CloudTrail clients that aws-sdk-client-mock intercepts, and
 * response_url posts going to the local Slack fake.
 */
export function historyHarness(
  slack: FakeSlack,
  options: {
    regions?: string;
    cloudtrail?: (region: string) => Promise<CloudTrailClient>;
    defer?: DeferJob;
    /** More settings (app/config.ts keys). */
    env?: Record<string, string>;
    /** The account access (default: the real one, with no member account reachable). */
    accounts?: (config: Config, home: Pick<AccountClients, 'iam' | 'cloudtrail'>) => AccountAccess;
  } = {},
): Harness {
  const logger = createLogger('iam-alerts-test');
  // W111 is the user of the corpus's slash command and block_actions payloads: a viewer here.
  const config = loadConfig({
    HISTORY_REGIONS: options.regions ?? 'us-east-1',
    SLACK_API_URL: slack.apiUrl,
    HISTORY_VIEWER_USERGROUP_ID: 'S0VIEWERS',
    ...options.env,
  });
  slack.respond('usergroups.users.list', (call) => ({
    kind: 'ok',
    body: { users: call.body.usergroup === 'S0VIEWERS' ? ['W111'] : [] },
  }));
  const time = virtualTime('2026-11-22T06:00:00Z');
  const deferred: Harness['deferred'] = [];
  const inProcess = inProcessDefer(() => deps, logger);
  const home = {
    iam: () => Promise.reject(new Error('IAM is not used by /iam-events')),
    cloudtrail: options.cloudtrail ?? (async (region: string) => new CloudTrailClient({ region })),
  };
  const deps: SlackAppDeps = {
    config,
    logger,
    slack: createSlackClient('xoxb-test-token', { apiUrl: slack.apiUrl, retries: 0 }),
    ...home,
    accounts:
      options.accounts?.(config, home) ??
      createAccountAccess({ settings: config.accounts, home, directory: createAccountDirectory({ aliases: config.accountAliases }) }),
    store: new MemoryStore(),
    defer: async (kind, payload) => {
      deferred.push({ kind, payload });
      await (options.defer ?? inProcess)(kind, payload);
    },
    respond: (url, message) => postToResponseUrl(url, message),
    clock: time.clock,
    sleep: time.sleep,
  };
  const receiver = new AwsLambdaReceiver({ signingSecret: SIGNING_SECRET, logLevel: LogLevel.ERROR });
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: 'xoxb-test-token' }),
    clientOptions: { slackApiUrl: slack.apiUrl },
    logLevel: LogLevel.ERROR,
  });
  registerIamEventsCommand(app, deps);
  registerHistoryMoreAction(app, deps);
  const lambdaHandler = receiver.toHandler();
  return {
    deps,
    handler: (event) => lambdaHandler(event as any, {} as any) as Promise<{ statusCode: number; body?: string }>,
    settled: inProcess.settled,
    time,
    deferred,
  };
}
