/**
 * The prefix of every tag iam-alerts writes: the Slack role may write (and remove) no other tag key.
 */
export const IAM_ALERTS_TAG_PREFIX = 'iam-alerts:';

/** Tags iam-alerts puts on an IAM user it disabled: who, when, for which alert, which keys. */
export const TAGS = {
  disabledBy: 'iam-alerts:disabled-by',
  disabledAt: 'iam-alerts:disabled-at',
  alertEvent: 'iam-alerts:alert-event',
  /** Access key IDs this tool deactivated, space-separated: what Re-enable reactivates. */
  deactivatedKeys: 'iam-alerts:deactivated-keys',
  reenabledBy: 'iam-alerts:reenabled-by',
  reenabledAt: 'iam-alerts:reenabled-at',
} as const;

/** IAM tag values: at most 256 characters of letters, digits, spaces and `_ . : / = + - @`. */
export const TAG_VALUE_MAX = 256;

/** Makes any text a valid IAM tag value (other characters become `_`, cut to 256). */
export function tagValue(value: string): string {
  return value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, TAG_VALUE_MAX);
}

/** Access key IDs recorded in the deactivated-keys tag (IAM allows 2 keys per user; 20 chars each). */
export function parseKeyList(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((id) => /^[A-Z0-9]{16,128}$/.test(id));
}

/** The tag value for a key list, without duplicates, kept within the tag limit (whole IDs only). */
export function formatKeyList(ids: readonly string[]): string {
  let out = '';
  for (const id of new Set(ids)) {
    const next = out ? `${out} ${id}` : id;
    if (next.length > TAG_VALUE_MAX) break;
    out = next;
  }
  return out;
}
