import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP stand-in for Slack's Web API (and for `response_url`s), for tests that use the real
 * `@slack/web-api` client via `slackApiUrl`. It records every call and can inject faults.
 */

export interface RecordedCall {
  /** Web API method (`chat.postMessage`) or the request path for non-API posts (`/response/abc`). */
  method: string;
  /** Parsed body: form fields (with `blocks`/`attachments` JSON-decoded) or the JSON body. */
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  at: number;
}

/** A scripted response for the next call of a method. */
export type FakeResponse =
  | { kind: 'ok'; body?: Record<string, unknown> }
  | { kind: 'error'; error: string }
  | { kind: 'http'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'ratelimited'; retryAfterSeconds: number }
  | { kind: 'hang'; ms: number };

export interface FakeSlack {
  /** Base URL to pass as `slackApiUrl` / `SLACK_API_URL` (ends with `/api/`). */
  apiUrl: string;
  /** Base URL for response_url-style posts. */
  baseUrl: string;
  calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** Queues responses for the next calls to `method` (or `*` for any). */
  script(method: string, ...responses: FakeResponse[]): void;
  /** Sets a default handler for a method, used when nothing is scripted. */
  respond(method: string, handler: (call: RecordedCall) => FakeResponse): void;
  /**
   * A message as Slack holds it after the `chat.update` calls it answered: each applies when its
   * answer is sent, so a slow (`hang`) update lands after a later fast one, as with Slack.
   * Undefined until the first update of that message.
   */
  heldMessage(channel: string, ts: string): { text?: unknown; blocks?: unknown } | undefined;
  close(): Promise<void>;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: RecordedCall[] = [];
  const scripted = new Map<string, FakeResponse[]>();
  const handlers = new Map<string, (call: RecordedCall) => FakeResponse>();
  const held = new Map<string, { text?: unknown; blocks?: unknown }>();
  let tsCounter = 0;

  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = url.pathname.startsWith('/api/') ? url.pathname.slice('/api/'.length) : url.pathname;
    const call: RecordedCall = { method, body: parseBody(raw, req.headers['content-type']), headers: req.headers, at: Date.now() };
    calls.push(call);
    const queue = scripted.get(method)?.length ? scripted.get(method) : scripted.get('*');
    const response = queue?.shift() ?? handlers.get(method)?.(call) ?? { kind: 'ok' };
    await send(res, response, () => defaultBody(method, call, ++tsCounter));
    if (method === 'chat.update' && (response.kind === 'ok' || response.kind === 'hang')) {
      held.set(`${call.body.channel} ${call.body.ts}`, { text: call.body.text, blocks: call.body.blocks });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    script: (method, ...responses) => scripted.set(method, [...(scripted.get(method) ?? []), ...responses]),
    respond: (method, handler) => handlers.set(method, handler),
    heldMessage: (channel, ts) => held.get(`${channel} ${ts}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function defaultBody(method: string, call: RecordedCall, n: number): Record<string, unknown> {
  const channel = typeof call.body.channel === 'string' ? call.body.channel : 'C0FAKE';
  const ts = `1700000000.${String(n).padStart(6, '0')}`;
  switch (method) {
    case 'chat.postMessage':
      return { ok: true, channel, ts, message: { ts, text: call.body.text, blocks: call.body.blocks } };
    case 'chat.update':
      return { ok: true, channel, ts: call.body.ts, text: call.body.text };
    // A DM with one user: Slack answers with the IM channel (D…), the same one each time.
    case 'conversations.open':
      return { ok: true, channel: { id: `D${String(call.body.users ?? 'X').replace(/[^A-Z0-9]/g, '')}` } };
    // Every address belongs to a full member, U + the local part in capitals (tests script others).
    case 'users.lookupByEmail': {
      const local = String(call.body.email ?? '').split('@')[0] ?? '';
      return { ok: true, user: { id: `U${local.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`, deleted: false } };
    }
    case 'views.open':
      return { ok: true, view: { id: `V0FAKE${n}`, type: 'modal' } };
    case 'auth.test':
      return {
        ok: true,
        url: 'https://fake.slack.com/',
        team: 'Fake',
        user: 'iam-alerts',
        team_id: 'T0FAKE',
        user_id: 'U0BOT',
        bot_id: 'B0BOT',
      };
    // Every user ID is a full member of the workspace (tests script deleted users, bots and guests).
    case 'users.info':
      return { ok: true, user: { id: call.body.user, deleted: false, is_bot: false, is_restricted: false, is_ultra_restricted: false } };
    default:
      return { ok: true };
  }
}

async function send(res: ServerResponse, response: FakeResponse, okBody: () => Record<string, unknown>): Promise<void> {
  switch (response.kind) {
    case 'ok':
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...okBody(), ...response.body }));
      return;
    case 'error':
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: response.error }));
      return;
    case 'ratelimited':
      res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(response.retryAfterSeconds) })
        .end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    case 'http':
      res.writeHead(response.status, response.headers ?? {}).end(response.body ?? '');
      return;
    case 'hang':
      await new Promise((resolve) => setTimeout(resolve, response.ms));
      if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(okBody()));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return { _raw: raw };
    }
  }
  const form = Object.fromEntries(new URLSearchParams(raw));
  const body: Record<string, unknown> = { ...form };
  for (const key of ['blocks', 'attachments', 'metadata']) {
    if (typeof form[key] === 'string') {
      try {
        body[key] = JSON.parse(form[key]);
      } catch {
        // leave as sent
      }
    }
  }
  return body;
}
