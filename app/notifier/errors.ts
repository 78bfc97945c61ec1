/**
 * Why a notifier invocation failed. Every one of these fails the invocation on purpose, so Lambda
 * retries it (and, once retries are spent, it lands in the dead-letter queue for `redrive`);
 * dedupe keeps the retry from posting anything twice.
 */

/** The invocation would run out of time before this event reached Slack; a retry will finish it. */
export class DeadlineError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeadlineError';
  }
}

/**
 * Slack rejected the bot's configuration (`channel_not_found`, `not_in_channel`,
 * `invalid_auth`): nothing will post until an operator fixes it. Logged and counted in the
 * `SlackConfigError` metric, which an alarm watches.
 */
export class SlackConfigError extends Error {
  constructor(
    message: string,
    readonly slackError: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SlackConfigError';
  }
}

/** Slack still failed after the client's retries (5xx, timeouts, other API errors). */
export class SlackDeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SlackDeliveryError';
  }
}

/** Another container is delivering this event right now; retry later rather than post it twice. */
export class EventInProgressError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventInProgressError';
  }
}

/** Some items of an invocation failed; the others were delivered (and are deduplicated on retry). */
export class NotifierBatchError extends AggregateError {
  constructor(errors: unknown[], message: string) {
    super(errors, message, { cause: errors[0] });
    this.name = 'NotifierBatchError';
  }
}

/** The shared state is not what the protocol guarantees (an item vanished); a retry re-reads it. */
export class StateInconsistentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateInconsistentError';
  }
}
