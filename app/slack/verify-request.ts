import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from our clock, either way (Slack's guidance: 5 minutes). */
export const MAX_REQUEST_SKEW_SECONDS = 300;

export type RequestVerdict = { valid: true } | { valid: false; reason: 'missing-headers' | 'stale' | 'bad-signature' };

/**
 * Checks a request's `X-Slack-Signature` (`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`
 * keyed with the signing secret) and that `X-Slack-Request-Timestamp` is within
 * {@link MAX_REQUEST_SKEW_SECONDS} of `nowSeconds` in either direction (Bolt only rejects old
 * ones). Compares in constant time.
 */
export function verifySlackSignature(input: {
  signingSecret: string;
  rawBody: string;
  signature: string | undefined;
  timestamp: string | undefined;
  nowSeconds: number;
}): RequestVerdict {
  const { signature, timestamp } = input;
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return { valid: false, reason: 'missing-headers' };
  if (Math.abs(input.nowSeconds - Number(timestamp)) > MAX_REQUEST_SKEW_SECONDS) return { valid: false, reason: 'stale' };
  const expected = `v0=${createHmac('sha256', input.signingSecret).update(`v0:${timestamp}:${input.rawBody}`, 'utf8').digest('hex')}`;
  const given = Buffer.from(signature, 'utf8');
  const wanted = Buffer.from(expected, 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return { valid: false, reason: 'bad-signature' };
  return { valid: true };
}
