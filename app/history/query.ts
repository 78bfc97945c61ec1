import { isIP } from 'node:net';
import * as z from 'zod';

/**
 * The `/iam-events` query language: space-separated `key:value` filters, or `help`.
 *
 * `user:<name>` (actor or target), `event:<EventName>`, `actor:<name>`, `ip:<address>`,
 * `since:<N>m|h|d` (up to 90 days, CloudTrail's LookupEvents horizon), `limit:<N>` (up to 100),
 * `account:<id|name>` (another account of the organization: its 12-digit ID, an `ACCOUNT_ALIASES`
 * alias or its name in the organization).
 * Default: the last 24 hours, 20 results, IAM and sign-in events, in iam-alerts' own account.
 */

/** CloudTrail's event history reaches 90 days back. */
export const MAX_SINCE_MINUTES = 90 * 24 * 60;
export const DEFAULT_SINCE_MINUTES = 24 * 60;
export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 20;

/** IAM user, role session and SSO user names (IAM allows `+=,.@_-`; SSO sessions are often e-mails). */
const NAME = /^[\w+=,.@-]{1,128}$/;
const EVENT_NAME = /^[A-Za-z][A-Za-z0-9]{1,127}$/;
/** A 12-digit account ID, or an account's alias or organization name typed without spaces. */
const ACCOUNT_REF = /^(\d{12}|[\w+=.@-]{1,64})$/;
/** CloudTrail's sourceIPAddress is an address, or a service name such as `iam.amazonaws.com`. */
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})+$/;

/** A parsed query; JSON-safe because it travels in job payloads and the More button. */
export const historyQuerySchema = z.strictObject({
  user: z.string().regex(NAME).optional(),
  actor: z.string().regex(NAME).optional(),
  event: z.string().regex(EVENT_NAME).optional(),
  ip: z
    .string()
    .max(253)
    .refine((v) => isIP(v) !== 0 || HOST.test(v))
    .optional(),
  sinceMinutes: z.number().int().min(1).max(MAX_SINCE_MINUTES),
  limit: z.number().int().min(1).max(MAX_LIMIT),
  /** The account to search, as typed; the search's cursor carries the account ID it resolved to. */
  account: z.string().regex(ACCOUNT_REF).optional(),
});
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

export type ParsedHistoryCommand =
  | { kind: 'help' }
  | { kind: 'query'; query: HistoryQuery }
  /** Every problem found, each a sentence the user can act on. */
  | { kind: 'invalid'; problems: string[] };

const KEYS = ['user', 'event', 'actor', 'ip', 'since', 'limit', 'account'] as const;
type Key = (typeof KEYS)[number];

/**
 * Parses the text after `/iam-events`. Never throws: bad syntax comes back as `invalid` with a
 * specific sentence per problem. Empty text is the default query.
 *
 * @example parseHistoryCommand('user:alice since:7d limit:50')
 */
export function parseHistoryCommand(text: string | undefined): ParsedHistoryCommand {
  const tokens = unwrapSlackFormatting(text ?? '')
    .split(/\s+/)
    .filter(Boolean);
  if (tokens.length === 1 && /^(help|-h|--help|\?)$/i.test(tokens[0]!)) return { kind: 'help' };

  const problems: string[] = [];
  const values: Partial<Record<Key, string>> = {};
  for (const token of tokens) {
    const colon = token.indexOf(':');
    const key = colon > 0 ? token.slice(0, colon).toLowerCase() : undefined;
    const value = colon > 0 ? token.slice(colon + 1) : '';
    if (!key) {
      problems.push(`\`${clip(token)}\` is not a filter: write \`key:value\`, e.g. \`user:alice\` (see \`/iam-events help\`).`);
    } else if (!(KEYS as readonly string[]).includes(key)) {
      problems.push(`\`${clip(key)}\` is not a filter I know; use ${KEYS.map((k) => `\`${k}:\``).join(', ')}.`);
    } else if (!value) {
      problems.push(`\`${key}:\` needs a value, e.g. \`${key}:${EXAMPLES[key as Key]}\`.`);
    } else if (values[key as Key] !== undefined) {
      problems.push(`\`${key}:\` is given twice; give each filter once.`);
    } else {
      values[key as Key] = value;
    }
  }

  const query: Partial<HistoryQuery> = { sinceMinutes: DEFAULT_SINCE_MINUTES, limit: DEFAULT_LIMIT };
  if (values.user !== undefined) {
    if (NAME.test(values.user)) query.user = values.user;
    else problems.push(`\`user:${clip(values.user)}\` is not a valid IAM user name (letters, digits and \`+=,.@_-\`, up to 128).`);
  }
  if (values.actor !== undefined) {
    if (NAME.test(values.actor)) query.actor = values.actor;
    else problems.push(`\`actor:${clip(values.actor)}\` is not a valid user, role or session name.`);
  }
  if (values.event !== undefined) {
    if (EVENT_NAME.test(values.event)) query.event = values.event;
    else problems.push(`\`event:${clip(values.event)}\` is not an API name; write it as CloudTrail does, e.g. \`event:CreateAccessKey\`.`);
  }
  if (values.ip !== undefined) {
    if (historyQuerySchema.shape.ip.safeParse(values.ip).success) query.ip = values.ip;
    else problems.push(`\`ip:${clip(values.ip)}\` is not an IP address (or a service name such as \`iam.amazonaws.com\`).`);
  }
  if (values.since !== undefined) {
    const since = parseDuration(values.since);
    if (since === undefined) problems.push(`\`since:${clip(values.since)}\` is not a duration; write \`30m\`, \`12h\` or \`7d\`.`);
    else if (since > MAX_SINCE_MINUTES)
      problems.push(`\`since:${clip(values.since)}\` is too far back: CloudTrail keeps 90 days (\`since:90d\`).`);
    else query.sinceMinutes = since;
  }
  if (values.limit !== undefined) {
    const limit = /^\d{1,4}$/.test(values.limit) ? Number(values.limit) : Number.NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      problems.push(`\`limit:${clip(values.limit)}\` must be a whole number from 1 to ${MAX_LIMIT}.`);
    } else query.limit = limit;
  }
  if (values.account !== undefined) {
    if (ACCOUNT_REF.test(values.account)) query.account = values.account;
    else
      problems.push(
        `\`account:${clip(values.account)}\` is not an account: give its 12-digit ID or its name without spaces, e.g. \`account:prod\`.`,
      );
  }
  if (problems.length > 0) return { kind: 'invalid', problems };
  return { kind: 'query', query: historyQuerySchema.parse(query) };
}

const EXAMPLES: Record<Key, string> = {
  user: 'alice',
  event: 'CreateAccessKey',
  actor: 'alice',
  ip: '203.0.113.7',
  since: '7d',
  limit: '50',
  account: 'prod',
};

/** `30m`, `12h`, `7d` → minutes; `undefined` when it is not a positive duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})([mhd])$/i.exec(text.trim());
  if (!match) return undefined;
  const n = Number(match[1]);
  if (n <= 0) return undefined;
  const unit = match[2]!.toLowerCase();
  return unit === 'm' ? n : unit === 'h' ? n * 60 : n * 24 * 60;
}

/** Minutes → an exact `since:` form: `90d`, `24h`, `36h`, `45m` (the default reads as `24h`). */
export function formatDuration(minutes: number): string {
  if (minutes > 24 * 60 && minutes % (24 * 60) === 0) return `${minutes / (24 * 60)}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** The query written back as filters, for summaries and fallbacks: `user:alice since:7d limit:50`. */
export function describeQuery(query: HistoryQuery): string {
  const parts = [
    query.user && `user:${query.user}`,
    query.actor && `actor:${query.actor}`,
    query.event && `event:${query.event}`,
    query.ip && `ip:${query.ip}`,
    `since:${formatDuration(query.sinceMinutes)}`,
    `limit:${query.limit}`,
    query.account && `account:${query.account}`,
  ];
  return parts.filter(Boolean).join(' ');
}

/**
 * Slack may send links and e-mail addresses in command text as `<mailto:a@b.c|a@b.c>` or
 * `<http://x>`; the user typed the label, so that is what we parse.
 */
function unwrapSlackFormatting(text: string): string {
  return text.replace(/<([^<>|]*)\|([^<>]*)>/g, '$2').replace(/<([^<>]*)>/g, '$1');
}

function clip(value: string): string {
  const cut = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  // Problems are shown in mrkdwn inside backticks: keep the user's text from closing them.
  return cut.replace(/`/g, 'ˋ');
}
