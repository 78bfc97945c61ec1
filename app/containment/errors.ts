/** Containment was refused before any change: root, a protected name, or the wrong account. */
export class ContainmentRefusedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ContainmentRefusedError';
  }
}

/** The IAM user could not be looked up (missing, or IAM refused GetUser), so nothing was changed. */
export class ContainmentTargetError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ContainmentTargetError';
  }
}
