import type { WebClient } from '@slack/web-api';
import type { Severity } from '../../blocks/alert-view';
import type { RenderedMessage } from '../../blocks/render-alert';
import { renderAlert } from '../../blocks/render-alert';
import { renderUnrecognised } from '../../blocks/render-unrecognised';
import { buildAlertView } from '../alerts/build-alert-view';
import type { Catalog } from '../catalog/catalog-config';
import { classifyEvent } from '../catalog/classify-event';
import { type Config, requireSetting } from '../config';
import { type ParsedItem, parseNotifierInput } from '../events/parse-input';
import type { Logger } from '../logger';

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
  for (const item of parseNotifierInput(input)) outcomes.push(await processItem(item, deps));
  return outcomes;
}

async function processItem(item: ParsedItem, deps: NotifierDeps): Promise<NotifyOutcome> {
  const { logger } = deps;
  if (!item.ok) {
    logger.warn('rejected unrecognised input', { reason: item.reason });
    const posted = await postMessage(deps, 'medium', renderUnrecognised(item));
    return { status: 'rejected', reason: item.reason, ...posted };
  }
  const { record, eventId } = item;
  const context = { eventId, eventName: record.eventName, eventSource: record.eventSource };
  const classification = classifyEvent(record, deps.catalog);
  if (classification.kind === 'ignored') {
    logger.debug('ignored event', { ...context, outcome: 'ignored', reason: classification.reason });
    return { status: 'ignored', eventId, eventName: record.eventName, reason: classification.reason };
  }
  const view = buildAlertView(record, eventId, classification, { accountAliases: deps.config.accountAliases });
  const posted = await postMessage(deps, view.severity, renderAlert(view));
  logger.info('posted alert', { ...context, outcome: 'posted', severity: view.severity, rule: classification.rule.id, ...posted });
  return { status: 'posted', eventId, eventName: record.eventName, severity: view.severity, ...posted };
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
