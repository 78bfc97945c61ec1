import type { CloudTrailRecord } from '../events/cloudtrail-record';
import type { Actor } from '../events/identity';
import { summariseUserAgent } from '../events/user-agent';
import { stringParam } from './escalations';
import type { ContentCheckId } from './rule';

/**
 * Content checks a rule can require (`match.check`), for what an EventBridge pattern cannot
 * express: a comparison with the actor, "every selector", a user agent that is not one of a few.
 * EventBridge delivers every call of the rule's event names; the notifier runs the check and,
 * when it fails, ignores the call and says why.
 */
export interface ContentCheck {
  /** When the rule alerts, completing "alerts on X ..." in docs/ALERTS.md. */
  readonly description: string;
  /** Why the record fails the check, in words; undefined when it passes. */
  readonly failure: (record: CloudTrailRecord, actor: Actor) => string | undefined;
}

/** The user name IAM records when root enables its own MFA device. */
const ROOT_USER_NAME = 'AWS ROOT USER';

export const CONTENT_CHECKS: Readonly<Record<ContentCheckId, ContentCheck>> = {
  'management-events-stopped': {
    description: 'when the new selectors log no write management events (every selector excludes them, or logs only read-only calls)',
    failure: (record) => {
      const request = record.requestParameters ?? {};
      const advanced = request.advancedEventSelectors;
      const basic = request.eventSelectors;
      if (Array.isArray(advanced)) {
        return advanced.some(advancedSelectorLogsWrites) ? 'the advanced event selectors still log write management events' : undefined;
      }
      if (Array.isArray(basic)) return basic.some(selectorLogsWrites) ? 'the event selectors still log write management events' : undefined;
      return 'the request shows no event selectors';
    },
  },
  'insights-turned-off': {
    description: 'when the request turns every Insights type off (an empty list of insight selectors)',
    failure: (record) => {
      const selectors = record.requestParameters?.insightSelectors;
      if (!Array.isArray(selectors)) return 'the request shows no insight selectors';
      return selectors.length === 0 ? undefined : 'Insights stay on (the request keeps some insight selectors)';
    },
  },
  'for-another-user': {
    description: "when the user named is not the caller (someone else's device on this user)",
    failure: (record, actor) => {
      const user = stringParam(record, 'userName');
      if (!user) return 'the request names no user';
      if (actor.kind === 'root' && user === ROOT_USER_NAME) return 'root registered its own MFA device';
      return actor.iamUserName === user ? `${user} registered an MFA device for itself` : undefined;
    },
  },
  'outside-console': {
    description:
      "when the user agent is neither IAM Identity Center's portal (`Jersey/`) nor the console's own, as with aws_consoler and other tools that turn API keys into a console session",
    failure: (record) => {
      const agent = record.userAgent ?? '';
      if (agent.includes('Jersey/')) return "requested by IAM Identity Center's portal (Jersey user agent): an SSO sign-in";
      if (agent && summariseUserAgent(agent).summary === 'Console') return 'requested by the console itself';
      return undefined;
    },
  },
};

/** Why the record fails the named check; undefined when it passes. */
export function contentCheckFailure(id: ContentCheckId, record: CloudTrailRecord, actor: Actor): string | undefined {
  return CONTENT_CHECKS[id].failure(record, actor);
}

/**
 * A basic event selector logs write management events unless it excludes management events or
 * logs only read-only ones (both default to logging everything).
 */
function selectorLogsWrites(selector: unknown): boolean {
  if (!selector || typeof selector !== 'object') return false;
  const { includeManagementEvents, readWriteType } = selector as { includeManagementEvents?: unknown; readWriteType?: unknown };
  return includeManagementEvents !== false && readWriteType !== 'ReadOnly';
}

/**
 * An advanced event selector logs write management events when it selects the Management event
 * category and does not keep to read-only calls (`readOnly` equals `true`).
 */
function advancedSelectorLogsWrites(selector: unknown): boolean {
  const fields = (selector as { fieldSelectors?: unknown } | null)?.fieldSelectors;
  if (!Array.isArray(fields)) return false;
  const field = (name: string) => fields.find((f) => (f as { field?: unknown } | null)?.field === name) as FieldSelector | undefined;
  const category = field('eventCategory');
  if (!category?.equals?.includes('Management')) return false;
  const readOnly = field('readOnly');
  const onlyReads = readOnly?.equals?.length === 1 && readOnly.equals[0] === 'true';
  const noWrites = readOnly?.notEquals?.length === 1 && readOnly.notEquals[0] === 'false';
  return !(onlyReads || noWrites);
}

interface FieldSelector {
  field?: string;
  equals?: unknown[];
  notEquals?: unknown[];
}
