import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../cli/main';
import { fakeEventHistory } from '../history/support/event-history';
import { type FakeSocketMode, startFakeSocketMode } from '../local/support/fake-socket-mode';
import { FIXTURES_DIR } from '../support/corpus';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { recordedIo } from './cli-io';
import { FIRST_POLL_MS, until } from './live-support';

const cloudtrail = mockClient(CloudTrailClient);

/** The slash-command envelope of python-slack-sdk's Socket Mode tests (test/fixtures/slack), aimed at /iam-events. */
function slashCommandEnvelope(envelopeId: string, text: string, responseUrl: string): Record<string, unknown> {
  const line = readFileSync(join(FIXTURES_DIR, 'slack/python-slack-sdk/socket_mode_envelopes.jsonl'), 'utf8').split('\n')[0]!;
  const envelope = JSON.parse(line) as { payload: Record<string, unknown> };
  return {
    ...envelope,
    envelope_id: envelopeId,
    payload: { ...envelope.payload, command: '/iam-events', text, response_url: responseUrl },
  };
}

/**
 * `npm start` with Slack tokens: the real Bolt app over Socket Mode (against a local WebSocket
 * fake), jobs in-process, and the poller posting from CloudTrail (mocked at the SDK) to the Slack
 * fake, all in one process until Ctrl-C.
 */

describe('iam-alerts start with Slack tokens', () => {
  let slack: FakeSlack;
  let socket: FakeSocketMode;

  beforeAll(async () => {
    slack = await startFakeSlack();
    socket = await startFakeSocketMode();
    slack.respond('apps.connections.open', () => ({ kind: 'ok', body: { url: socket.url } }));
  });
  afterAll(async () => {
    await socket.close();
    await slack.close();
  });

  it('polls CloudTrail and posts alerts, answers /iam-events over Socket Mode with an in-process job, and stops cleanly', async () => {
    const now = Date.now();
    cloudtrail.on(LookupEventsCommand).callsFake(
      fakeEventHistory([
        {
          id: 'ev-live-1',
          time: new Date(now - 2 * 60_000).toISOString(),
          name: 'CreateUser',
          source: 'iam.amazonaws.com',
          username: 'admin',
          record: { requestParameters: { userName: 'mallory' } },
        },
        {
          // The same actor a second later: grouped into mallory's alert, in its thread.
          id: 'ev-live-2',
          time: new Date(now - 2 * 60_000 + 1_000).toISOString(),
          name: 'CreateUser',
          source: 'iam.amazonaws.com',
          username: 'admin',
          record: { requestParameters: { userName: 'trudy' } },
        },
      ]).lookup,
    );
    const statePath = join(mkdtempSync(join(tmpdir(), 'iam-alerts-live-')), 'state.json');
    const io = recordedIo({
      env: {
        SLACK_BOT_TOKEN: 'xoxb-local',
        SLACK_APP_TOKEN: 'xapp-local',
        SLACK_CHANNEL_ID: 'C0ALERTS',
        SLACK_API_URL: slack.apiUrl,
        HISTORY_REGIONS: 'us-east-1',
        LOCAL_STATE_FILE: statePath,
        // U111 sends the corpus's slash command: /iam-events is for responders (and viewers) only.
        RESPONDER_USER_IDS: 'U111',
      },
    });

    const running = main(['start'], io);

    // The poller posts the alert.
    const alert = await until(
      'the alert',
      () => slack.callsTo('chat.postMessage').find((c) => String(c.body.text).includes('IAM user created: mallory')),
      // The first poll reads every query of the default catalog (about 18) at LookupEvents' 2 requests/s.
      FIRST_POLL_MS,
    );
    expect(alert.body.channel).toBe('C0ALERTS');
    expect(alert.headers.authorization).toBe('Bearer xoxb-local');
    const reply = await until('the grouped reply', () => slack.callsTo('chat.postMessage').find((c) => c.body.thread_ts !== undefined));
    expect(JSON.stringify(reply.body.blocks)).toContain('trudy');
    expect(slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === undefined)).toHaveLength(1);

    // Socket Mode: Bolt opened the connection with the app token, and a search is acked then run in-process.
    await socket.connected;
    expect(slack.callsTo('apps.connections.open')[0]!.headers.authorization).toBe('Bearer xapp-local');
    socket.send(slashCommandEnvelope('env-1', 'since:1h', `${slack.baseUrl}/response/search`));
    await socket.ackOf('env-1');
    const result = await until('the search result', () => slack.callsTo('/response/search').at(-1));
    expect(JSON.stringify(result.body)).toContain('mallory');

    // Ctrl-C.
    io.abort();
    expect(await running).toBe(0);
    // Bolt's stop() starts the WebSocket close handshake without waiting for it.
    await socket.disconnected;
    expect(io.err()).toContain('iam-alerts is running locally');
    expect(io.err()).toContain('2 alerts posted');
    expect(io.err()).toContain('iam-alerts stopped.');
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(state.seen.map((s: { id: string }) => s.id)).toEqual(['ev-live-1', 'ev-live-2']);
  });
});
