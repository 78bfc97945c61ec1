import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The structured logger (Powertools Logger). Log level comes from `POWERTOOLS_LOG_LEVEL`
 * (Powertools reads it); logs never carry tokens or secrets.
 */
export function createLogger(serviceName = 'iam-alerts'): Logger {
  return new Logger({ serviceName });
}

export type { Logger };
