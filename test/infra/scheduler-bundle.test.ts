import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { lambdaEsbuildOptions } from '../../infra/constructs/bundling';
import { fakeDynamoDb } from '../support/fake-aws-endpoints';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

/**
 * The triage scheduler as the stack deploys it (the same esbuild options), loaded in a fresh Node
 * process and invoked with an EventBridge Scheduler event: it reads its cursor in the table and
 * reports what it did, so a bundling choice that breaks it at run time shows here.
 */
const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

describe('the scheduler bundle', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(() => slack.close());

  it('runs the schedule over the state table and answers with its report', async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'iam-alerts-bundle-test-')), 'scheduler.js');
    await build(lambdaEsbuildOptions(ROOT, join(ROOT, 'handlers/scheduler.ts'), outfile));
    const table = await fakeDynamoDb('iam-alerts-state');
    try {
      const { stdout } = await run(
        process.execPath,
        [
          '-e',
          `require(process.env.BUNDLE).handler({ source: 'aws.scheduler' }).then((r) => process.stdout.write(JSON.stringify(r)), (e) => { process.stderr.write(String(e.stack)); process.exit(1); });`,
        ],
        {
          env: {
            PATH: process.env.PATH ?? '',
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'AKIATESTTESTTESTTEST',
            AWS_SECRET_ACCESS_KEY: 'test',
            POWERTOOLS_LOG_LEVEL: 'SILENT',
            BUNDLE: outfile,
            SLACK_BOT_TOKEN: 'xoxb-bundle',
            SLACK_CHANNEL_ID: 'C0ALERTS',
            SLACK_API_URL: slack.apiUrl,
            STATE_TABLE_NAME: 'iam-alerts-state',
            AWS_ENDPOINT_URL_DYNAMODB: table.url,
            DIGEST_AT: '00:00',
          },
          timeout: 30_000,
        },
      );
      const report = JSON.parse(stdout);
      // A first run handles the last hour and this minute; from 00:00 (UTC) the digest is due, about a day with nothing in it.
      expect(report).toMatchObject({ minutes: 61, escalated: 0, timedOut: 0, digest: 'sent' });
      expect(String(slack.callsTo('chat.postMessage')[0]?.body.text)).toMatch(/^iam-alerts digest for \d{4}-\d\d-\d\d: 0 alerts/);
    } finally {
      await table.close();
    }
  }, 60_000);
});
