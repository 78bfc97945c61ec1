import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '../logger';

/**
 * Replays the notifier's dead-letter queues through the notifier. Two kinds of message land there:
 * the invocation payload itself (Lambda's asynchronous-invocation DLQ: the SNS event), and an SNS
 * notification that SNS could not deliver to the function (the subscription DLQ). Both are turned
 * back into the SNS event the notifier takes. A message is deleted only once the replay
 * succeeded; a failed one becomes visible again after its visibility timeout. The notifier's
 * dedupe makes replaying an already-delivered event harmless.
 */

/** Replays one notifier payload; throws when the notifier failed it. */
export type ReplayPayload = (payload: unknown) => Promise<void>;

export interface RedriveSummary {
  queueUrl: string;
  received: number;
  replayed: number;
  failed: Array<{ messageId: string; error: string }>;
}

export interface RedriveOptions {
  /** Stop after this many messages (default: until the queue answers empty). */
  max?: number;
  /** How long a received message stays hidden while it is replayed (seconds). */
  visibilityTimeoutSeconds?: number;
  signal?: AbortSignal;
  onMessage?: (progress: { messageId: string; ok: boolean; error?: string }) => void;
}

/** Turns a DLQ message body back into what the notifier Lambda receives. Never throws. */
export function notifierPayloadFromDlqBody(body: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    // Not JSON: the notifier makes it a fallback alert ("Unrecognised event") rather than lose it.
    return body;
  }
  if (isRecord(value) && value.Type === 'Notification' && typeof value.Message === 'string') {
    return { Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', Sns: value }] };
  }
  // A Lambda destination record wraps the original event.
  if (isRecord(value) && 'requestPayload' in value) return value.requestPayload;
  return value;
}

/** Drains one queue through `replay`. */
export async function redriveQueue(
  queueUrl: string,
  deps: { sqs: SQSClient; replay: ReplayPayload; logger: Logger },
  options: RedriveOptions = {},
): Promise<RedriveSummary> {
  const summary: RedriveSummary = { queueUrl, received: 0, replayed: 0, failed: [] };
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const seen = new Set<string>();
  while (summary.received < max && !options.signal?.aborted) {
    const { Messages = [] } = await deps.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, max - summary.received),
        WaitTimeSeconds: 1,
        VisibilityTimeout: options.visibilityTimeoutSeconds ?? 300,
      }),
    );
    // Empty, or only messages this run already failed (visible again): the queue is drained.
    const fresh = Messages.filter((m) => m.MessageId && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      const messageId = message.MessageId ?? '';
      seen.add(messageId);
      summary.received++;
      try {
        await deps.replay(notifierPayloadFromDlqBody(message.Body ?? ''));
        await deps.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
        summary.replayed++;
        options.onMessage?.({ messageId, ok: true });
      } catch (error) {
        const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        deps.logger.warn('redrive: the notifier failed a dead letter again; it stays in the queue', { messageId, error });
        summary.failed.push({ messageId, error: text });
        options.onMessage?.({ messageId, ok: false, error: text });
      }
    }
  }
  return summary;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
