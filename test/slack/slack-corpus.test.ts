import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unroutableSlackRequest } from '../../app/slack/request-shape';
import { handler } from '../../handlers/slack';
import { FIXTURES_DIR } from '../support/corpus';
import { functionUrlEvent, type Harness, interactionBody, lambdaContext, SIGNING_SECRET, startHarness } from './slack-harness';

/**
 * Every real Slack request in test/fixtures/slack (bolt-python's and bolt-js's test payloads: block
 * actions, suggestions, dialogs, shortcuts, message actions, slash commands, view submissions and
 * closures; see test/fixtures/PROVENANCE.md), sent to the real handler as Slack would send it.
 * None of them is one of iam-alerts' own actions or commands, so each must be answered at once
 * with nothing done: no crash, no 5xx (Slack would retry it), no IAM call, no deferred job, no
 * Slack write. Eight of bolt-python's payloads are cut down to a type and an action, with no user:
 * Bolt itself throws on those (500), so the handler refuses them first with 400. The same requests with a bad signature, a stale timestamp or no signature are
 * refused with 401 before anything reads them (python-slack-sdk's negative cases).
 */

interface CorpusRequest {
  name: string;
  body: string;
}

/** The form body Slack posts: slash commands as form fields, everything else as `payload=<JSON>`. */
function slackBody(file: string, kind: string): string {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.txt')) return text.trim();
  const value = JSON.parse(text) as Record<string, unknown>;
  if (kind === 'slash_command') {
    return new URLSearchParams(Object.entries(value).map(([k, v]): [string, string] => [k, String(v)])).toString();
  }
  return interactionBody(value);
}

function corpusRequests(): CorpusRequest[] {
  const requests: CorpusRequest[] = [];
  for (const dir of ['bolt-python', 'bolt-js']) {
    const base = join(FIXTURES_DIR, 'slack', dir);
    const index = readFileSync(join(base, '_index.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { file: string; kind: string });
    for (const file of readdirSync(base).filter((f) => !f.startsWith('_'))) {
      const entry = index.find((e) => e.file === file || e.file === `${dir}/${file}`);
      if (!entry) throw new Error(`${dir}/${file} is not in its _index.jsonl`);
      requests.push({ name: `${dir}/${file}`, body: slackBody(join(base, file), entry.kind) });
    }
  }
  return requests;
}

const REQUESTS = corpusRequests();
/** Slack's interaction deadline; a request nobody handles must be answered well inside it. */
const SLACK_DEADLINE_MS = 3_000;

describe('every Slack request in the corpus, sent to the Slack handler', () => {
  let harness: Harness;
  beforeEach(async () => {
    // U111 and W111, the corpus's users, may even be responders: none of these is our action.
    harness = await startHarness({ RESPONDER_USER_IDS: 'U0RESPONDER,U111,W111' });
  });
  afterEach(() => harness.close());

  it('covers all 30 HTTP payloads of the corpus', () => {
    expect(REQUESTS).toHaveLength(30);
  });

  it.each(REQUESTS.map((r) => [r.name, r] as const))('%s: answered at once with nothing done', async (_name, request) => {
    const started = Date.now();
    const result = (await handler(functionUrlEvent(request.body), lambdaContext)) as { statusCode: number };

    expect(Date.now() - started).toBeLessThan(SLACK_DEADLINE_MS);
    // 404: no listener of ours matched; 200: acked and dropped (a response_url that is not the
    // Slack these tests point at); 400: a body Bolt cannot route (no user, no view), said why.
    const expected = unroutableSlackRequest(request.body, 'application/x-www-form-urlencoded') ? [400] : [200, 404];
    expect(expected).toContain(result.statusCode);
    expect(harness.iam.calls()).toHaveLength(0);
    expect(harness.deferredEvents()).toHaveLength(0);
    expect(harness.slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  const forgeries: Array<[string, (body: string) => Record<string, unknown>]> = [
    ['signed with another secret', (body) => functionUrlEvent(body, { secret: `${SIGNING_SECRET}x` })],
    ['signed over another body', (body) => ({ ...functionUrlEvent(`${body}&x=1`), body })],
    ['signed six minutes ago', (body) => functionUrlEvent(body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })],
    [
      "bolt-python's invalid signature (v0=invalid, timestamp 0)",
      (body) => functionUrlEvent(body, { signature: 'v0=invalid', timestamp: 0 }),
    ],
    [
      'without Slack headers',
      (body) => {
        const event = functionUrlEvent(body) as { headers: Record<string, string> };
        const { 'x-slack-signature': _s, 'x-slack-request-timestamp': _t, ...headers } = event.headers;
        return { ...event, headers };
      },
    ],
  ];

  it.each(forgeries)('refuses every corpus request %s, with 401 and nothing done', async (_how, forge) => {
    for (const request of REQUESTS) {
      const result = (await handler(forge(request.body), lambdaContext)) as { statusCode: number };
      expect({ request: request.name, status: result.statusCode }).toEqual({ request: request.name, status: 401 });
    }
    expect(harness.iam.calls()).toHaveLength(0);
    expect(harness.deferredEvents()).toHaveLength(0);
    expect(harness.slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });
});
