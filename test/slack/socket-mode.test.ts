import { loadConfig } from '../../app/config';
import { createLogger } from '../../app/logger';
import { createSlackApp } from '../../app/slack-app';
import { makeSlackAppDeps } from '../../handlers/slack-deps';

describe('createSlackApp in Socket Mode', () => {
  it('builds without a signing secret and without calling Slack (it connects only on start)', async () => {
    const deps = await makeSlackAppDeps(loadConfig({ SLACK_API_URL: 'http://127.0.0.1:9/api/' }), createLogger('test'), {
      credentials: { botToken: 'xoxb-test' },
      defer: 'in-process',
    });

    const app = createSlackApp(deps, { socketMode: { appToken: 'xapp-1-test' } });

    expect((app as unknown as { receiver: object }).receiver.constructor.name).toBe('SocketModeReceiver');
  });

  it('refuses to build with no way to receive requests', async () => {
    const deps = await makeSlackAppDeps(loadConfig({}), createLogger('test'), {
      credentials: { botToken: 'xoxb-test' },
      defer: 'in-process',
    });

    expect(() => createSlackApp(deps, {})).toThrow(/signing secret/i);
  });
});
