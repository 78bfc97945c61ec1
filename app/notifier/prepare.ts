import type { AlertView, Severity } from '../../blocks/alert-view';
import { type RenderedMessage, renderAlert } from '../../blocks/render-alert';
import { renderUnrecognised } from '../../blocks/render-unrecognised';
import { buildAlertView } from '../alerts/build-alert-view';
import type { Catalog } from '../catalog/catalog-config';
import { type Classification, classifyEvent } from '../catalog/classify-event';
import type { ParsedItem } from '../events/parse-input';

/** What the notifier would do with one parsed item, decided without any I/O. */
export type PreparedItem =
  | {
      kind: 'alert';
      eventId: string;
      eventName: string;
      severity: Severity;
      classification: Extract<Classification, { kind: 'alert' }>;
      message: RenderedMessage;
      /** The view the message was rendered from (burst grouping summarises it in one line). */
      view: AlertView;
      item: Extract<ParsedItem, { ok: true }>;
    }
  | { kind: 'ignored'; eventId: string; eventName: string; reason: string; item: Extract<ParsedItem, { ok: true }> }
  | { kind: 'rejected'; reason: string; severity: Severity; message: RenderedMessage };

export interface PrepareOptions {
  catalog: Catalog;
  accountAliases?: Readonly<Record<string, string>>;
}

/**
 * Classifies and renders one parsed item: the pure half of the notifier, shared by the Lambda,
 * the local preview and replays. Unparseable input becomes an "Unrecognised event" message.
 */
export function prepareItem(item: ParsedItem, options: PrepareOptions): PreparedItem {
  if (!item.ok) return { kind: 'rejected', reason: item.reason, severity: 'medium', message: renderUnrecognised(item) };
  const { record, eventId } = item;
  const classification = classifyEvent(record, options.catalog);
  if (classification.kind === 'ignored') {
    return { kind: 'ignored', eventId, eventName: record.eventName, reason: classification.reason, item };
  }
  const view = buildAlertView(record, eventId, classification, { accountAliases: options.accountAliases });
  return {
    kind: 'alert',
    eventId,
    eventName: record.eventName,
    severity: view.severity,
    classification,
    message: renderAlert(view),
    view,
    item,
  };
}
