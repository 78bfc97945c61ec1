import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { ACTION_IDS } from '../../blocks/ids';
import { lambdaEsbuildOptions } from '../../infra/constructs/bundling';
import {
  blockActionPayload,
  buttonValue,
  functionUrlEvent,
  interactionBody,
  JOB_SIGNING_KEY,
  JOB_SIGNING_KEY_ARN,
  SIGNING_SECRET,
  sampleAlert,
} from '../slack/slack-harness';
import { toEventBridge, toSnsEvent } from '../support/corpus';
import { fakeDynamoDb, fakeSecretsManager } from '../support/fake-aws-endpoints';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

/**
 * The bundles the stack deploys (same esbuild options, `infra/constructs/bundling.ts`) work when
 * loaded in a fresh Node process and invoked as Lambda would: the other tests run the TypeScript
 * sources, so a bundling choice that breaks a dependency at run time would only show here.
 */
const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const INVOKE = `
const { handler } = require(process.env.BUNDLE);
const context = { functionName: 'iam-alerts-fn', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30000 };
handler(JSON.parse(process.env.EVENT), context).then(
  (result) => { process.stdout.write(JSON.stringify(result ?? null)); process.exit(0); },
  (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); },
);`;

async function bundle(entry: string, outdir: string): Promise<string> {
  const outfile = join(outdir, `${entry.replace(/[/.]/g, '_')}.js`);
  await build(lambdaEsbuildOptions(ROOT, join(ROOT, entry), outfile));
  return outfile;
}

async function invoke(bundlePath: string, event: unknown, env: Record<string, string>): Promise<any> {
  const { stdout } = await run(process.execPath, ['-e', INVOKE], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIATESTTESTTESTTEST',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      BUNDLE: bundlePath,
      EVENT: JSON.stringify(event),
      ...env,
    },
    timeout: 30_000,
  });
  return JSON.parse(stdout);
}

describe('the deployed bundles', () => {
  let slack: FakeSlack;
  let notifierBundle: string;
  let slackBundle: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    const outdir = mkdtempSync(join(tmpdir(), 'iam-alerts-bundle-test-'));
    [notifierBundle, slackBundle] = await Promise.all([bundle('handlers/notifier.ts', outdir), bundle('handlers/slack.ts', outdir)]);
  }, 60_000);
  afterAll(() => slack.close());

  it('notifier: an SNS-delivered CreateUser becomes one Slack alert', async () => {
    const event = toSnsEvent(
      toEventBridge({
        eventName: 'CreateUser',
        eventSource: 'iam.amazonaws.com',
        eventID: 'bundle-test-1',
        eventTime: '2024-05-01T10:00:00Z',
        recipientAccountId: '123456789012',
        userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012' },
        requestParameters: { userName: 'mallory' },
      }),
    );

    await invoke(notifierBundle, event, { SLACK_BOT_TOKEN: 'xoxb-bundle', SLACK_CHANNEL_ID: 'C0ALERTS', SLACK_API_URL: slack.apiUrl });

    const posts = slack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(String(posts[0]?.body.text)).toContain('IAM user created: mallory (CreateUser)');
  }, 40_000);

  it('Slack handler: a signed Acknowledge click is answered and updates the alert; a forged one gets 401', async () => {
    const alert = sampleAlert();
    const payload = blockActionPayload({
      actionId: ACTION_IDS.acknowledge,
      userId: 'U0ANYONE',
      value: buttonValue(alert, ACTION_IDS.acknowledge),
      message: alert,
      responseUrl: `${slack.baseUrl}/actions/T1/1/bundle`,
    });
    // The Slack function refuses to start without its job signing key and its state table.
    const [secrets, table] = await Promise.all([
      fakeSecretsManager({ [JOB_SIGNING_KEY_ARN]: JOB_SIGNING_KEY }),
      fakeDynamoDb('iam-alerts-state'),
    ]);
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-bundle',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      AWS_LAMBDA_FUNCTION_NAME: 'iam-alerts-slack',
      JOB_SIGNING_KEY_ARN,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      STATE_TABLE_NAME: 'iam-alerts-state',
      AWS_ENDPOINT_URL_DYNAMODB: table.url,
    };

    let answered: any;
    let forged: any;
    try {
      answered = await invoke(slackBundle, functionUrlEvent(interactionBody(payload)), env);
      forged = await invoke(slackBundle, functionUrlEvent(interactionBody(payload), { secret: 'not-the-secret' }), env);
    } finally {
      await Promise.all([secrets.close(), table.close()]);
    }

    expect(answered.statusCode).toBe(200);
    expect(forged.statusCode).toBe(401);
    const updates = slack.callsTo('chat.update');
    expect(updates).toHaveLength(1);
    expect(JSON.stringify(updates[0]?.body.blocks)).toContain('Acknowledged by');
  }, 40_000);
});
