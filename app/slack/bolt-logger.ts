import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../logger';

/**
 * Bolt's logger interface over our Powertools Logger, so Bolt's own messages are structured JSON
 * like ours (tagged `source: bolt`). Bolt passes preformatted strings; its info, warn and error
 * lines carry no tokens.
 */
export function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (parts: unknown[]) =>
    parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? `${p.name}: ${p.message}` : String(p))).join(' ');
  return {
    // Dropped on purpose: Bolt's debug lines dump whole requests (signatures, response_url
    // capabilities, message contents), which must not reach the logs even at DEBUG level.
    debug: () => undefined,
    info: (...msg: unknown[]) => logger.info(text(msg), { source: 'bolt' }),
    warn: (...msg: unknown[]) => logger.warn(text(msg), { source: 'bolt' }),
    error: (...msg: unknown[]) => logger.error(text(msg), { source: 'bolt' }),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
