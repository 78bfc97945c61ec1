import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type SignedJobEvent, signJob } from '../../app/jobs/envelope';
import type { AlertView } from '../../blocks/alert-view';
import { ACTION_IDS } from '../../blocks/ids';
import { renderAlert } from '../../blocks/render-alert';
import { handler, resetSlackHandlerForTests } from '../../handlers/slack';
import { mockStateTable, type TableModel } from '../state/dynamodb-table-model';
import { FIXTURES_DIR } from '../support/corpus';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { interactionBody, type SignedRequestOptions, signedFunctionUrlEvent, slackSignature } from '../support/slack-requests';

/**
 * Drives the real `handlers/slack.ts` handler as Lambda would: Function URL events (payload 2.0)
 * whose bodies are signed exactly as Slack signs them, async self-invocations replayed from the
 * Lambda Invoke calls the handler made (signed envelopes, exactly as the handler wrote them), Slack
 * through the local fake, AWS mocked at the SDK layer: the job signing key in Secrets Manager and
 * the state table (where job nonces are claimed) modelled behind aws-sdk-client-mock.
 */

export const SIGNING_SECRET = 'test-signing-secret-8f742231b10e';
export const FUNCTION_NAME = 'iam-alerts-slack';
export const ALERT_CHANNEL = 'C0ALERTS';
export const ALERT_TS = '1714557600.000100';
export const JOB_SIGNING_KEY_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:IamAlerts/job-signing-key-AbCdEf';
export const JOB_SIGNING_KEY = 'k7Qd2mVx9LpR4tYw8ZbN3cHf6JsU1aEg5oKi0nTq7vXy2BwM4rDz8PhL6uCe9GjA';
export const STATE_TABLE = 'iam-alerts-state';

const BOLT_PYTHON_PAYLOADS = join(FIXTURES_DIR, 'slack/bolt-python');

export const lambdaContext = {
  functionName: FUNCTION_NAME,
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

export { interactionBody, slackSignature };

export type SignOptions = Partial<SignedRequestOptions>;

/** A Lambda Function URL event carrying a Slack request signed with the test secret (unless told otherwise). */
export function functionUrlEvent(body: string, options: SignOptions = {}): Record<string, unknown> {
  return signedFunctionUrlEvent(body, { ...options, secret: options.secret ?? SIGNING_SECRET });
}

/** An alert with Acknowledge and Disable User buttons, as the notifier renders it. */
export function sampleAlert(overrides: Partial<AlertView> = {}): { text: string; blocks: Array<Record<string, unknown>> } {
  const view: AlertView = {
    severity: 'high',
    title: 'Access key created',
    subject: 'mallory',
    eventName: 'CreateAccessKey',
    eventSource: 'iam.amazonaws.com',
    eventId: 'b7d1f7a0-0000-4000-8000-000000000001',
    outcome: { kind: 'success' },
    actor: { typeLabel: 'IAM user', name: 'mallory' },
    target: { kind: 'user', name: 'mallory' },
    parameters: [],
    reasons: [],
    accountId: '123456789012',
    region: 'us-east-1',
    sourceIp: '198.51.100.7',
    disable: [{ role: 'target', value: { u: 'mallory', a: '123456789012', e: 'b7d1f7a0-0000-4000-8000-000000000001' } }],
    ...overrides,
  };
  const rendered = renderAlert(view);
  return { text: rendered.text, blocks: JSON.parse(JSON.stringify(rendered.blocks)) };
}

/** The value the renderer put on a button of a message. */
export function buttonValue(message: { blocks: Array<Record<string, unknown>> }, actionId: string): string {
  for (const block of message.blocks) {
    for (const element of (block.elements as Array<{ action_id?: string; value?: string }> | undefined) ?? []) {
      if (element.action_id === actionId && element.value !== undefined) return element.value;
    }
  }
  throw new Error(`no button ${actionId} in the message`);
}

export interface ClickOptions {
  actionId: string;
  value: string;
  userId: string;
  message: { ts?: string; thread_ts?: string; text: string; blocks: Array<Record<string, unknown>> };
  responseUrl: string;
  channel?: string;
}

/** A `block_actions` payload: Slack's real shape (bolt-python's test payload, in test/fixtures) for a click on a channel message. */
export function blockActionPayload(click: ClickOptions): Record<string, unknown> {
  const base = JSON.parse(readFileSync(join(BOLT_PYTHON_PAYLOADS, 'block_actions__test_block_actions__body_L161.json'), 'utf8'));
  const channel = click.channel ?? ALERT_CHANNEL;
  const ts = click.message.ts ?? ALERT_TS;
  return {
    ...base,
    user: { ...base.user, id: click.userId },
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
    channel: { id: channel, name: 'aws-security-alerts' },
    message: { type: 'message', subtype: 'bot_message', bot_id: 'B0BOT', ts, ...click.message },
    response_url: click.responseUrl,
    actions: [
      {
        action_id: click.actionId,
        block_id: 'alert.actions',
        text: { type: 'plain_text', text: 'Button', emoji: true },
        value: click.value,
        type: 'button',
        action_ts: `${Math.floor(Date.now() / 1000)}.000001`,
      },
    ],
  };
}

export type HandlerResult = Awaited<ReturnType<typeof handler>>;

export interface Harness {
  slack: FakeSlack;
  iam: typeof iamMock;
  lambda: typeof lambdaMock;
  responseUrl: string;
  /** Sends a signed click through the handler. */
  click(options: Partial<ClickOptions> & { actionId: string; userId: string }): Promise<HandlerResult>;
  /** The jobs the handler deferred (the Lambda Invoke payloads), in order, with their payloads decoded. */
  deferredJobs(): Array<{ iamAlertsJob: { kind: string; payload: Record<string, any> } }>;
  /** The Lambda Invoke payloads exactly as the handler sent them: signed envelopes. */
  deferredEvents(): SignedJobEvent[];
  /** Runs every deferred job not run yet, as Lambda would deliver them (each with its own request ID). */
  runDeferredJobs(): Promise<HandlerResult[]>;
  /** A job envelope signed with the harness's key, as the handler's own listener would sign it. */
  signJob(kind: string, payload: unknown, options?: { key?: string; nowMs?: number }): SignedJobEvent;
  /** The state table (job nonces), as DynamoDB would hold it. */
  table: TableModel;
  /** Secrets Manager, where the handler reads the job signing key (and, if a test says so, the Slack secrets). */
  secrets: typeof secretsMock;
  /** Ephemeral replies posted to the response_url. */
  ephemeralReplies(): string[];
  close(): Promise<void>;
}

const iamMock = mockClient(IAMClient);
/**
 * Disable User looks up the roles the user assumed, so no test may reach the real CloudTrail: unless
 * the test file mocks CloudTrail itself (a second mockClient would replace its mock), the harness
 * serves an empty event history.
 */
function mockCloudTrailUnlessMocked(): void {
  if ((CloudTrailClient.prototype.send as { restore?: unknown }).restore) return;
  mockClient(CloudTrailClient).on(LookupEventsCommand).resolves({ Events: [] });
}
const lambdaMock = mockClient(LambdaClient);
const secretsMock = mockClient(SecretsManagerClient);

/** Starts the fake Slack, sets the environment the handler reads, and resets the AWS mocks. */
export async function startHarness(env: Record<string, string | undefined> = {}): Promise<Harness> {
  const savedEnv = { ...process.env };
  const slack = await startFakeSlack();
  process.env = {
    ...savedEnv,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    JOB_SIGNING_KEY_ARN,
    STATE_TABLE_NAME: STATE_TABLE,
    RESPONDER_USER_IDS: 'U0RESPONDER',
    ...env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  resetSlackHandlerForTests();
  iamMock.reset();
  mockCloudTrailUnlessMocked();
  lambdaMock.reset();
  lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
  secretsMock.reset();
  secretsMock.on(GetSecretValueCommand, { SecretId: JOB_SIGNING_KEY_ARN }).resolves({ SecretString: JOB_SIGNING_KEY });
  const table = mockStateTable(STATE_TABLE);
  const responseUrl = `${slack.baseUrl}/actions/T111/111/response-token`;
  let ran = 0;

  const harness: Harness = {
    slack,
    iam: iamMock,
    lambda: lambdaMock,
    responseUrl,
    click: (o) => {
      const alert = sampleAlert();
      const payload = blockActionPayload({
        ...o,
        value: o.value ?? buttonValue(o.message ?? alert, o.actionId),
        message: o.message ?? alert,
        responseUrl: o.responseUrl ?? responseUrl,
      });
      return handler(functionUrlEvent(interactionBody(payload)), lambdaContext);
    },
    table,
    secrets: secretsMock,
    deferredEvents: () =>
      lambdaMock.commandCalls(InvokeCommand).map((c) => JSON.parse(Buffer.from(c.args[0].input.Payload as Uint8Array).toString('utf8'))),
    deferredJobs: () =>
      harness.deferredEvents().map(({ iamAlertsJob: { kind, payload } }) => ({ iamAlertsJob: { kind, payload: JSON.parse(payload) } })),
    runDeferredJobs: async () => {
      const jobs = harness.deferredEvents().slice(ran);
      const results: HandlerResult[] = [];
      // A job that throws is what Lambda would retry; the harness records it as the error.
      for (const job of jobs) {
        const context = { ...lambdaContext, awsRequestId: `job-${++ran}` } as Context;
        results.push(await handler(job, context).catch((error: Error) => ({ ok: false, error: `threw ${error.name}` })));
      }
      return results;
    },
    signJob: (kind, payload, options = {}) =>
      signJob(kind, payload, { key: options.key ?? JOB_SIGNING_KEY, nowMs: options.nowMs ?? Date.now() }),
    ephemeralReplies: () =>
      slack.calls
        .filter((c) => c.method.startsWith('/actions/'))
        .map((c) => {
          expect(c.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
          return String(c.body.text);
        }),
    close: async () => {
      process.env = savedEnv;
      resetSlackHandlerForTests();
      table.restore();
      await slack.close();
    },
  };
  return harness;
}

export { ACTION_IDS };
