import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { AssumedRolesView, AssumedRoleView } from '../../blocks/render-containment';
import { startHistoryCursor } from '../history/cursor';
import { HistoryLookupError } from '../history/errors';
import type { HistoryEvent } from '../history/history-event';
import { lookupIamHistory } from '../history/lookup';
import { createLookupPacer, type LookupPacer } from '../history/pacer';
import type { Logger } from '../logger';

/**
 * Which roles an IAM user assumed recently, from CloudTrail's event history (LookupEvents).
 *
 * A user's own policies, the deny-all included, do not reach a role session it already assumed:
 * that session has the role's permissions until it expires (at most 12 hours). Disable User
 * therefore lists these roles, so responders know where to revoke sessions.
 */

/** Role sessions last at most 12 hours, so AssumeRole calls older than that opened nothing still alive. */
export const ASSUMED_ROLES_WINDOW_HOURS = 12;
/** Wall-clock time the search may take (paced at CloudTrail's 2 calls/s per region) before it reports what it found. */
export const ASSUMED_ROLES_BUDGET_MS = 15_000;
/** The newest successful AssumeRole calls read at most. */
export const ASSUMED_ROLES_EVENT_LIMIT = 100;
/**
 * IAM's events, and the global STS endpoint's (`sts.amazonaws.com`), are recorded in us-east-1.
 * Calls to a regional STS endpoint (the SDKs' default now) are recorded in that region, so the
 * search also covers `HISTORY_REGIONS`.
 */
export const GLOBAL_EVENTS_REGION = 'us-east-1';

export interface AssumedRoleLookupOptions {
  /** CloudTrail client per region (`deps.cloudtrail`). */
  clientFor: (region: string) => Promise<CloudTrailClient>;
  /** `HISTORY_REGIONS`; us-east-1 is always searched too. */
  regions: readonly string[];
  /** Epoch milliseconds. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Paces calls per region; default: a new pacer at CloudTrail's 2 calls/s. */
  pacer?: LookupPacer;
  /** Default {@link ASSUMED_ROLES_BUDGET_MS}. */
  budgetMs?: number;
  logger?: Logger;
}

/**
 * Lists the roles `userName` (as IAM spells it) assumed successfully in the last
 * {@link ASSUMED_ROLES_WINDOW_HOURS} hours, newest first, with how often and when last.
 *
 * Never throws: when CloudTrail cannot be read, the view carries the error, so that the report
 * says the check failed instead of showing no roles.
 */
export async function lookUpAssumedRoles(userName: string, options: AssumedRoleLookupOptions): Promise<AssumedRolesView> {
  const regions = [...new Set([GLOBAL_EVENTS_REGION, ...options.regions])];
  const view: AssumedRolesView = { sinceHours: ASSUMED_ROLES_WINDOW_HOURS, regions, roles: [] };
  try {
    // A Username lookup returns this user's own calls; AssumeRole is kept in code.
    const cursor = startHistoryCursor(
      { actor: userName, sinceMinutes: ASSUMED_ROLES_WINDOW_HOURS * 60, limit: ASSUMED_ROLES_EVENT_LIMIT },
      regions,
      new Date(options.now()),
    );
    const result = await lookupIamHistory(cursor, {
      clientFor: options.clientFor,
      limit: ASSUMED_ROLES_EVENT_LIMIT,
      filter: (event) => roleAssumedBy(event, userName) !== undefined,
      pacer: options.pacer ?? createLookupPacer({ now: options.now, sleep: options.sleep }),
      budgetMs: options.budgetMs ?? ASSUMED_ROLES_BUDGET_MS,
      now: options.now,
      sleep: options.sleep,
      logger: options.logger,
    });
    view.roles = summarise(result.events, userName);
    if (result.stop !== 'exhausted') view.incomplete = result.stop;
  } catch (error) {
    options.logger?.warn('could not look up the roles the user assumed', { error: (error as Error).message });
    view.error =
      error instanceof HistoryLookupError
        ? error.message
        : `${(error as Error).name ?? 'Error'}: ${(error as Error).message ?? String(error)}`;
    view.error = view.error.slice(0, 500);
  }
  return view;
}

/**
 * The role ARN of a successful `sts:AssumeRole` made by IAM user `userName`, or `undefined`.
 * A role session named like the user also shows up in a Username lookup; it is not the user.
 */
export function roleAssumedBy(event: HistoryEvent, userName: string): string | undefined {
  const { record } = event;
  if (record.eventSource !== 'sts.amazonaws.com' || record.eventName !== 'AssumeRole' || record.errorCode) return undefined;
  const identity = record.userIdentity;
  if (identity?.type !== 'IAMUser' || (identity.userName ?? '').toLowerCase() !== userName.toLowerCase()) return undefined;
  const roleArn = record.requestParameters?.roleArn;
  return typeof roleArn === 'string' && roleArn.startsWith('arn:') ? roleArn : undefined;
}

function summarise(events: readonly HistoryEvent[], userName: string): AssumedRoleView[] {
  const byRole = new Map<string, AssumedRoleView>();
  // Events come newest first: the first one seen per role is its latest.
  for (const event of events) {
    const arn = roleAssumedBy(event, userName);
    if (!arn) continue;
    const seen = byRole.get(arn);
    if (seen) seen.times++;
    else {
      const epochSeconds = Math.floor(event.time / 1000);
      byRole.set(arn, { arn, times: 1, last: { epochSeconds, iso: new Date(event.time).toISOString() } });
    }
  }
  return [...byRole.values()];
}
