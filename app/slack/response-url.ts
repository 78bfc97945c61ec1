/** Posting to a Slack `response_url` failed (expired URL, more than 5 posts, network). */
export class ResponseUrlError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ResponseUrlError';
  }
}

/** Where Slack's `response_url`s point (interactions, slash commands): always this origin. */
export const SLACK_RESPONSE_URL_ORIGIN = 'https://hooks.slack.com';

/**
 * True when `url` is a Slack `response_url`: `https://hooks.slack.com/...`. Nothing is ever posted
 * anywhere else, whatever a payload says, so a forged or tampered payload cannot make iam-alerts
 * send a request to an address of its choosing.
 *
 * `apiUrl` is the configured `SLACK_API_URL`. Only tests and local fakes set it, to point the Web
 * API at a stand-in for Slack; that stand-in then serves the response URLs too, so URLs on the
 * same origin as `SLACK_API_URL` are Slack's as well. The deployed stack never sets it, so there
 * only hooks.slack.com is accepted. (Whoever can change a function's environment can do far worse
 * than this.)
 */
export function isSlackResponseUrl(url: string, apiUrl?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  if (parsed.origin === SLACK_RESPONSE_URL_ORIGIN && parsed.pathname.length > 1) return true;
  if (!apiUrl) return false;
  try {
    return parsed.origin === new URL(apiUrl).origin;
  } catch {
    return false;
  }
}

/**
 * Posts a message to a Slack `response_url` (ephemeral replies, replacing the original message).
 * Slack accepts 5 posts per URL within 30 minutes. The URL comes from a verified Slack payload.
 * @throws ResponseUrlError when Slack does not answer 2xx within `timeoutMs`.
 */
export async function postToResponseUrl(
  responseUrl: string,
  message: Record<string, unknown>,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
  } catch (error) {
    throw new ResponseUrlError(`posting to the response_url failed: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).slice(0, 200);
    throw new ResponseUrlError(`Slack refused the response_url post: HTTP ${response.status} ${detail}`);
  }
}
