import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { main } from '../../cli/main';
import { recordedIo } from './cli-io';

/**
 * `npm start` with no credentials: the bundled samples, rendered offline. Any attempt to open a
 * connection (Slack, AWS, anything) fails the test.
 */
describe('iam-alerts start without Slack tokens', () => {
  const attempts: string[] = [];
  const guards: jest.SpyInstance[] = [];

  beforeEach(() => {
    attempts.length = 0;
    const refuse = (what: string) =>
      ((...args: unknown[]) => {
        attempts.push(`${what} ${JSON.stringify(args[0])?.slice(0, 80)}`);
        throw new Error(`network access attempted: ${what}`);
      }) as never;
    guards.push(
      jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(refuse('net.Socket.connect')),
      jest.spyOn(tls, 'connect').mockImplementation(refuse('tls.connect')),
      jest.spyOn(http, 'request').mockImplementation(refuse('http.request')),
      jest.spyOn(https, 'request').mockImplementation(refuse('https.request')),
      jest.spyOn(globalThis, 'fetch').mockImplementation(refuse('fetch')),
    );
  });
  afterEach(() => {
    for (const guard of guards.splice(0)) guard.mockRestore();
  });

  it('renders every sample, one or more per severity, and exits 0 with no network call', async () => {
    const io = recordedIo({ env: {} });

    const code = await main(['start'], io);

    expect(code).toBe(0);
    expect(attempts).toEqual([]);
    const out = io.out();
    expect(out).toContain('■ Critical: Root console sign-in');
    expect(out).toContain('■ Critical: Access key created: malicious-iam-user');
    expect(out).toContain('■ High: Role trust policy changed: stratus-red-team-backdoor-r-role');
    expect(out).toContain('■ Medium: Failed console sign-in: anaya');
    expect(out).toContain('■ Low: Policy detached from IAM user: malicious-iam-user');
    expect(out).toContain('Who: IAM user christophe');
    expect(out).toContain('[ Acknowledge ] [ Disable malicious-iam-user (target) ] [ Disable christophe (who did it) ]');
    expect(out).toContain('Open in Block Kit Builder: https://app.slack.com/block-kit-builder/#');
    expect(out).toContain('· ignored DescribeAccount');
    expect(out).toContain('9 events: 8 alerts, 1 not in the catalog, 0 unrecognised');
    expect(out).toContain('To go live: put SLACK_BOT_TOKEN, SLACK_APP_TOKEN and SLACK_CHANNEL_ID in .env');
  });

  it('shows a hostile user name literally, never as a mention', async () => {
    const io = recordedIo({ env: {} });
    await main(['start', '--no-link'], io);
    expect(io.out()).toContain('Who: IAM user <@U0ADMIN> & friends');
    expect(io.out()).toContain('Target: user <!channel>');
  });

  it('uses no colour when stdout is not a terminal, and colour when it is', async () => {
    const plain = recordedIo({ env: {} });
    await main(['start', '--no-link'], plain);
    expect(plain.out()).not.toContain('\u001b[');

    const tty = recordedIo({ env: {}, tty: true });
    await main(['start', '--no-link'], tty);
    expect(tty.out()).toContain('\u001b[1m');
  });

  it('stays offline with only some of the Slack settings, and says how to go live', async () => {
    const io = recordedIo({ env: { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_CHANNEL_ID: 'C1' } });
    expect(await main(['start', '--no-link'], io)).toBe(0);
    expect(attempts).toEqual([]);
    expect(io.out()).toContain('To go live');
  });
});
