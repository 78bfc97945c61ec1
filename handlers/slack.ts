import type { Context } from 'aws-lambda';
import { createLogger } from '../app/logger';
import { verifySlackSignature } from '../app/slack/verify-request';
import type { SlackAppDeps } from '../app/slack-deps';

/**
 * The Slack Lambda, behind a Function URL: Bolt (`AwsLambdaReceiver`) answers button clicks and
 * slash commands; the same function, invoked asynchronously by itself with
 * `{ iamAlertsJob: { kind, payload } }`, runs the slow work the listeners deferred.
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
  const { makeSlackAppDeps, makeSlackCredentials } = require('./deps') as typeof import('./deps');
  const config = loadConfig();
  const credentials = await makeSlackCredentials(config);
  const signingSecret = requireSetting(
    credentials.signingSecret,
    'SLACK_SIGNING_SECRET',
    'every request from Slack is verified with it (set it, or put it in the SLACK_SECRET_ARN secret)',
  );
  const deps = await makeSlackAppDeps(config, logger, { credentials, defer: 'lambda' });
  return { deps, signingSecret, jobs };
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
 * @throws when a deferred job fails unexpectedly (after telling the user), so Lambda retries it.
 */
export async function handler(event: unknown, context: Context): Promise<HttpResult | { ok: boolean; error?: string }> {
  // Built on first use and kept for the container's life; a failed build is retried next time.
  runtime ??= buildRuntime().catch((error: unknown) => {
    runtime = undefined;
    throw error;
  });
  const built = await runtime;
  const { deps, signingSecret, jobs } = built;

  if (jobs.isJobEvent(event)) return jobs.runJobEvent(event, deps);

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
    return await bolt(request, context);
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

function header(event: HttpEvent, name: string): string | undefined {
  return event.headers?.[name] ?? undefined;
}

/** Forgets the cached runtime (tests change the environment between cases). */
export function resetSlackHandlerForTests(): void {
  runtime = undefined;
  http = undefined;
}
