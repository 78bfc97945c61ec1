import { LambdaClient } from '@aws-sdk/client-lambda';
import { loadConfig } from '../../app/config';
import { lambdaDefer, SELF_INVOKE_CLIENT_CONFIG } from '../../app/jobs/dispatch';
import { DeferJobError } from '../../app/jobs/errors';
import { createLogger } from '../../app/logger';
import { makeSlackAppDeps } from '../../handlers/slack-deps';
import { stuckEndpoint } from '../support/stuck-endpoint';

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

  it.each([
    ['STATE_TABLE_NAME', {}, { jobSigningKey: 'k'.repeat(64) }],
    ['JOB_SIGNING_KEY_ARN', { STATE_TABLE_NAME: 'iam-alerts-state' }, {}],
  ])('refuses Lambda deferral without %s (fails closed)', async (variable, env, options) => {
    const config = loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'iam-alerts-slack', ...env });

    await expect(
      makeSlackAppDeps(config, createLogger(), { credentials: { botToken: 'xoxb-test' }, defer: 'lambda', ...options }),
    ).rejects.toThrow(new RegExp(`^${variable} is not set`));
  });

  it('never posts to a response_url that is not Slack’s', async () => {
    const config = loadConfig({});
    const deps = await makeSlackAppDeps(config, createLogger(), { credentials: { botToken: 'xoxb-test' }, defer: 'in-process' });

    await expect(deps.respond('https://attacker.example/collect', { text: 'hi' })).rejects.toThrow(/not https:\/\/hooks\.slack\.com/);
  });
});

describe('the self-invocation client', () => {
  it('gives up within Slack’s deadline when Lambda does not answer, instead of hanging the ack', async () => {
    const stuck = await stuckEndpoint();
    const client = new LambdaClient({ ...SELF_INVOKE_CLIENT_CONFIG, region: 'us-east-1', endpoint: stuck.url });
    const defer = lambdaDefer('iam-alerts-slack', async () => client, createLogger(), 'k'.repeat(64));

    try {
      const started = Date.now();
      await expect(defer('history', { any: 'payload' })).rejects.toThrow(DeferJobError);
      const elapsed = Date.now() - started;

      expect(elapsed).toBeGreaterThanOrEqual(2_000);
      expect(elapsed).toBeLessThan(2_900);
    } finally {
      await stuck.close();
    }
  });
});
