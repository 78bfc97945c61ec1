import { createHash } from 'node:crypto';
import * as z from 'zod';
import { type CloudTrailRecord, cloudTrailRecordSchema } from './cloudtrail-record';

/**
 * Turns whatever reached the notifier into CloudTrail records: an SNS event whose messages are
 * EventBridge events (the deployed path), a bare EventBridge event, a bare CloudTrail record, or
 * an array of either (replays and local mode). Never throws: what cannot be parsed comes back as
 * a rejection with a reason and a short excerpt, because retrying cannot fix it.
 */

const snsEventSchema = z.object({
  Records: z
    .array(
      z.looseObject({
        Sns: z.looseObject({ Message: z.string(), MessageId: z.string().optional() }),
      }),
    )
    .min(1),
});

const eventBridgeEventSchema = z.looseObject({
  'detail-type': z.string(),
  source: z.string().optional(),
  id: z.string().optional(),
  account: z.string().optional(),
  region: z.string().optional(),
  detail: z.unknown(),
});

export type ParsedItem =
  | {
      ok: true;
      record: CloudTrailRecord;
      /** CloudTrail's eventID, or a stable hash of the record when the record has none. */
      eventId: string;
      /** Where it came from, for logs: "sns", "eventbridge" or "cloudtrail". */
      envelope: 'sns' | 'eventbridge' | 'cloudtrail';
    }
  | {
      ok: false;
      /** Why it was rejected, in words for the fallback alert and the log. */
      reason: string;
      /** A short, raw excerpt of the input; escape before showing. */
      excerpt: string;
    };

const EXCERPT_CHARS = 600;

/** Parses one notifier invocation's input into records or rejections. */
export function parseNotifierInput(input: unknown): ParsedItem[] {
  if (Array.isArray(input)) return input.flatMap((item) => parseNotifierInput(item));
  const sns = snsEventSchema.safeParse(input);
  if (sns.success) return sns.data.Records.map((r) => parseMessage(r.Sns.Message));
  return [parseEnvelope(input, 'cloudtrail')];
}

function parseMessage(message: string): ParsedItem {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch (error) {
    return reject(`SNS message is not JSON (${(error as Error).message})`, message);
  }
  const item = parseEnvelope(value, 'sns');
  return item;
}

function parseEnvelope(value: unknown, via: 'sns' | 'cloudtrail'): ParsedItem {
  const bridge = eventBridgeEventSchema.safeParse(value);
  if (bridge.success) {
    return parseRecord(bridge.data.detail, via === 'sns' ? 'sns' : 'eventbridge', value);
  }
  return parseRecord(value, via, value);
}

function parseRecord(value: unknown, envelope: 'sns' | 'eventbridge' | 'cloudtrail', original: unknown): ParsedItem {
  const parsed = cloudTrailRecordSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return reject(`not a CloudTrail record (${problems})`, original);
  }
  return { ok: true, record: parsed.data, eventId: parsed.data.eventID ?? syntheticEventId(value), envelope };
}

/** A stable ID for records without `eventID`, so dedupe still works on redelivery. */
export function syntheticEventId(value: unknown): string {
  return `sha256-${createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32)}`;
}

function reject(reason: string, original: unknown): ParsedItem {
  let text: string;
  try {
    text = typeof original === 'string' ? original : (JSON.stringify(original) ?? String(original));
  } catch {
    text = String(original);
  }
  return { ok: false, reason, excerpt: text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text };
}
