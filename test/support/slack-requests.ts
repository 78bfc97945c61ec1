import { createHmac } from 'node:crypto';

/**
 * Slack requests exactly as Slack sends them to a Lambda Function URL: the body signed with
 * Slack's v0 scheme (`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`), wrapped in a
 * payload-2.0 Function URL event. Shared by every test that drives the Slack handler.
 */

/** Slack's request signature for `body` sent at `timestamp` (seconds). */
export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedRequestOptions {
  /** The signing secret; required unless `signature` is given. */
  secret: string;
  /** Seconds since the epoch; now by default. */
  timestamp?: number;
  /** A signature to send instead of the right one (for forgery tests). */
  signature?: string;
  contentType?: string;
  /** Send the body base64-encoded, as Function URLs do for some content types. */
  base64?: boolean;
}

/** A Lambda Function URL event (payload format 2.0) carrying a signed Slack request. */
export function signedFunctionUrlEvent(body: string, options: SignedRequestOptions): Record<string, unknown> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature ?? slackSignature(options.secret, timestamp, body);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      host: 'abcdefghijklmnop.lambda-url.us-east-1.on.aws',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghijklmnop',
      domainName: 'abcdefghijklmnop.lambda-url.us-east-1.on.aws',
      http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '3.92.1.1', userAgent: 'Slackbot 1.0' },
      requestId: 'f5d0a2b8-0000-4000-8000-000000000001',
      routeKey: '$default',
      stage: '$default',
      time: '01/May/2024:10:00:00 +0000',
      timeEpoch: Date.now(),
    },
    body: options.base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  };
}

/** The form body Slack posts for interactions: `payload=<url-encoded JSON>`. */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
