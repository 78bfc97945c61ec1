import type { HistoryHelpView } from '../../blocks/render-history';
import { DEFAULT_RULES } from '../catalog/default-catalog';
import type { AlertRule } from '../catalog/rule';
import type { Config } from '../config';

/**
 * What `/iam-events` may show. Its results name actors and source IPs, and CloudTrail's event
 * history holds every service's calls for 90 days, so an `event:` search is held to the sources
 * the alert catalog watches (the identity plane and its watchers), not `event:GetObject` on S3.
 */

/** Service hosts whose events the catalog's rules match: API-call sources, sign-in, user-agent rules. */
export function catalogEventSources(rules: readonly AlertRule[]): string[] {
  const sources = new Set<string>();
  for (const rule of rules) {
    const { match } = rule;
    if (match.kind === 'api-call') sources.add(match.eventSource);
    else if (match.kind === 'console-sign-in') sources.add('signin.amazonaws.com');
    else if (match.kind === 'offensive-user-agent') for (const source of match.eventSources) sources.add(source);
  }
  return [...sources].sort();
}

/** The default catalog's sources: what `event:` searches when the stack names none. */
export const DEFAULT_HISTORY_EVENT_SOURCES: readonly string[] = catalogEventSources(DEFAULT_RULES);

/** The sources an `event:` search may return: `HISTORY_EVENT_SOURCES` (the stack passes the effective catalog's), else the default. */
export function historyEventSources(config: Pick<Config, 'historyEventSources'>): readonly string[] {
  return config.historyEventSources.length > 0 ? config.historyEventSources : DEFAULT_HISTORY_EVENT_SOURCES;
}

/** What `/iam-events help` tells a user about scope: the regions, the sources and who may search. */
export function historyHelpView(
  config: Pick<
    Config,
    'historyRegions' | 'historyEventSources' | 'responders' | 'historyViewerUserGroupId' | 'accounts' | 'accountAliases'
  >,
): HistoryHelpView {
  const { userIds, userGroupId } = config.responders;
  const { organizationId, memberAccountIds } = config.accounts;
  const otherAccounts: HistoryHelpView['otherAccounts'] =
    memberAccountIds.length > 0
      ? { kind: 'listed', accounts: memberAccountIds.map((id) => ({ id, name: config.accountAliases[id] })) }
      : organizationId
        ? { kind: 'organization' }
        : { kind: 'none' };
  return {
    regions: [...config.historyRegions],
    eventSources: [...historyEventSources(config)],
    viewerUserGroupId: config.historyViewerUserGroupId,
    responderUserGroupId: userGroupId,
    searchEnabled: userIds.length > 0 || !!userGroupId || !!config.historyViewerUserGroupId,
    otherAccounts,
  };
}
