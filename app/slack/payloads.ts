import * as z from 'zod';
import type { ReceivedBlock } from '../../blocks/edit-blocks';

/**
 * The parts of a `block_actions` payload the buttons rely on, parsed at the edge. Bolt has checked
 * the request's signature, so `user.id` is who clicked; button values are still untrusted text.
 */
const slackId = z.string().regex(/^[A-Z0-9]{2,40}$/, 'expected a Slack ID');

export const blockActionBodySchema = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: slackId }),
  channel: z.looseObject({ id: slackId }).optional(),
  container: z.looseObject({ channel_id: slackId.optional(), message_ts: z.string().optional() }).optional(),
  response_url: z.url(),
  message: z
    .looseObject({
      ts: z.string().min(1),
      thread_ts: z.string().optional(),
      text: z.string().optional(),
      blocks: z.array(z.looseObject({ type: z.string() })).default([]),
    })
    .optional(),
});
export type BlockActionBody = z.infer<typeof blockActionBodySchema>;

/** Where the clicked message lives. */
export interface ClickedMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: ReceivedBlock[];
}

/** The clicked message, or `undefined` when the payload has none (an ephemeral or a modal). */
export function clickedMessage(body: BlockActionBody): ClickedMessage | undefined {
  const channel = body.channel?.id ?? body.container?.channel_id;
  if (!channel || !body.message) return undefined;
  return {
    channel,
    ts: body.message.ts,
    threadTs: body.message.thread_ts,
    text: body.message.text ?? '',
    blocks: body.message.blocks as ReceivedBlock[],
  };
}

/** IAM user names: up to 64 of `\w+=,.@-`. Anything else in a button value is refused. */
export const iamUserName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'expected an IAM user name');
const accountId = z.union([z.string().regex(/^\d{12}$/), z.literal('')]);

/** Disable User / Re-enable button value: `{"u": user, "a": account, "e": eventId}`. */
export const userButtonValueSchema = z.strictObject({ u: iamUserName, a: accountId, e: z.string().max(128) });
export type UserButtonValue = z.infer<typeof userButtonValueSchema>;

/** Acknowledge button value: `{"e": eventId, "a": account}`. */
export const acknowledgeButtonValueSchema = z.strictObject({ e: z.string().max(128), a: accountId });

/** Parses a JSON button value with `schema`; `undefined` when it is not what this app puts there. */
export function parseButtonValue<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  if (typeof value !== 'string') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
