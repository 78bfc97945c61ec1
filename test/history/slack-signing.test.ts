import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../support/corpus';
import { slackSignature } from './support/slack-requests';

describe('slackSignature (the test helper that signs requests)', () => {
  it("reproduces Slack's published signing example", () => {
    const dir = join(FIXTURES_DIR, 'slack/signing');
    const vector = JSON.parse(readFileSync(join(dir, 'slack-docs-signature-vector.json'), 'utf8'));
    const body = readFileSync(join(dir, 'slack-docs-signature-vector.body.txt'), 'utf8');
    expect(body).toBe(vector.raw_body);
    expect(slackSignature(vector.signing_secret, Number(vector.headers['X-Slack-Request-Timestamp']), body)).toBe(
      vector.headers['X-Slack-Signature'],
    );
  });
});
