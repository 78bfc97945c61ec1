/**
 * Parses CloudTrail's `eventTime`. Real records use ISO-8601 ("2023-01-10T20:10:41Z") and, in some
 * exports, "2023-01-10 20:10:41" without a zone, which CloudTrail means as UTC.
 */
export function parseEventTime(raw: string | undefined): { epochSeconds: number; iso: string } | { raw: string } | undefined {
  if (!raw) return undefined;
  let text = raw.trim();
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(text)) text = text.replace(' ', 'T');
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text += 'Z';
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return { raw };
  return { epochSeconds: Math.floor(ms / 1000), iso: new Date(ms).toISOString().replace('.000Z', 'Z') };
}

/** A moment in epoch seconds as Block Kit renderers take it: the seconds and their ISO-8601 form. */
export function timeStamp(epochSeconds: number): { epochSeconds: number; iso: string } {
  return { epochSeconds, iso: new Date(epochSeconds * 1000).toISOString() };
}
