/** The operator's alert rules file is unreadable or invalid; the message names each problem. */
export class CatalogConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CatalogConfigError';
  }
}
