import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../logger';

/**
 * Bolt's logger interface over our Powertools Logger, so Bolt's own messages are structured JSON
 * like ours (tagged `source: bolt`). Bolt passes preformatted strings; they carry no tokens.
 */
export function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (parts: unknown[]) =>
    parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? `${p.name}: ${p.message}` : String(p))).join(' ');
  return {
    debug: (...msg: unknown[]) => logger.debug(text(msg), { source: 'bolt' }),
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
