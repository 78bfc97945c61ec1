import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { TRIAGE_ACTION_IDS } from '../../blocks/render-triage';
import { main } from '../../cli/main';
import { fakeEventHistory } from '../history/support/event-history';
import { type FakeSocketMode, startFakeSocketMode } from '../local/support/fake-socket-mode';
import { FIXTURES_DIR } from '../support/corpus';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { recordedIo } from './cli-io';
import { FIRST_POLL_MS, until } from './live-support';

const cloudtrail = mockClient(CloudTrailClient);

/** Socket Mode envelopes of python-slack-sdk's tests (test/fixtures/slack): line 2 events_api, line 5 interactive. */
function corpusEnvelope(line: number): { envelope_id: string; type: string; payload: Record<string, any> } {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'slack/python-slack-sdk/socket_mode_envelopes.jsonl'), 'utf8').split('\n')[line - 1]!);
}

/**
 * `npm start` with Slack tokens runs the triage loop too (issue 14): the poller's critical alert
 * asks its actor by DM, the answer arrives over Socket Mode and raises the alert, the Home tab is
 * published on app_home_opened, and the state lives in a file beside the poller's.
 */

describe('iam-alerts start: the triage loop in local mode', () => {
  let slack: FakeSlack;
  let socket: FakeSocketMode;

  beforeAll(async () => {
    slack = await startFakeSlack();
    socket = await startFakeSocketMode();
    slack.respond('apps.connections.open', () => ({ kind: 'ok', body: { url: socket.url } }));
    // Slack's ts is the time of posting: the Home tab's days are found by it.
    let n = 0;
    slack.respond('chat.postMessage', (call) => {
      const ts = `${Math.floor(Date.now() / 1000)}.${String(++n).padStart(6, '0')}`;
      return { kind: 'ok', body: { channel: call.body.channel, ts, message: { ts } } };
    });
  });
  afterAll(async () => {
    await socket.close();
    await slack.close();
  });

  it('asks the actor, takes the answer, publishes the Home tab, and keeps its state in a file', async () => {
    const now = Date.now();
    cloudtrail.on(LookupEventsCommand).callsFake(
      fakeEventHistory([
        {
          id: 'ev-triage-1',
          time: new Date(now - 2 * 60_000).toISOString(),
          name: 'CreateAccessKey',
          source: 'iam.amazonaws.com',
          username: 'admin',
          record: {
            requestParameters: { userName: 'mallory' },
            responseElements: { accessKey: { accessKeyId: 'AKIAEXAMPLE', userName: 'mallory' } },
          },
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
        RESPONDER_USER_IDS: 'U12345678',
        RESPONDER_USERGROUP_ID: 'S0RESPONDERS',
        CONFIRM_USER_MAP: 'admin=U0ADMIN',
      },
    });

    const running = main(['start'], io);

    const alert = await until(
      'the alert',
      () => slack.callsTo('chat.postMessage').find((c) => c.body.channel === 'C0ALERTS' && !c.body.thread_ts),
      // The first poll reads every query of the default catalog (about 18) at LookupEvents' 2 requests/s.
      FIRST_POLL_MS,
    );
    expect(String(alert.body.text)).toContain('[Critical]');
    const dm = await until('the DM', () => slack.callsTo('chat.postMessage').find((c) => c.body.channel === 'DU0ADMIN'));
    expect(slack.callsTo('conversations.open').map((c) => c.body.users)).toEqual(['U0ADMIN']);
    expect(JSON.stringify(dm.body.blocks)).toContain('Did you just do this in AWS?');

    // "No, it wasn't me", clicked in the DM: over the socket, as Slack sends block_actions.
    await socket.connected;
    const click = corpusEnvelope(5);
    const noButton = (dm.body.blocks as any[]).find((b) => b.type === 'actions').elements[1];
    const alertTs = JSON.parse(noButton.value).t as string;
    socket.send({
      ...click,
      envelope_id: 'env-no',
      payload: {
        ...click.payload,
        user: { ...click.payload.user, id: 'U0ADMIN' },
        container: { type: 'message', message_ts: '1700000000.000002', channel_id: 'DU0ADMIN', is_ephemeral: false },
        channel: { id: 'DU0ADMIN', name: 'directmessage' },
        message: { type: 'message', ts: '1700000000.000002', text: dm.body.text, blocks: dm.body.blocks },
        view: undefined,
        response_url: `${slack.baseUrl}/actions/T1/1/answer`,
        actions: [
          { action_id: TRIAGE_ACTION_IDS.confirmNo, block_id: 'confirm.actions', value: noButton.value, type: 'button', action_ts: '1.2' },
        ],
      },
    });
    await socket.ackOf('env-no');
    const raised = await until('the raised alert', () =>
      slack.callsTo('chat.update').find((c) => c.body.channel === 'C0ALERTS' && c.body.ts === alertTs),
    );
    expect((raised.body.blocks as any[])[0].text.text).toMatch(/^Critical: /);
    const note = await until('the thread note', () => slack.callsTo('chat.postMessage').find((c) => c.body.thread_ts === alertTs));
    expect(JSON.stringify(note.body.blocks)).toContain('<!subteam^S0RESPONDERS>');

    // The Home tab, opened by a responder.
    const opened = corpusEnvelope(2);
    socket.send({
      ...opened,
      envelope_id: 'env-home',
      payload: {
        ...opened.payload,
        event: { type: 'app_home_opened', user: 'U12345678', channel: 'D0HOME', tab: 'home', event_ts: '1.3' },
      },
    });
    await socket.ackOf('env-home');
    const home = await until('the Home tab', () => slack.callsTo('views.publish')[0]);
    expect(home.body.user_id).toBe('U12345678');
    expect(String(home.body.view)).toContain('Open alerts (1)');
    expect(String(home.body.view)).toContain('raised: the actor said it was not them');

    io.abort();
    expect(await running).toBe(0);
    await socket.disconnected;
    expect(io.err()).toContain('Triage (Was this you?, escalations, the Home tab): every minute');
    const triageFile = join(statePath, '..', 'state.triage.json');
    expect(existsSync(triageFile)).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(triageFile, 'utf8')))).toEqual(
      expect.arrayContaining([`triage#alert#C0ALERTS#${alertTs}`, `alert#C0ALERTS#${alertTs}`, expect.stringMatching(/^triage#due#\d+$/)]),
    );
  });
});
