/** Posting to a Slack `response_url` failed (expired URL, more than 5 posts, network). */
export class ResponseUrlError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ResponseUrlError';
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
