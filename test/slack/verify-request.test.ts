import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifySlackSignature } from '../../app/slack/verify-request';
import { FIXTURES_DIR } from '../support/corpus';

const vector = JSON.parse(readFileSync(join(FIXTURES_DIR, 'slack/signing/slack-docs-signature-vector.json'), 'utf8'));
const base = {
  signingSecret: vector.signing_secret as string,
  rawBody: vector.raw_body as string,
  signature: vector.headers['X-Slack-Signature'] as string,
  timestamp: vector.headers['X-Slack-Request-Timestamp'] as string,
  nowSeconds: vector.test_clock_now as number,
};

describe('verifySlackSignature', () => {
  it("accepts Slack's published example request", () => {
    expect(verifySlackSignature(base)).toEqual({ valid: true });
  });

  it('rejects a changed body', () => {
    expect(verifySlackSignature({ ...base, rawBody: base.rawBody.replace('roadrunner', 'wile') })).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
  });

  it('rejects another secret', () => {
    expect(verifySlackSignature({ ...base, signingSecret: 'x' })).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it.each([
    ['5 minutes and 1 second old', 301],
    ['5 minutes and 1 second in the future', -301],
  ])('rejects a request %s', (_why, age) => {
    expect(verifySlackSignature({ ...base, nowSeconds: base.nowSeconds + age })).toEqual({ valid: false, reason: 'stale' });
  });

  it('accepts a request exactly 5 minutes old', () => {
    expect(verifySlackSignature({ ...base, nowSeconds: base.nowSeconds + 300 })).toEqual({ valid: true });
  });

  it.each([
    ['no signature', { signature: undefined }],
    ['no timestamp', { timestamp: undefined }],
    ['a timestamp that is not a number', { timestamp: '1531420618abc' }],
  ])('rejects %s', (_why, change) => {
    expect(verifySlackSignature({ ...base, ...change })).toEqual({ valid: false, reason: 'missing-headers' });
  });

  it('rejects a signature of another version or length without throwing', () => {
    expect(verifySlackSignature({ ...base, signature: 'v1=abc' }).valid).toBe(false);
    expect(verifySlackSignature({ ...base, signature: `${base.signature}00` }).valid).toBe(false);
  });
});
