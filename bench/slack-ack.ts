import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { ACTION_IDS } from '../blocks/ids';
import { handler, resetSlackHandlerForTests } from '../handlers/slack';
import { slashCommandBody } from '../test/history/support/slack-requests';
import { functionUrlEvent, type Harness, lambdaContext, startHarness } from '../test/slack/slack-harness';

/**
 * Benchmark 3: how fast the Slack handler answers Slack (the ack) while AWS is slow.
 *
 * The real `handlers/slack.ts` entry point gets Function URL events signed as Slack signs them;
 * Slack itself is the local fake. The latency is the time until the handler returns its HTTP
 * response, which is what Slack's 3-second deadline applies to. Three scenarios, side by side:
 *
 * - `IAM and CloudTrail slow`: IAM and CloudTrail answer after `awsLatencyMs`; the one call the ack
 *   does wait for, the asynchronous self-invocation (Lambda Invoke), answers after
 *   `invokeLatencyMs`, a typical in-region round trip. This is the goal's case.
 * - `IAM and CloudTrail fast`: the same with IAM and CloudTrail answering at once: equal figures
 *   show the ack does not depend on their latency.
 * - `Lambda Invoke slow too`: the self-invocation itself takes `awsLatencyMs`, served by a real
 *   slow HTTP endpoint so the client's own timeout is what stops it.
 */
export interface AckResult {
  scenario: string;
  request: string;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  statusCodes: string;
}

export interface AckOptions {
  samples: number;
  awsLatencyMs: number;
  invokeLatencyMs: number;
}

export async function measureSlackAck(options: AckOptions): Promise<AckResult[]> {
  const results: AckResult[] = [];
  results.push(
    ...(await scenario('IAM and CloudTrail slow', options.samples, { slowMs: options.awsLatencyMs, invokeMs: options.invokeLatencyMs })),
  );
  results.push(...(await scenario('IAM and CloudTrail fast', options.samples, { slowMs: 0, invokeMs: options.invokeLatencyMs })));
  results.push(
    ...(await scenario('Lambda Invoke slow too', Math.min(options.samples, 20), {
      slowMs: options.awsLatencyMs,
      invokeMs: options.awsLatencyMs,
      realInvokeEndpoint: true,
    })),
  );
  return results;
}

async function scenario(
  name: string,
  samples: number,
  latency: { slowMs: number; invokeMs: number; realInvokeEndpoint?: boolean },
): Promise<AckResult[]> {
  // W111 sends the corpus's slash command: a responder here, so /iam-events rows time a search, not a refusal.
  const h = await startHarness({ RESPONDER_USER_IDS: 'U0RESPONDER,W111' });
  const cloudtrail = mockClient(CloudTrailClient);
  const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
  h.iam.onAnyCommand().callsFake(() => after(latency.slowMs, {}));
  cloudtrail.onAnyCommand().callsFake(() => after(latency.slowMs, { Events: [] }));
  let slowLambda: Server | undefined;
  if (latency.realInvokeEndpoint) {
    // A real HTTP endpoint, so the SDK's own request timeout (SELF_INVOKE_CLIENT_CONFIG) applies.
    h.lambda.restore();
    slowLambda = createServer((_req, res) => {
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(202, { 'content-type': 'application/json' }).end('');
      }, latency.invokeMs);
    });
    await new Promise<void>((resolve) => slowLambda?.listen(0, '127.0.0.1', resolve));
    process.env.AWS_ENDPOINT_URL_LAMBDA = `http://127.0.0.1:${(slowLambda.address() as AddressInfo).port}`;
    resetSlackHandlerForTests();
  } else {
    h.lambda.on(InvokeCommand).callsFake(() => after(latency.invokeMs, { StatusCode: 202 }));
  }
  try {
    return await measureRequests(name, samples, h);
  } finally {
    cloudtrail.restore();
    // Let deferred work still "in flight" at the fake AWS latency finish before closing.
    await after(Math.max(latency.slowMs, latency.invokeMs) + 100, undefined);
    delete process.env.AWS_ENDPOINT_URL_LAMBDA;
    slowLambda?.closeAllConnections();
    slowLambda?.close();
    await h.close();
  }
}

async function measureRequests(name: string, samples: number, h: Harness): Promise<AckResult[]> {
  const commandUrl = `${h.slack.baseUrl}/commands/T111/111/command-token`;
  const requests: Array<[string, () => Promise<unknown>]> = [
    ['Acknowledge button', () => h.click({ actionId: ACTION_IDS.acknowledge, userId: 'U0ANYONE' })],
    ['Disable User button (responder)', () => h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER' })],
    [
      '/iam-events actor:mallory since:24h',
      () => handler(functionUrlEvent(slashCommandBody('actor:mallory since:24h', commandUrl)), lambdaContext),
    ],
  ];
  // The first request builds the Bolt app (cold start): not an ack latency.
  await requests[0]?.[1]();
  const results: AckResult[] = [];
  for (const [request, send] of requests) {
    const times: number[] = [];
    const codes = new Map<string, number>();
    for (let i = 0; i < samples; i++) {
      const started = process.hrtime.bigint();
      const response = (await send()) as { statusCode?: number };
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      const code = String(response?.statusCode ?? 'none');
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    times.sort((a, b) => a - b);
    results.push({
      scenario: name,
      request,
      samples: times.length,
      p50Ms: percentile(times, 0.5),
      p99Ms: percentile(times, 0.99),
      maxMs: times.at(-1) ?? 0,
      statusCodes: [...codes.entries()].map(([c, n]) => `${c}×${n}`).join(', '),
    });
  }
  return results;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}
