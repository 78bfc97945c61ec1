import type { WebClient } from '@slack/web-api';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { SlackAppDeps } from '../slack-deps';
import type { VersionedStore } from '../state/versioned-store';
import type { TriageSettings } from './triage-settings';

/**
 * What the triage loop needs, whichever function runs it (the notifier asks, the Slack function
 * takes answers and publishes the Home tab, the scheduler escalates and sends the digest, the local
 * bot does all of it): the shared state table, the bot's Slack client and the settings.
 */
export interface TriageDeps {
  store: VersionedStore;
  slack: WebClient;
  logger: Logger;
  /** Epoch milliseconds; tests move time. */
  now: () => number;
  settings: TriageSettings;
  /** Whom escalations and "No" answers mention: the group (`<!subteam^…>`), else the listed users. */
  responders: Config['responders'];
}

/** The triage deps of the Slack side (listeners and jobs). */
export function triageDepsOf(deps: Pick<SlackAppDeps, 'store' | 'slack' | 'logger' | 'clock' | 'config'>): TriageDeps {
  return {
    store: deps.store,
    slack: deps.slack,
    logger: deps.logger,
    now: () => deps.clock().getTime(),
    settings: deps.config.triage,
    responders: deps.config.responders,
  };
}

/** Whole seconds since the epoch. */
export function epochSeconds(deps: Pick<TriageDeps, 'now'>): number {
  return Math.floor(deps.now() / 1000);
}

/** The UTC day (`2024-05-01`) of an epoch second. */
export function utcDay(epochSecondsValue: number): string {
  return new Date(epochSecondsValue * 1000).toISOString().slice(0, 10);
}

/** The epoch second a Slack message timestamp (`1714557600.000100`) names. */
export function tsSeconds(ts: string): number {
  return Math.floor(Number(ts.split('.')[0]));
}
