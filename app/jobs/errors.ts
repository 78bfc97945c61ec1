/** A job arrived whose `kind` no handler claims (a newer or older deployment sent it). */
export class UnknownJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnknownJobError';
  }
}

/** A job's payload failed its handler's schema: it was not sent by this code, or the code changed. */
export class InvalidJobPayloadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidJobPayloadError';
  }
}

/** Handing a job to the asynchronous path failed (Lambda Invoke refused, no function name). */
export class DeferJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeferJobError';
  }
}
