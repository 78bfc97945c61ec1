import { LogLevel, WebClient } from '@slack/web-api';

export interface SlackClientOptions {
  /** Base URL of Slack's Web API; tests point it at a local fake. */
  apiUrl?: string;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
  /** How many times a failed request is retried (5xx, network errors); 429s wait `Retry-After`. */
  retries?: number;
  /** Shortest wait before a retry, in milliseconds (tests shrink it); default 200. */
  minRetryDelayMs?: number;
  /**
   * Throw `WebAPIRateLimitedError` on a 429 instead of waiting `Retry-After` inside the client.
   * The notifier sets it so that it can compare the wait with the time its invocation has left.
   */
  rejectRateLimitedCalls?: boolean;
}

/**
 * A Slack Web API client with retries sized for Lambda: a handful of quick retries rather than
 * the library default of ten over half an hour, so a Slack outage fails the invocation (and
 * Lambda retries it) instead of timing it out.
 */
export function createSlackClient(token: string | undefined, options: SlackClientOptions = {}): WebClient {
  return new WebClient(token, {
    slackApiUrl: options.apiUrl ? withTrailingSlash(options.apiUrl) : undefined,
    timeout: options.timeoutMs ?? 10_000,
    retryConfig: {
      retries: options.retries ?? 4,
      factor: 2,
      minTimeout: options.minRetryDelayMs ?? 200,
      maxTimeout: Math.max(4_000, options.minRetryDelayMs ?? 0),
      randomize: true,
    },
    rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? false,
    logLevel: LogLevel.ERROR,
  });
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
