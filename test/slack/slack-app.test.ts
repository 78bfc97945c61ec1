import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import type { Receiver, ReceiverEvent } from '@slack/bolt';
import { mockClient } from 'aws-sdk-client-mock';
import { loadConfig } from '../../app/config';
import { createLogger } from '../../app/logger';
import { createSlackApp } from '../../app/slack-app';
import type { SlackAppDeps } from '../../app/slack-deps';
import { ACTION_IDS } from '../../blocks/ids';
import { makeSlackAppDeps } from '../../handlers/slack-deps';
import { makeUser, serveIamUsers } from '../containment/iam-user-model';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { blockActionPayload, buttonValue, sampleAlert } from './slack-harness';

/** A receiver that hands Bolt one event and records when the listener acks. */
class RecordingReceiver implements Receiver {
  app?: { processEvent: (event: ReceiverEvent) => Promise<void> };
  init(app: never) {
    this.app = app;
  }
  async start() {
    return undefined;
  }
  async stop() {
    return undefined;
  }
  async deliver(body: Record<string, unknown>, timeline: string[]): Promise<void> {
    await this.app!.processEvent({
      body,
      ack: async () => {
        timeline.push('ack');
      },
    });
  }
}

const iamMock = mockClient(IAMClient);
// Disable User also reads CloudTrail (the roles the user assumed): never the real one here.
mockClient(CloudTrailClient).on(LookupEventsCommand).resolves({ Events: [] });

describe('createSlackApp', () => {
  let slack: FakeSlack;
  let responseUrl: string;
  const logger = createLogger('test');

  beforeEach(async () => {
    slack = await startFakeSlack();
    responseUrl = `${slack.baseUrl}/actions/T111/1/abc`;
    iamMock.reset();
  });
  afterEach(() => slack.close());

  const config = (extra: Record<string, string> = {}) =>
    loadConfig({ SLACK_API_URL: slack.apiUrl, RESPONDER_USER_IDS: 'U0RESPONDER', AWS_REGION: 'us-east-1', ...extra });

  const disableClick = () => {
    const alert = sampleAlert();
    return blockActionPayload({
      actionId: ACTION_IDS.disableUser,
      value: buttonValue(alert, ACTION_IDS.disableUser),
      userId: 'U0RESPONDER',
      message: alert,
      responseUrl,
    });
  };

  it('acks before handing the job off, and never touches IAM in the listener', async () => {
    const timeline: string[] = [];
    const base = await makeSlackAppDeps(config(), logger, { credentials: { botToken: 'xoxb-test' }, defer: 'in-process' });
    const deps: SlackAppDeps = {
      ...base,
      iam: async () => {
        timeline.push('iam');
        return base.iam();
      },
      defer: async (kind) => {
        timeline.push(`defer:${kind}`);
      },
    };
    const receiver = new RecordingReceiver();
    createSlackApp(deps, { receiver });

    await receiver.deliver(disableClick(), timeline);

    expect(timeline).toEqual(['ack', 'defer:disable-user']);
    expect(slack.callsTo('auth.test')).toEqual([]);
  });

  it('runs the same listeners and jobs in one process for the local Socket Mode runner (the default without a function name)', async () => {
    const user = makeUser();
    serveIamUsers(iamMock, [user]);
    const deps = await makeSlackAppDeps(config(), logger, { credentials: { botToken: 'xoxb-test' } });
    const receiver = new RecordingReceiver();
    createSlackApp(deps, { receiver });
    const timeline: string[] = [];

    await receiver.deliver(disableClick(), timeline);
    await deps.settled();

    expect(timeline).toEqual(['ack']);
    expect(user.attachedPolicies).toEqual(['arn:aws:iam::aws:policy/AWSDenyAll']);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(slack.callsTo('chat.update')).toHaveLength(1);
  });

  it('defers to Lambda only when a function name is known', async () => {
    await expect(makeSlackAppDeps(config(), logger, { credentials: { botToken: 'xoxb-test' }, defer: 'lambda' })).rejects.toThrow(
      /AWS_LAMBDA_FUNCTION_NAME is not set/,
    );
  });
});
