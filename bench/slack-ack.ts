import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { ACTION_IDS } from '../blocks/ids';
import { handler } from '../handlers/slack';
import { slashCommandBody } from '../test/history/support/slack-requests';
import { functionUrlEvent, lambdaContext, startHarness } from '../test/slack/slack-harness';

/**
 * Benchmark 3: how fast the Slack handler answers Slack (the ack) while every AWS call it could
 * make (Lambda Invoke for the self-invocation, IAM, CloudTrail) takes `awsLatencyMs` to answer.
 * The real `handlers/slack.ts` entry point gets Function URL events signed as Slack signs them;
 * Slack itself is the local fake. The latency is the time until the handler returns its HTTP
 * response, which is what Slack's 3-second deadline applies to.
 */
export interface AckResult {
  request: string;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  statusCodes: string;
}

export async function measureSlackAck(options: { samples: number; awsLatencyMs: number }): Promise<AckResult[]> {
  const h = await startHarness();
  const cloudtrail = mockClient(CloudTrailClient);
  const slow = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), options.awsLatencyMs));
  h.lambda.on(InvokeCommand).callsFake(() => slow({ StatusCode: 202 }));
  h.iam.onAnyCommand().callsFake(() => slow({}));
  cloudtrail.onAnyCommand().callsFake(() => slow({ Events: [] }));
  const commandUrl = `${h.slack.baseUrl}/commands/T111/111/command-token`;
  const requests: Array<[string, () => Promise<unknown>]> = [
    ['Acknowledge button', () => h.click({ actionId: ACTION_IDS.acknowledge, userId: 'U0ANYONE' })],
    ['Disable User button (responder)', () => h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER' })],
    [
      '/iam-events actor:mallory since:24h',
      () => handler(functionUrlEvent(slashCommandBody('actor:mallory since:24h', commandUrl)), lambdaContext),
    ],
  ];
  try {
    // The first request builds the Bolt app (cold start): not an ack latency.
    await requests[0]?.[1]();
    const results: AckResult[] = [];
    for (const [request, send] of requests) {
      const times: number[] = [];
      const codes = new Map<string, number>();
      for (let i = 0; i < options.samples; i++) {
        const started = process.hrtime.bigint();
        const response = (await send()) as { statusCode?: number };
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        const code = String(response?.statusCode ?? 'none');
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
      times.sort((a, b) => a - b);
      results.push({
        request,
        samples: times.length,
        p50Ms: percentile(times, 0.5),
        p99Ms: percentile(times, 0.99),
        maxMs: times.at(-1) ?? 0,
        statusCodes: [...codes.entries()].map(([c, n]) => `${c}×${n}`).join(', '),
      });
    }
    return results;
  } finally {
    cloudtrail.restore();
    // Let deferred invocations still "in flight" at the fake AWS latency finish before closing.
    await new Promise((resolve) => setTimeout(resolve, options.awsLatencyMs + 100));
    await h.close();
  }
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}
