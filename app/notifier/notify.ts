import type { WebClient } from '@slack/web-api';
import type { Severity } from '../../blocks/alert-view';
import type { RenderedMessage } from '../../blocks/render-alert';
import type { Catalog } from '../catalog/catalog-config';
import { type Config, requireSetting } from '../config';
import { parseNotifierInput } from '../events/parse-input';
import type { Logger } from '../logger';
import { prepareItem } from './prepare';

/** What the notifier needs; built once per cold start by `handlers/deps.ts`. */
export interface NotifierDeps {
  slack: WebClient;
  catalog: Catalog;
  logger: Logger;
  config: Pick<Config, 'slack' | 'accountAliases'>;
}

/** What happened to one input item. */
export type NotifyOutcome =
  | { status: 'posted'; eventId: string; eventName: string; severity: Severity; channel: string; ts: string }
  | { status: 'ignored'; eventId: string; eventName: string; reason: string }
  | { status: 'rejected'; reason: string; channel: string; ts: string };

/**
 * Turns one invocation's input into Slack alerts: parse ▸ classify ▸ render ▸ post.
 *
 * Events outside the catalog post nothing; unparseable input posts one "Unrecognised event"
 * fallback (retrying could not fix it).
 * @throws when Slack still fails after the client's retries, so that Lambda retries the event.
 */
export async function processNotifierInput(input: unknown, deps: NotifierDeps): Promise<NotifyOutcome[]> {
  const outcomes: NotifyOutcome[] = [];
  const { logger } = deps;
  for (const item of parseNotifierInput(input)) {
    const prepared = prepareItem(item, { catalog: deps.catalog, accountAliases: deps.config.accountAliases });
    switch (prepared.kind) {
      case 'rejected': {
        logger.warn('rejected unrecognised input', { outcome: 'rejected', reason: prepared.reason });
        const posted = await postMessage(deps, prepared.severity, prepared.message);
        outcomes.push({ status: 'rejected', reason: prepared.reason, ...posted });
        break;
      }
      case 'ignored':
        logger.debug('ignored event', {
          eventId: prepared.eventId,
          eventName: prepared.eventName,
          outcome: 'ignored',
          reason: prepared.reason,
        });
        outcomes.push({ status: 'ignored', eventId: prepared.eventId, eventName: prepared.eventName, reason: prepared.reason });
        break;
      case 'alert': {
        const posted = await postMessage(deps, prepared.severity, prepared.message);
        logger.info('posted alert', {
          eventId: prepared.eventId,
          eventName: prepared.eventName,
          outcome: 'posted',
          severity: prepared.severity,
          rule: prepared.classification.rule.id,
          ...posted,
        });
        outcomes.push({
          status: 'posted',
          eventId: prepared.eventId,
          eventName: prepared.eventName,
          severity: prepared.severity,
          ...posted,
        });
        break;
      }
    }
  }
  return outcomes;
}

/** The channel for a severity: its own channel when configured, else the main one. */
export function channelFor(config: Pick<Config, 'slack'>, severity: Severity): string {
  return (
    config.slack.channelBySeverity[severity] ??
    requireSetting(config.slack.channelId, 'SLACK_CHANNEL_ID', 'the notifier needs a channel to post alerts to')
  );
}

async function postMessage(deps: NotifierDeps, severity: Severity, message: RenderedMessage): Promise<{ channel: string; ts: string }> {
  const channel = channelFor(deps.config, severity);
  const response = await deps.slack.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false });
  return { channel: response.channel ?? channel, ts: response.ts ?? '' };
}
