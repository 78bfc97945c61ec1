import { loadConfig } from '../../app/config';
import { createLogger } from '../../app/logger';
import { makeSlackAppDeps } from '../../handlers/deps';

describe('makeSlackAppDeps', () => {
  it('builds CloudTrail clients that retry throttling beyond the SDK default, once per region', async () => {
    const config = loadConfig({ SLACK_CHANNEL_ID: 'C1', AWS_REGION: 'us-east-1' });
    const deps = await makeSlackAppDeps(config, createLogger(), { credentials: { botToken: 'xoxb-test' }, defer: 'in-process' });

    const client = await deps.cloudtrail('eu-west-1');

    expect(await client.config.maxAttempts()).toBe(6);
    expect(client.config.retryMode).toBe('adaptive');
    expect(await client.config.region()).toBe('eu-west-1');
    expect(await deps.cloudtrail('eu-west-1')).toBe(client);
  });
});
