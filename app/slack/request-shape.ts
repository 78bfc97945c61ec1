/**
 * A verified Slack request that Bolt could not route: Bolt reads `team` or `user` of every
 * interaction and `view` of every view payload before any listener runs, and a body without them
 * makes it throw, answer 500 (so Slack retries it) and log a spurious "not acknowledged" three
 * seconds later. Slack always sends those fields, but a signature proves only who sent a body, not
 * that it is whole. This check runs before Bolt, so such a request gets a 400 with the reason.
 *
 * Dependency-free on purpose: it runs on every request, inside the Slack function's cold start.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Interaction types whose payload carries a `view` that Bolt reads unconditionally. */
const VIEW_PAYLOADS = new Set(['view_submission', 'view_closed']);

/**
 * Why Bolt could not route this verified request, or `undefined` when it can.
 * @param contentType the request's media type, lower case, without parameters.
 */
export function unroutableSlackRequest(body: string, contentType: string | undefined): string | undefined {
  if (contentType === 'application/json') return unroutableEvent(body);
  if (contentType !== 'application/x-www-form-urlencoded') return `unexpected content type ${contentType ?? '(none)'}`;
  const form = new URLSearchParams(body);
  // Slack's periodic check of a slash command's URL; Bolt answers it.
  if (form.get('ssl_check') === '1') return undefined;
  const payload = form.get('payload');
  if (payload !== null) return unroutableInteraction(payload);
  if (form.has('command')) {
    if (!isNonEmptyString(form.get('command'))) return 'slash command without a command';
    if (!isNonEmptyString(form.get('user_id'))) return 'slash command without a user_id';
    return undefined;
  }
  return 'form body is neither an interaction payload nor a slash command';
}

function parseObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function unroutableInteraction(text: string): string | undefined {
  const payload = parseObject(text);
  if (!payload) return 'interaction payload is not a JSON object';
  if (!isNonEmptyString(payload.type)) return 'interaction payload without a type';
  // Every listener authorises by the user who acted; Bolt reads user.team_id when team is absent.
  if (!isObject(payload.user) || !isNonEmptyString(payload.user.id)) return `${payload.type} payload without a user`;
  if (VIEW_PAYLOADS.has(payload.type) && !isObject(payload.view)) return `${payload.type} payload without a view`;
  return undefined;
}

function unroutableEvent(text: string): string | undefined {
  const body = parseObject(text);
  if (!body) return 'JSON body is not an object';
  if (!isNonEmptyString(body.type)) return 'JSON body without a type';
  if (body.type === 'event_callback' && (!isObject(body.event) || !isNonEmptyString(body.event.type))) {
    return 'event_callback without an event';
  }
  return undefined;
}
