import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION_IDS } from '../blocks/ids';
import { LAMBDA_NODE_OPTIONS } from '../infra/constructs/bundling';
import {
  blockActionPayload,
  buttonValue,
  functionUrlEvent,
  interactionBody,
  JOB_SIGNING_KEY,
  JOB_SIGNING_KEY_ARN,
  SIGNING_SECRET,
  sampleAlert,
} from '../test/slack/slack-harness';
import { loadCloudTrailCorpus, toEventBridge, toSnsEvent } from '../test/support/corpus';
import { type FakeAwsEndpoint, fakeDynamoDb, fakeSecretsManager } from '../test/support/fake-aws-endpoints';
import { type FakeSlack, startFakeSlack } from '../test/support/fake-slack';
import { bundleHandler, median } from './cold-start';

/**
 * Benchmark 2: what a user waits for from cold. A fresh Node process loads a handler's bundle (built
 * as the stack builds it) and invokes it the way Lambda does, configured as the stack deploys it
 * (secrets from Secrets Manager, the state table in DynamoDB, both on loopback), with Slack the
 * local fake:
 *
 * - notifier: from `spawn` to the moment the Slack fake accepts the first alert's `chat.postMessage`;
 * - Slack function: from `spawn` to the handler's answer (the ack) to a signed Acknowledge click.
 *
 * Each is compared with a bare `node -e 0` run alternately with the same Node options, without and
 * with `--enable-source-maps`. The child also reports where its time went (Node's own start,
 * loading the bundle, the first invocation), measured from its own clock.
 *
 * A second part runs one warm notifier "container" (the same bundle and settings) over the corpus,
 * one event at a time as Lambda gives them, for its peak RSS and its invocation times: what a
 * function's memory size and its GB-seconds are set from.
 */

/** The stack's settings for the two functions, with every AWS endpoint on loopback. */
const SLACK_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:IamAlerts/slack-AbCdEf';
const SIGNING_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:IamAlerts/slack-signing-AbCdEf';
const TABLE = 'iam-alerts-state';

/** How far apart the warm container's events arrive: beyond the notifier's pacing of one post per 1.1 s per channel. */
export const ARRIVAL_GAP_MS = 1_200;

/** Runs in the child: Lambda's part, reduced to loading the handler and invoking it once per event. */
const INVOKE = `
const booted = performance.now();
const { handler } = require(process.env.BUNDLE);
const loaded = performance.now();
const events = JSON.parse(require('node:fs').readFileSync(process.env.EVENTS_FILE, 'utf8'));
// Events that arrive ARRIVAL_GAP_MS apart, without the wait: the clock moves on between events, so
// the notifier's channel pacing (one post per 1.1 s) never has to sleep. Off for the cold runs.
const gap = Number(process.env.ARRIVAL_GAP_MS || 0);
const realNow = Date.now;
let offset = 0;
if (gap > 0) Date.now = () => realNow() + offset;
const context = (i) => ({ functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, awsRequestId: 'req-' + i, getRemainingTimeInMillis: () => 30000 });
(async () => {
  const invocations = [];
  for (let i = 0; i < events.length; i++) {
    offset += gap;
    const started = performance.now();
    const result = await handler(events[i], context(i));
    invocations.push(performance.now() - started);
    if (i === 0) {
      process.stdout.write(JSON.stringify({ kind: 'first', statusCode: result && result.statusCode }) + '\\n');
    }
  }
  const rss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ kind: 'done', booted, loaded, invocations, maxRssBytes: rss, heapUsedBytes: process.memoryUsage().heapUsed }) + '\\n');
  process.exit(0);
})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });`;

interface ChildReport {
  booted: number;
  loaded: number;
  invocations: number[];
  maxRssBytes: number;
  heapUsedBytes: number;
}

export interface FirstResponseResult {
  handler: 'notifier' | 'slack';
  /** What the clock stops at. */
  until: string;
  /** `NODE_OPTIONS` of both the handler's process and the bare one it is compared with. */
  nodeOptions: string;
  /** Median wall time from spawn to the response, ms. */
  medianMs: number;
  /** Median wall time of `node -e 0` with the same options, ms. */
  bareMs: number;
  ratio: number;
  /** Breakdown, medians from the child's own clock: Node's start up to the first line of the script. */
  bootMs: number;
  /** `require(bundle)`: V8 compiling the bundle and running its module scope. */
  loadMs: number;
  /** The first invocation, up to the handler's return (for the notifier: after the post). */
  firstInvocationMs: number;
}

export interface ContainerResult {
  /** Events handed to the warm container, one at a time, after its first (cold) one. */
  events: number;
  posts: number;
  /** Peak resident set size of the process, bytes (`process.resourceUsage().maxRSS`). */
  maxRssBytes: number;
  heapUsedBytes: number;
  /** Mean and p99 of the warm invocations' duration, ms, with Slack and DynamoDB on loopback. */
  meanInvocationMs: number;
  p99InvocationMs: number;
  /** What Lambda would bill, ms: each warm invocation rounded up to the next millisecond. */
  billedMsPerEvent: number;
}

interface Endpoints {
  slack: FakeSlack;
  secrets: FakeAwsEndpoint;
}

function baseEnv(bundle: string, events: unknown[], nodeOptions: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    NODE_OPTIONS: nodeOptions,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIABENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // Lambda's own: the Powertools logger and metrics read them.
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_DISABLED: 'true',
    BUNDLE: bundle,
    EVENTS_FILE: eventsFile(events),
  };
}

/** The notifier's settings as `infra/stacks/iam-alerts-stack.ts` sets them (default settings). */
function notifierEnv(e: Endpoints, table: FakeAwsEndpoint): NodeJS.ProcessEnv {
  return {
    AWS_LAMBDA_FUNCTION_NAME: 'iam-alerts-notifier',
    POWERTOOLS_SERVICE_NAME: 'iam-alerts-notifier',
    POWERTOOLS_METRICS_NAMESPACE: 'IamAlerts',
    SLACK_SECRET_ARN,
    SLACK_CHANNEL_ID: 'C0ALERTS',
    SLACK_API_URL: e.slack.apiUrl,
    HOME_ACCOUNT_ID: '123456789012',
    IAM_ALERTS_STACK_NAME: 'IamAlerts',
    STATE_TABLE_NAME: TABLE,
    IDEMPOTENCY_TABLE_NAME: TABLE,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: e.secrets.url,
    AWS_ENDPOINT_URL_DYNAMODB: table.url,
  };
}

function slackEnv(e: Endpoints, table: FakeAwsEndpoint): NodeJS.ProcessEnv {
  return {
    AWS_LAMBDA_FUNCTION_NAME: 'iam-alerts-slack',
    POWERTOOLS_SERVICE_NAME: 'iam-alerts-slack',
    POWERTOOLS_METRICS_NAMESPACE: 'IamAlerts',
    SLACK_SECRET_ARN,
    SLACK_SIGNING_SECRET_ARN: SIGNING_SECRET_ARN,
    JOB_SIGNING_KEY_ARN,
    SLACK_CHANNEL_ID: 'C0ALERTS',
    SLACK_API_URL: e.slack.apiUrl,
    HOME_ACCOUNT_ID: '123456789012',
    HISTORY_REGIONS: 'us-east-1',
    STATE_TABLE_NAME: TABLE,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: e.secrets.url,
    AWS_ENDPOINT_URL_DYNAMODB: table.url,
  };
}

let eventCounter = 0;
let eventsDir: string | undefined;

/** The events for a child, in a file (an environment variable holds 128 KiB at most). */
function eventsFile(events: unknown[]): string {
  eventsDir ??= mkdtempSync(join(tmpdir(), 'iam-alerts-events-'));
  const file = join(eventsDir, `events-${++eventCounter}.json`);
  writeFileSync(file, JSON.stringify(events));
  return file;
}

/** A CreateUser by a fresh actor: its own burst, so it is posted as a top-level alert. */
function createUserDelivery(): unknown {
  const n = ++eventCounter;
  return toSnsEvent(
    toEventBridge({
      eventVersion: '1.08',
      eventName: 'CreateUser',
      eventSource: 'iam.amazonaws.com',
      eventID: `first-alert-${process.pid}-${n}`,
      eventTime: new Date().toISOString(),
      awsRegion: 'us-east-1',
      recipientAccountId: '123456789012',
      sourceIPAddress: '198.51.100.7',
      userIdentity: {
        type: 'IAMUser',
        userName: `alice-${n}`,
        arn: `arn:aws:iam::123456789012:user/alice-${n}`,
        accountId: '123456789012',
      },
      requestParameters: { userName: `mallory-${n}` },
    }),
  );
}

function acknowledgeClick(slack: FakeSlack): unknown {
  const alert = sampleAlert();
  const payload = blockActionPayload({
    actionId: ACTION_IDS.acknowledge,
    userId: 'U0ANYONE',
    value: buttonValue(alert, ACTION_IDS.acknowledge),
    message: alert,
    responseUrl: `${slack.baseUrl}/actions/T1/1/bench`,
  });
  return functionUrlEvent(interactionBody(payload));
}

/** Starts the child; resolves its reports. `accepted` resolves when the response the user waits for is observed. */
function runChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  observe: 'slack-post' | 'stdout' | 'none',
  slack: FakeSlack,
): { started: bigint; accepted: Promise<bigint>; report: Promise<ChildReport>; child: ChildProcess } {
  let onAccepted: (at: bigint) => void = () => undefined;
  const accepted = new Promise<bigint>((resolve) => {
    onAccepted = resolve;
  });
  if (observe === 'slack-post') {
    slack.respond('chat.postMessage', () => {
      onAccepted(process.hrtime.bigint());
      return { kind: 'ok' };
    });
  }
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...args, '-e', INVOKE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const report = new Promise<ChildReport>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      const at = process.hrtime.bigint();
      stdout += chunk;
      const lines = stdout.split('\n');
      for (const line of lines.slice(0, -1)) {
        // The handler's own log lines share stdout with the reports, as in Lambda.
        if (!line.startsWith('{"kind"')) continue;
        const parsed = JSON.parse(line) as { kind: string; statusCode?: number } & ChildReport;
        if (parsed.kind === 'first' && observe === 'stdout') {
          if (parsed.statusCode !== 200) reject(new Error(`the Slack function answered ${parsed.statusCode}`));
          onAccepted(at);
        }
        if (parsed.kind === 'done') resolve(parsed);
      }
      stdout = lines.at(-1) ?? '';
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the handler's process exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
  return { started, accepted, report, child };
}

export async function measureFirstResponse(options: { runs: number; nodeOptions?: readonly string[] }): Promise<FirstResponseResult[]> {
  const outdir = mkdtempSync(join(tmpdir(), 'iam-alerts-first-'));
  const [notifierBundle, slackBundle] = await Promise.all([
    bundleHandler('handlers/notifier.ts', outdir),
    bundleHandler('handlers/slack.ts', outdir),
  ]);
  const slack = await startFakeSlack();
  const secrets = await fakeSecretsManager({
    [SLACK_SECRET_ARN]: JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-bench' }),
    [SIGNING_SECRET_ARN]: JSON.stringify({ SLACK_SIGNING_SECRET: SIGNING_SECRET }),
    [JOB_SIGNING_KEY_ARN]: JOB_SIGNING_KEY,
  });
  const endpoints = { slack, secrets };
  // With and without source maps; the deployed options are one of these (or added as a third).
  const optionSets = [...new Set(options.nodeOptions ?? ['', '--enable-source-maps', LAMBDA_NODE_OPTIONS])];
  const samples = new Map<string, number[]>();
  const add = (key: string, value: number) => samples.set(key, [...(samples.get(key) ?? []), value]);
  const bare = (nodeOptions: string): number => {
    const started = process.hrtime.bigint();
    execFileSync(process.execPath, ['-e', '0'], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: nodeOptions } });
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const cold = async (handler: 'notifier' | 'slack', nodeOptions: string): Promise<void> => {
    // A fresh table per process: a cold container finds whatever the table holds, and the first
    // alert of a new actor is a top-level post either way.
    const table = await fakeDynamoDb(TABLE);
    try {
      const run =
        handler === 'notifier'
          ? runChild(
              [],
              { ...baseEnv(notifierBundle, [createUserDelivery()], nodeOptions), ...notifierEnv(endpoints, table) },
              'slack-post',
              slack,
            )
          : runChild(
              [],
              { ...baseEnv(slackBundle, [acknowledgeClick(slack)], nodeOptions), ...slackEnv(endpoints, table) },
              'stdout',
              slack,
            );
      const [at, report] = await Promise.all([run.accepted, run.report]);
      add(`${handler}|${nodeOptions}`, Number(at - run.started) / 1e6);
      add(`${handler}|${nodeOptions}|boot`, report.booted);
      add(`${handler}|${nodeOptions}|load`, report.loaded - report.booted);
      add(`${handler}|${nodeOptions}|first`, report.invocations[0] ?? 0);
    } finally {
      await table.close();
    }
  };
  try {
    // One warm-up of each (file cache, the fakes' first connections), then alternate so that drift
    // on the machine affects every column alike.
    for (const nodeOptions of optionSets) {
      bare(nodeOptions);
      await cold('notifier', nodeOptions);
      await cold('slack', nodeOptions);
    }
    for (let run = 0; run < options.runs; run++) {
      for (const nodeOptions of optionSets) {
        add(`bare|${nodeOptions}`, bare(nodeOptions));
        await cold('notifier', nodeOptions);
        await cold('slack', nodeOptions);
      }
    }
  } finally {
    await Promise.all([slack.close(), secrets.close()]);
  }
  const m = (key: string) => median(samples.get(key) ?? []);
  return (['notifier', 'slack'] as const).flatMap((handler) =>
    optionSets.map((nodeOptions) => ({
      handler,
      until: handler === 'notifier' ? 'first alert accepted by Slack' : 'ack of a signed click',
      nodeOptions,
      medianMs: m(`${handler}|${nodeOptions}`),
      bareMs: m(`bare|${nodeOptions}`),
      ratio: m(`${handler}|${nodeOptions}`) / m(`bare|${nodeOptions}`),
      bootMs: m(`${handler}|${nodeOptions}|boot`),
      loadMs: m(`${handler}|${nodeOptions}|load`),
      firstInvocationMs: m(`${handler}|${nodeOptions}|first`),
    })),
  );
}

/**
 * One warm notifier container, deployed settings: the corpus (every record of
 * `test/fixtures/cloudtrail/`, fresh event IDs) `rounds` times over, one event at a time.
 */
export async function measureContainer(options: { rounds: number; nodeOptions: string }): Promise<ContainerResult> {
  const outdir = mkdtempSync(join(tmpdir(), 'iam-alerts-container-'));
  const bundle = await bundleHandler('handlers/notifier.ts', outdir);
  const slack = await startFakeSlack();
  // The fake keeps every call: keep its history short, it is not what is measured.
  const trim = setInterval(() => slack.calls.splice(0), 1_000);
  const [secrets, table] = await Promise.all([
    fakeSecretsManager({ [SLACK_SECRET_ARN]: JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-bench' }) }),
    fakeDynamoDb(TABLE),
  ]);
  const records = loadCloudTrailCorpus().map((r) => ((r.value as { detail?: unknown }).detail ?? r.value) as Record<string, unknown>);
  let posts = 0;
  slack.respond('chat.postMessage', () => {
    posts++;
    return { kind: 'ok' };
  });
  const events = [createUserDelivery()];
  for (let round = 0; round < options.rounds; round++) {
    records.forEach((record, i) => {
      events.push(toSnsEvent(toEventBridge({ ...record, eventID: `container-${process.pid}-${round}-${i}` })));
    });
  }
  try {
    const env = {
      ...baseEnv(bundle, events, options.nodeOptions),
      ...notifierEnv({ slack, secrets }, table),
      ARRIVAL_GAP_MS: String(ARRIVAL_GAP_MS),
    };
    const run = runChild([], env, 'none', slack);
    const report = await run.report;
    const warm = report.invocations.slice(1);
    const sorted = [...warm].sort((a, b) => a - b);
    return {
      events: warm.length,
      posts: posts - 1,
      maxRssBytes: report.maxRssBytes,
      heapUsedBytes: report.heapUsedBytes,
      meanInvocationMs: warm.reduce((a, b) => a + b, 0) / warm.length,
      p99InvocationMs: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0,
      billedMsPerEvent: warm.reduce((a, b) => a + Math.ceil(b), 0) / warm.length,
    };
  } finally {
    clearInterval(trim);
    await Promise.all([slack.close(), secrets.close(), table.close()]);
  }
}
