import type { FakeResponse, FakeSlack, RecordedCall } from '../test/support/fake-slack';

/**
 * Shared by the fault-injection tests and the burst benchmark: synthetic CloudTrail events built
 * from a real record (a Terraform-style apply by one role creating users, plus critical events),
 * and a ledger over the local Slack fake that enforces a per-channel posting rate and records
 * which messages Slack accepted, so "none lost, none doubled" can be counted.
 */

/** A CreateUser by an assumed role (medium; groups by actor). Shape of panther-analysis record 49. */
export function createUserEvent(eventId: string, actor: string, userName: string, at = '2024-05-01T10:00:00Z'): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE:${actor}`,
      arn: `arn:aws:sts::123456789012:assumed-role/${actor}/session`,
      accountId: '123456789012',
      accessKeyId: 'ASIAEXAMPLE',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLE',
          arn: `arn:aws:iam::123456789012:role/${actor}`,
          accountId: '123456789012',
          userName: actor,
        },
        attributes: { mfaAuthenticated: 'false', creationDate: at },
      },
    },
    eventTime: at,
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateUser',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io)',
    requestParameters: { userName },
    responseElements: {
      user: { userName, userId: `AIDA${eventId.slice(0, 8).toUpperCase()}`, arn: `arn:aws:iam::123456789012:user/${userName}` },
    },
    requestID: `req-${eventId}`,
    eventID: eventId,
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: '123456789012',
  };
}

/** A StopLogging by root (critical: always its own top-level alert). Shape of panther-analysis record 116. */
export function stopLoggingEvent(eventId: string, at = '2024-05-01T10:00:00Z'): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'Root', principalId: '123456789012', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012' },
    eventTime: at,
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'StopLogging',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.9',
    userAgent: 'console.amazonaws.com',
    requestParameters: { name: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/management' },
    responseElements: null,
    requestID: `req-${eventId}`,
    eventID: eventId,
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: '123456789012',
  };
}

/** Wraps a record as SNS delivers an EventBridge event to a subscribed Lambda. */
export function snsDelivery(record: Record<string, unknown>): Record<string, unknown> {
  const detail = {
    version: '0',
    id: `eb-${String(record.eventID)}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${String(record.eventSource).split('.')[0]}`,
    account: '123456789012',
    time: record.eventTime,
    region: 'us-east-1',
    resources: [],
    detail: record,
  };
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        Sns: { Type: 'Notification', MessageId: `sns-${String(record.eventID)}`, Message: JSON.stringify(detail) },
      },
    ],
  };
}

export interface BurstWorkload {
  deliveries: Array<Record<string, unknown>>;
  eventIds: string[];
  criticalIds: string[];
  actors: string[];
}

/** `count` events: every `criticalEvery`-th a critical StopLogging, the rest CreateUser spread over `actors` roles. */
export function burstWorkload(count: number, options: { actors: number; criticalEvery: number; prefix?: string }): BurstWorkload {
  const actors = Array.from({ length: options.actors }, (_, i) => `terraform-${i + 1}`);
  const eventIds: string[] = [];
  const criticalIds: string[] = [];
  const deliveries = Array.from({ length: count }, (_, i) => {
    const id = `${options.prefix ?? 'evt'}-${String(i).padStart(4, '0')}-0000-4000-8000-000000000000`;
    eventIds.push(id);
    if (options.criticalEvery > 0 && i % options.criticalEvery === options.criticalEvery - 1) {
      criticalIds.push(id);
      return snsDelivery(stopLoggingEvent(id));
    }
    return snsDelivery(createUserEvent(id, actors[i % actors.length] ?? 'terraform', `svc-user-${i}`));
  });
  return { deliveries, eventIds, criticalIds, actors };
}

export interface AcceptedMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  /** The message as Slack would store it (text + blocks), serialised, for searching event IDs. */
  json: string;
}

export interface SlackLedger {
  /** chat.postMessage calls Slack accepted, in order. */
  accepted: AcceptedMessage[];
  /** Every Web API call that reached the fake, accepted or not (429s and faults included). */
  calls(): number;
  /** Rejected with 429 by the rate limit. */
  rateLimited: number;
  topLevel(): AcceptedMessage[];
  /** How many accepted messages mention each event ID (1 = delivered exactly once). */
  deliveries(eventIds: readonly string[]): Map<string, number>;
}

/**
 * Answers chat.postMessage like Slack: at most one message per `intervalMs` per channel (429 with
 * `Retry-After` otherwise). Faults scripted with `fake.script` are answered first, as the fake does.
 */
export function installSlackLedger(fake: FakeSlack, options: { intervalMs: number; retryAfterSeconds: number }): SlackLedger {
  const lastPost = new Map<string, number>();
  const ledger: SlackLedger = {
    accepted: [],
    rateLimited: 0,
    calls: () => fake.calls.length,
    topLevel: () => ledger.accepted.filter((m) => !m.threadTs),
    deliveries: (eventIds) => {
      const counts = new Map(eventIds.map((id) => [id, 0]));
      for (const message of ledger.accepted) {
        for (const id of eventIds) if (message.json.includes(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    },
  };
  let ts = 0;
  fake.respond('chat.postMessage', (call: RecordedCall): FakeResponse => {
    const channel = String(call.body.channel);
    const last = lastPost.get(channel);
    if (last !== undefined && call.at - last < options.intervalMs) {
      ledger.rateLimited++;
      return { kind: 'ratelimited', retryAfterSeconds: options.retryAfterSeconds };
    }
    lastPost.set(channel, call.at);
    const messageTs = `1714557600.${String(++ts).padStart(6, '0')}`;
    const threadTs = typeof call.body.thread_ts === 'string' ? call.body.thread_ts : undefined;
    ledger.accepted.push({ channel, ts: messageTs, threadTs, json: JSON.stringify({ text: call.body.text, blocks: call.body.blocks }) });
    return { kind: 'ok', body: { ts: messageTs, channel } };
  });
  return ledger;
}
