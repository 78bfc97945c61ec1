import type { Context } from 'aws-lambda';
import { createLogger } from '../app/logger';
import { unroutableSlackRequest } from '../app/slack/request-shape';
import { verifySlackSignature } from '../app/slack/verify-request';
import type { SlackAppDeps } from '../app/slack-deps';

/**
 * The Slack Lambda, behind a Function URL: Bolt (`AwsLambdaReceiver`) answers button clicks and
 * slash commands; the same function, invoked asynchronously by itself with a signed
 * `{ iamAlertsJob: ... }` envelope (`app/jobs/envelope.ts`), runs the slow work the listeners
 * deferred. Whoever else may invoke the function cannot make it run a job: the envelope's MAC,
 * age and once-only nonce are checked before anything else.
 *
 * Module scope loads only logging and the signature check. Config, job dispatch (with every job's
 * schemas) and the composition root (Secrets Manager) are loaded on the first invocation, Bolt on
 * the first HTTP request (jobs never need it), and the IAM, CloudTrail and Lambda SDKs when first
 * used: what is evaluated at load is paid in Lambda's init phase by every cold start.
 */

/** The HTTP response a Function URL returns to Slack. */
export interface HttpResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

/** A Function URL (payload 2.0) or API Gateway event, as far as this handler reads it. */
interface HttpEvent {
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  [key: string]: unknown;
}

type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

interface Runtime {
  deps: SlackAppDeps;
  signingSecret: string;
  jobSigningKey: string;
  jobs: typeof import('../app/jobs/dispatch');
}

const logger = createLogger('iam-alerts-slack');
let runtime: Promise<Runtime> | undefined;
let http: Promise<HttpHandler> | undefined;

async function buildRuntime(): Promise<Runtime> {
  // Loaded here rather than at module scope (see the module comment). `require`, because this
  // package is CommonJS and `import()` of a relative path would need a compiled file's extension.
  const { loadConfig, requireSetting } = require('../app/config') as typeof import('../app/config');
  const jobs = require('../app/jobs/dispatch') as typeof import('../app/jobs/dispatch');
  const { makeSlackAppDeps, makeSlackHandlerSecrets } = require('./slack-deps') as typeof import('./slack-deps');
  const config = loadConfig();
  // Fail closed, before reading any secret: without these no job could be checked.
  requireSetting(config.jobSigningKeyArn, 'JOB_SIGNING_KEY_ARN', 'deferred jobs are signed with the key it names (the stack sets it)');
  requireSetting(
    config.stateTableName,
    'STATE_TABLE_NAME',
    'each deferred job is claimed once in the state table, so that a replayed job is refused (the stack sets it)',
  );
  const { credentials, signingSecret, jobSigningKey } = await makeSlackHandlerSecrets(config, logger);
  const deps = await makeSlackAppDeps(config, logger, { credentials, defer: 'lambda', jobSigningKey });
  return { deps, signingSecret, jobSigningKey, jobs };
}

async function buildHttpHandler({ deps, signingSecret }: Runtime): Promise<HttpHandler> {
  const { AwsLambdaReceiver } = await import('@slack/bolt');
  const { createSlackApp } = require('../app/slack-app') as typeof import('../app/slack-app');
  const { boltLogger } = require('../app/slack/bolt-logger') as typeof import('../app/slack/bolt-logger');
  const receiver = new AwsLambdaReceiver({ signingSecret, logger: boltLogger(logger) });
  createSlackApp(deps, { receiver });
  return receiver.toHandler() as unknown as HttpHandler;
}

/**
 * The Lambda entry point (two arguments: newer Node runtimes reject callback handlers).
 * Deferred jobs are recognised and run; every other event is an HTTP request whose Slack
 * signature and timestamp are checked first: a bad or stale one gets 401 and nothing else happens.
 * @throws when a deferred job fails unexpectedly (after telling the user), so Lambda retries it;
 *   ConfigError when a setting the function cannot work without is missing.
 */
export async function handler(event: unknown, context: Context): Promise<HttpResult | { ok: boolean; error?: string }> {
  // Built on first use and kept for the container's life; a failed build is retried next time.
  runtime ??= buildRuntime().catch((error: unknown) => {
    runtime = undefined;
    throw error;
  });
  const built = await runtime;
  const { deps, signingSecret, jobSigningKey, jobs } = built;

  if (jobs.isJobEvent(event)) return jobs.runJobEvent(event, deps, { signingKey: jobSigningKey, requestId: context.awsRequestId });

  const request = normaliseHttpEvent(event);
  const verdict = verifySlackSignature({
    signingSecret,
    rawBody: request.body ?? '',
    signature: header(request, 'x-slack-signature'),
    timestamp: header(request, 'x-slack-request-timestamp'),
    nowSeconds: Math.floor(deps.clock().getTime() / 1000),
  });
  if (!verdict.valid) {
    logger.warn('rejected unverified request', { reason: verdict.reason });
    return { statusCode: 401, body: '' };
  }
  const unroutable = unroutableSlackRequest(request.body ?? '', header(request, 'content-type'));
  if (unroutable) {
    // Signed by Slack but not whole: Bolt would throw on it and answer 500, which Slack retries.
    logger.warn('rejected a verified Slack request Bolt cannot route', { reason: unroutable });
    return { statusCode: 400, body: '' };
  }
  http ??= buildHttpHandler(built).catch((error: unknown) => {
    http = undefined;
    throw error;
  });
  let bolt: HttpHandler;
  try {
    bolt = await http;
  } catch (error) {
    logger.error('could not start the Bolt app', { error });
    return { statusCode: 500, body: '' };
  }
  try {
    // Listeners hand their job off within what is left of Slack's 3 s, counted from arrival.
    const deadline = jobs.ackDeadlineFor(arrivalTime(request));
    return await jobs.withAckDeadline(deadline, () => bolt(request, context));
  } catch (error) {
    // Bolt throws on a body it cannot parse (after verification, so it came from Slack).
    logger.error('could not process a verified Slack request', { error });
    return { statusCode: 400, body: '' };
  }
}

/**
 * Decodes a base64 body as UTF-8 (Bolt would decode it as ASCII and break the signature of any
 * non-ASCII body) and drops a `; charset=...` suffix Bolt's content-type check does not expect.
 */
function normaliseHttpEvent(event: unknown): HttpEvent {
  const input = (typeof event === 'object' && event !== null ? event : {}) as HttpEvent;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  if (headers['content-type']) headers['content-type'] = (headers['content-type'].split(';')[0] ?? '').trim().toLowerCase();
  const rawBody = typeof input.body === 'string' ? input.body : '';
  const body = input.isBase64Encoded ? Buffer.from(rawBody, 'base64').toString('utf8') : rawBody;
  return { ...input, headers, body, isBase64Encoded: false };
}

/** When the Function URL received the request (`requestContext.timeEpoch`, ms), if the event says. */
function arrivalTime(event: HttpEvent): number | undefined {
  const timeEpoch = (event.requestContext as { timeEpoch?: unknown } | undefined)?.timeEpoch;
  return typeof timeEpoch === 'number' ? timeEpoch : undefined;
}

function header(event: HttpEvent, name: string): string | undefined {
  return event.headers?.[name] ?? undefined;
}

/** Forgets the cached runtime (tests change the environment between cases). */
export function resetSlackHandlerForTests(): void {
  runtime = undefined;
  http = undefined;
}
