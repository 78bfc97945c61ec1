/** Input given to `preview` (a file, stdin or a sample) is not JSON or JSON Lines. */
export class InputFormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputFormatError';
  }
}

/** The local state file exists but cannot be read or written; the message says which file and what to do. */
export class StateFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateFileError';
  }
}

/** A LookupEvents window could not be read to its end (see the message for what to change). */
export class LookupWindowError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LookupWindowError';
  }
}
