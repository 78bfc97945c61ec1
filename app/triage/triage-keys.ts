/**
 * The triage loop's items in the state table. Every key starts with {@link TRIAGE_KEY_PREFIX}, so
 * that the functions' roles can be given these items and no others (`dynamodb:LeadingKeys`).
 *
 * | key | holds | written by |
 * |---|---|---|
 * | `triage#alert#<channel>#<ts>` | one alert's triage: whom it asked, the answer, escalations | notifier, Slack function, scheduler |
 * | `triage#day#<YYYY-MM-DD>` | the alerts posted that UTC day, with when each was acknowledged | notifier, Slack function |
 * | `triage#disabled` | IAM users disabled and not re-enabled | Slack function |
 * | `triage#due#<minute>` | what falls due in that minute (epoch minute): escalations, answer timeouts | notifier, Slack function |
 * | `triage#cursor` | the last minute the scheduler has handled | scheduler |
 * | `triage#digest#<YYYY-MM-DD>` | that local day's digest, claimed once | scheduler |
 */
export const TRIAGE_KEY_PREFIX = 'triage#';

export const triageAlertKey = (ref: { channel: string; ts: string }): string => `${TRIAGE_KEY_PREFIX}alert#${ref.channel}#${ref.ts}`;
export const dayIndexKey = (day: string): string => `${TRIAGE_KEY_PREFIX}day#${day}`;
export const DISABLED_INDEX_KEY = `${TRIAGE_KEY_PREFIX}disabled`;
export const dueBucketKey = (minute: number): string => `${TRIAGE_KEY_PREFIX}due#${minute}`;
export const SCHEDULE_CURSOR_KEY = `${TRIAGE_KEY_PREFIX}cursor`;
export const digestClaimKey = (localDay: string): string => `${TRIAGE_KEY_PREFIX}digest#${localDay}`;
