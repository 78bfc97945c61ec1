import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The repository's copies of real public records (CloudTrail, Slack payloads, SigmaHQ rules).
 * Tests read nothing outside the repository: `test/fixtures/PROVENANCE.md` says where each file
 * came from and how to refresh it.
 */
export const FIXTURES_DIR = resolve(__dirname, '../fixtures');

export const CLOUDTRAIL_FILES = [
  'panther-analysis',
  'stratus-red-team-detonation-logs',
  'awsdocs-cloudtrail-user-guide',
  'awsdocs-eventbridge-console-signin',
] as const;

export interface CorpusRecord {
  /** `file:line`, stable across runs: the key of expectations. */
  key: string;
  file: string;
  line: number;
  /** The record as published (a bare CloudTrail record, or for one file an EventBridge event). */
  value: Record<string, unknown>;
  /** What the source says about it (repository, path, test name). */
  origin: Record<string, unknown>;
}

/** Every CloudTrail record in `test/fixtures/cloudtrail/`, keyed `file:line`, with what its index says of it. */
export function loadCloudTrailCorpus(): CorpusRecord[] {
  return CLOUDTRAIL_FILES.flatMap((file) => {
    const lines = readJsonl(join(FIXTURES_DIR, 'cloudtrail', `${file}.jsonl`));
    const index = readJsonl(join(FIXTURES_DIR, 'cloudtrail', `${file}.index.jsonl`));
    return lines.map((value, i) => ({ key: `${file}:${i + 1}`, file, line: i + 1, value, origin: index[i] ?? {} }));
  });
}

/**
 * CloudTrail records written for this project (`test/fixtures/cloudtrail-written/`, one file per
 * rule family): the events of rules no public record shows, each beside its near-misses. Keyed
 * `written/<family>:<line>`, like the corpus, and expected in `corpus-expectations.json` too.
 */
export function loadWrittenCloudTrailFixtures(): CorpusRecord[] {
  const dir = join(FIXTURES_DIR, 'cloudtrail-written');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .flatMap((name) => {
      const family = name.replace(/\.jsonl$/, '');
      return readJsonl(join(dir, name)).map((value, i) => ({
        key: `written/${family}:${i + 1}`,
        file: `cloudtrail-written/${family}`,
        line: i + 1,
        value,
        origin: { writtenFor: 'iam-alerts', file: `test/fixtures/cloudtrail-written/${name}` },
      }));
    });
}

/**
 * Changes to iam-alerts' own resources (`test/fixtures/own-resources/tampering.jsonl`, written for
 * this project): for the rules the stack generates from its own names (`ownResourceRules`), with
 * the stack `IamAlerts` in account 123456789012, us-east-1. Keyed `own-resources:<line>`.
 */
export function loadOwnResourceFixtures(): CorpusRecord[] {
  return readJsonl(join(FIXTURES_DIR, 'own-resources', 'tampering.jsonl')).map((value, i) => ({
    key: `own-resources:${i + 1}`,
    file: 'own-resources/tampering',
    line: i + 1,
    value,
    origin: { writtenFor: 'iam-alerts', file: 'test/fixtures/own-resources/tampering.jsonl' },
  }));
}

/** The real corpus and the records written for this project: what the catalog is tested on. */
export function loadCatalogTestRecords(): CorpusRecord[] {
  return [...loadCloudTrailCorpus(), ...loadWrittenCloudTrailFixtures()];
}

/**
 * The `detail-type` EventBridge gives a CloudTrail record: sign-ins (some real records spell the
 * type `AwsConsoleSignin`), service events, and API calls for everything else.
 */
export function cloudTrailDetailType(record: Record<string, unknown>): string {
  const type = String(record.eventType ?? '').toLowerCase();
  if (type === 'awsconsolesignin') return 'AWS Console Sign In via CloudTrail';
  if (type === 'awsserviceevent') return 'AWS Service Event via CloudTrail';
  return 'AWS API Call via CloudTrail';
}

/** Wraps a CloudTrail record the way an EventBridge rule delivers it (no input transformer). */
export function toEventBridge(record: Record<string, unknown>): Record<string, unknown> {
  if ('detail-type' in record) return record;
  const source = typeof record.eventSource === 'string' ? `aws.${record.eventSource.split('.')[0]}` : 'aws.unknown';
  const detailType = cloudTrailDetailType(record);
  return {
    version: '0',
    id: `eb-${String(record.eventID ?? 'none')}`,
    'detail-type': detailType,
    source,
    account: record.recipientAccountId ?? '123456789012',
    time: record.eventTime ?? '2024-01-01T00:00:00Z',
    region: record.awsRegion ?? 'us-east-1',
    resources: [],
    detail: record,
  };
}

/** Wraps a message in the SNS event a subscribed Lambda receives. */
export function toSnsEvent(message: unknown): { Records: Array<Record<string, unknown>> } {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:iam-alerts:11111111-2222-3333-4444-555555555555',
        Sns: {
          Type: 'Notification',
          MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:iam-alerts',
          Subject: null,
          Message: typeof message === 'string' ? message : JSON.stringify(message),
          Timestamp: '2024-01-01T00:00:00.000Z',
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}

function readJsonl(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
