import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { loadConfig } from '../../app/config';
import { lambdaDefer, SELF_INVOKE_CLIENT_CONFIG } from '../../app/jobs/dispatch';
import { DeferJobError } from '../../app/jobs/errors';
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

describe('the self-invocation client', () => {
  it('gives up within Slack’s deadline when Lambda does not answer, instead of hanging the ack', async () => {
    // A local endpoint that accepts the connection and never answers, standing in for a stuck Lambda API.
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = new LambdaClient({ ...SELF_INVOKE_CLIENT_CONFIG, region: 'us-east-1', endpoint: `http://127.0.0.1:${port}` });
    const defer = lambdaDefer('iam-alerts-slack', async () => client, createLogger());

    const started = Date.now();
    await expect(defer('history', { any: 'payload' })).rejects.toThrow(DeferJobError);
    const elapsed = Date.now() - started;

    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    expect(elapsed).toBeLessThan(2_900);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
});
