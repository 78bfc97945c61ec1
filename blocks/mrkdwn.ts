/**
 * Escaping and truncation for text that reaches Slack.
 *
 * Slack parses `<...>` in text as links, user/channel mentions and special mentions such as
 * `<!channel>`; `&` starts an entity. Any string that came from an AWS event is attacker-controlled
 * (an IAM user can be named `<!channel>`), so it goes through {@link escapeText} before it is put
 * into any text object or fallback text.
 */

/** Marker appended to text that was cut to fit a Slack limit, so readers know something is missing. */
export const TRUNCATION_MARKER = '… [truncated]';

/** Escapes the three characters Slack gives meaning to in text: `&`, `<` and `>`. */
export function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Cuts `value` to at most `max` characters, ending in {@link TRUNCATION_MARKER} when it was cut.
 * Works on already-escaped text without splitting an entity such as `&amp;` in half.
 */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  const marker = max > TRUNCATION_MARKER.length + 1 ? TRUNCATION_MARKER : '…';
  let cut = value.slice(0, Math.max(0, max - marker.length));
  // Do not leave half an entity (`&am`) at the end: drop it whole.
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && amp >= cut.length - 5 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  // Do not split a UTF-16 surrogate pair.
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut + marker;
}

/** Escapes a value from an event and cuts it to `max` characters. */
export function safeText(value: string, max: number): string {
  return truncate(escapeText(value), max);
}

/**
 * A Slack date token: each reader sees the time in their own zone, in `format` (Slack's
 * `{date_short_pretty}`, `{time_secs}`, ...); clients that cannot render it show `fallback`.
 */
export function slackDateToken(epochSeconds: number, format: string, fallback: string): string {
  return `<!date^${Math.floor(epochSeconds)}^${format}|${fallback}>`;
}

/**
 * Renders an event value as inline code. Backticks inside would end the code span early,
 * so they are replaced by a look-alike; the value is escaped and cut like any other.
 */
export function inlineCode(value: string, max = 500): string {
  return `\`${safeText(value.replace(/`/g, 'ˋ'), max)}\``;
}
