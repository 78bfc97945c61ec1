import type { Catalog } from '../catalog/catalog-config';
import { classifyEvent } from '../catalog/classify-event';
import type { CatalogEventPattern } from '../catalog/event-patterns';
import { requestSatisfying } from '../catalog/request-conditions';
import type { AlertRule } from '../catalog/rule';
import { parseNotifierInput } from '../events/parse-input';

/**
 * Events to try a deployed EventBridge rule with (TestEventPattern): events the catalog says that
 * rule exists for. Bundled samples (real CloudTrail records) come first; a rule no sample covers
 * gets a minimal CloudTrail record built from its catalog entry, which the catalog itself
 * classifies under that rule (a test pins this for every default rule).
 */

type Json = Record<string, unknown>;

export interface TestEvent {
  /** The EventBridge event, with every field TestEventPattern requires. */
  event: Json;
  /** "sample 02-create-access-key.json (CreateAccessKey)", for the doctor's report. */
  description: string;
}

/**
 * Wraps a CloudTrail record the way EventBridge delivers it, with every envelope field
 * TestEventPattern requires. An event already in the envelope keeps its fields.
 */
export function toEventBridgeEvent(value: unknown): Json {
  const record = (value && typeof value === 'object' ? value : {}) as Json;
  if ('detail-type' in record && 'detail' in record) return { version: '0', resources: [], ...record };
  const eventSource = typeof record.eventSource === 'string' ? record.eventSource : 'unknown.amazonaws.com';
  return {
    version: '0',
    id: typeof record.eventID === 'string' ? record.eventID : '00000000-0000-4000-8000-000000000000',
    'detail-type': record.eventType === 'AwsConsoleSignIn' ? 'AWS Console Sign In via CloudTrail' : 'AWS API Call via CloudTrail',
    source: `aws.${eventSource.split('.')[0]}`,
    account: typeof record.recipientAccountId === 'string' ? record.recipientAccountId : '123456789012',
    time: typeof record.eventTime === 'string' && /^\d{4}-\d\d-\d\dT/.test(record.eventTime) ? record.eventTime : '2024-01-01T00:00:00Z',
    region: typeof record.awsRegion === 'string' ? record.awsRegion : 'us-east-1',
    resources: [],
    detail: record,
  };
}

/** A named sample event (from `samples/`). */
export interface NamedSample {
  file: string;
  value: unknown;
}

/** The events a deployed rule built from `pattern` must match. */
export function testEventsFor(pattern: CatalogEventPattern, catalog: Catalog, samples: readonly NamedSample[]): TestEvent[] {
  const names = listedEventNames(pattern);
  const fromSamples = samples.flatMap((sample): TestEvent[] => {
    const [item] = parseNotifierInput(sample.value);
    if (!item?.ok) return [];
    const classification = classifyEvent(item.record, catalog);
    if (classification.kind !== 'alert' || !classification.ruleIds.some((id) => pattern.ruleIds.includes(id))) return [];
    if (names && !names.includes(item.record.eventName)) return [];
    if (pattern.userAgents && !pattern.userAgents.some((needle) => item.record.userAgent?.includes(needle))) return [];
    return [{ event: toEventBridgeEvent(sample.value), description: `sample ${sample.file} (${item.record.eventName})` }];
  });
  if (fromSamples.length > 0) return fromSamples;
  const rules = catalog.rules.filter((r) => pattern.ruleIds.includes(r.id));
  for (const rule of rules) {
    const record = syntheticRecordFor(rule, names, pattern.userAgents?.[0]);
    if (record) return [{ event: toEventBridgeEvent(record), description: `a CloudTrail record of ${String(record.eventName)}` }];
  }
  return [];
}

/** The event names a pattern lists, when it lists plain names (API-call patterns). */
function listedEventNames(pattern: CatalogEventPattern): string[] | undefined {
  const detail = pattern.pattern.detail as { eventName?: unknown[] } | undefined;
  const names = detail?.eventName?.filter((n): n is string => typeof n === 'string');
  return names && names.length > 0 ? names : undefined;
}

const ACCOUNT = '123456789012';
const DOCTOR_USER = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEDOCTOR0001',
  arn: `arn:aws:iam::${ACCOUNT}:user/iam-alerts-doctor`,
  accountId: ACCOUNT,
  userName: 'iam-alerts-doctor',
};

/**
 * A minimal, realistic CloudTrail record that `rule` alerts on: one of `eventNames` when given, and
 * for a user-agent rule the `userAgent` given (by default the rule's first tool as written).
 */
export function syntheticRecordFor(rule: AlertRule, eventNames?: readonly string[], userAgent?: string): Json | undefined {
  const base = {
    eventVersion: '1.09',
    eventTime: '2024-01-01T00:00:00Z',
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-cli/2.15.0',
    eventID: '00000000-0000-4000-8000-00000000d0c7',
    readOnly: false,
    managementEvent: true,
    eventCategory: 'Management',
    recipientAccountId: ACCOUNT,
  };
  const match = rule.match;
  switch (match.kind) {
    case 'api-call': {
      const eventName = match.eventNames.find((n) => !eventNames || eventNames.includes(n));
      if (!eventName) return undefined;
      return {
        ...base,
        eventSource: match.eventSource,
        eventName,
        eventType: 'AwsApiCall',
        userIdentity: DOCTOR_USER,
        // A rule with request conditions matches only calls that meet them.
        requestParameters: { userName: 'iam-alerts-doctor-target', ...requestSatisfying(match.requestParameters ?? {}) },
        responseElements: null,
      };
    }
    case 'console-sign-in': {
      const type = match.identityTypes[0] ?? 'IAMUser';
      const failed = match.when === 'failure';
      return {
        ...base,
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        eventType: 'AwsConsoleSignIn',
        userIdentity:
          type === 'Root' ? { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT } : DOCTOR_USER,
        requestParameters: null,
        responseElements: { ConsoleLogin: failed ? 'Failure' : 'Success' },
        additionalEventData: { MFAUsed: match.when === 'success-without-mfa' ? 'No' : 'Yes', MobileVersion: 'No' },
        ...(failed ? { errorMessage: 'Failed authentication' } : {}),
      };
    }
    case 'root-activity':
      return {
        ...base,
        eventSource: 'iam.amazonaws.com',
        eventName: 'CreateUser',
        eventType: 'AwsApiCall',
        userIdentity: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT },
        requestParameters: { userName: 'iam-alerts-doctor-target' },
        responseElements: null,
      };
    case 'offensive-user-agent':
      return {
        ...base,
        eventSource: match.eventSources[0],
        eventName: 'GetCallerIdentity',
        eventType: 'AwsApiCall',
        readOnly: true,
        userAgent: userAgent ?? match.userAgentContains[0],
        userIdentity: DOCTOR_USER,
        requestParameters: null,
        responseElements: null,
      };
  }
}
