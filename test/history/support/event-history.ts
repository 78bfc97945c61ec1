import { createHash } from 'node:crypto';
import { InvalidNextTokenException, type LookupEventsCommandInput, type LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';

/**
 * An in-memory stand-in for CloudTrail's event history, served through aws-sdk-client-mock's
 * `callsFake`: it filters by the one lookup attribute and the time window, pages 50 newest-first,
 * and, like CloudTrail, refuses a NextToken used with any other parameters (StartTime and EndTime
 * included).
 */
export interface StoredEvent {
  id: string;
  /** ISO time. */
  time: string;
  name: string;
  source: string;
  /** LookupEvents' Username (the caller). */
  username?: string;
  /** Resources CloudTrail lists for the event. */
  resources?: Array<{ type: string; name: string }>;
  record?: Record<string, unknown>;
}

export interface FakeEventHistory {
  lookup: (input: LookupEventsCommandInput) => LookupEventsCommandOutput;
  /** Every input seen, in order. */
  inputs: LookupEventsCommandInput[];
}

export function fakeEventHistory(events: StoredEvent[], pageSize = 50): FakeEventHistory {
  const inputs: LookupEventsCommandInput[] = [];
  const lookup = (input: LookupEventsCommandInput): LookupEventsCommandOutput => {
    inputs.push(input);
    const attribute = input.LookupAttributes?.[0];
    if (!attribute || (input.LookupAttributes?.length ?? 0) > 1) throw new Error('LookupEvents takes exactly one attribute here');
    const paramsHash = hashParams(input);
    let offset = 0;
    if (input.NextToken) {
      const [hash, at] = Buffer.from(input.NextToken, 'base64url').toString('utf8').split('|');
      if (hash !== paramsHash) {
        throw new InvalidNextTokenException({ message: 'Invalid NextToken: parameters changed', $metadata: { httpStatusCode: 400 } });
      }
      offset = Number(at);
    }
    const start = input.StartTime?.getTime() ?? 0;
    const end = input.EndTime?.getTime() ?? Number.MAX_SAFE_INTEGER;
    const matching = events
      .filter((e) => {
        const t = Date.parse(e.time);
        if (t < start || t > end) return false;
        switch (attribute.AttributeKey) {
          case 'EventSource':
            return e.source === attribute.AttributeValue;
          case 'EventName':
            return e.name === attribute.AttributeValue;
          case 'Username':
            return e.username === attribute.AttributeValue;
          case 'ResourceName':
            return (e.resources ?? []).some((r) => r.name === attribute.AttributeValue);
          default:
            return false;
        }
      })
      .sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
    const size = Math.min(pageSize, input.MaxResults ?? 50);
    const page = matching.slice(offset, offset + size);
    const next = offset + size < matching.length ? Buffer.from(`${paramsHash}|${offset + size}`).toString('base64url') : undefined;
    return {
      $metadata: { httpStatusCode: 200 },
      Events: page.map((e) => ({
        EventId: e.id,
        EventName: e.name,
        EventSource: e.source,
        EventTime: new Date(e.time),
        Username: e.username,
        Resources: e.resources?.map((r) => ({ ResourceType: r.type, ResourceName: r.name })),
        CloudTrailEvent: JSON.stringify(recordOf(e)),
      })),
      NextToken: next,
    };
  };
  return { lookup, inputs };
}

/** The CloudTrail record of a stored event: an IAM user calling, unless the event says otherwise. */
export function recordOf(e: StoredEvent): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: `arn:aws:iam::123456789012:user/${e.username ?? 'admin'}`,
      accountId: '123456789012',
      userName: e.username ?? 'admin',
    },
    eventTime: e.time.replace('.000Z', 'Z'),
    eventSource: e.source,
    eventName: e.name,
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: null,
    responseElements: null,
    eventID: e.id,
    recipientAccountId: '123456789012',
    ...e.record,
  };
}

/** `n` events one minute apart, newest at `newest`, alternating IAM and sign-in sources. */
export function iamEvents(n: number, newest: string, options: { prefix?: string; username?: string } = {}): StoredEvent[] {
  const t0 = Date.parse(newest);
  return Array.from({ length: n }, (_, i) => {
    const signin = i % 3 === 2;
    return {
      id: `${options.prefix ?? 'ev'}-${String(i).padStart(4, '0')}`,
      time: new Date(t0 - i * 60_000).toISOString(),
      name: signin ? 'ConsoleLogin' : i % 3 === 0 ? 'CreateAccessKey' : 'AttachUserPolicy',
      source: signin ? 'signin.amazonaws.com' : 'iam.amazonaws.com',
      username: options.username ?? 'admin',
    };
  });
}

function hashParams(input: LookupEventsCommandInput): string {
  const { NextToken: _token, ...rest } = input;
  return createHash('sha256')
    .update(JSON.stringify({ ...rest, StartTime: rest.StartTime?.toISOString(), EndTime: rest.EndTime?.toISOString() }))
    .digest('hex')
    .slice(0, 16);
}
