import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CATALOG } from '../../../app/catalog/catalog-config';
import { createLogger } from '../../../app/logger';
import type { NotifierDeps } from '../../../app/notifier/notify';
import { createSlackClient } from '../../../app/slack/web-client';
import type { VersionedStore } from '../../../app/state/versioned-store';
import type { ScheduleDeps } from '../../../app/triage/run-schedule';
import type { NotifierTriage } from '../../../app/triage/start-triage';
import type { TriageSettings } from '../../../app/triage/triage-settings';
import { TEST_TUNING } from '../../notifier/containers';

/**
 * What the triage tests share: the repository's sample CloudTrail records (samples/, each from the
 * corpus: samples/README.md), an Identity Center sign-in made from one of them, a clock the test
 * moves, and notifier and scheduler deps on one store and the Slack fake.
 */

const SAMPLES = join(__dirname, '../../../samples');

/** A sample record as a fresh object (samples/README.md says where each came from). */
export function sample(file: string): any {
  return JSON.parse(readFileSync(join(SAMPLES, file), 'utf8'));
}

/** High: UpdateAssumeRolePolicy by IAM user `christophe` in 751203476945 (stratus-red-team). */
export const HIGH_BY_IAM_USER = '03-update-assume-role-policy.json';
/** Critical: CreateAccessKey by IAM user `christophe` for `malicious-iam-user` in 229654561268. */
export const CRITICAL_BY_IAM_USER = '02-create-access-key.json';
/** Critical: root console sign-in (EventBridge envelope, AWS's documentation). */
export const ROOT_SIGN_IN = '01-root-console-sign-in.eventbridge.json';
/** Medium: CreateUser by `christophe`. */
export const MEDIUM_BY_IAM_USER = '05-create-user.json';

/**
 * The high sample as an Identity Center user made it: the role session of an `AWSReservedSSO_`
 * permission-set role, whose session name Identity Center sets to the user's user name (the shape
 * of panther-analysis's SSO records in test/fixtures/cloudtrail).
 */
export function asIdentityCenterUser(record: Record<string, any>, userName: string): any {
  const account = record.recipientAccountId as string;
  return {
    ...record,
    eventID: `${record.eventID}-sso`,
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROASXP6SDP2F4WLQVARB:${userName}`,
      arn: `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_DevAdmin_635426549a280cc6/${userName}`,
      accountId: account,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROASXP6SDP2F4WLQVARB',
          arn: `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DevAdmin_635426549a280cc6`,
          accountId: account,
          userName: 'AWSReservedSSO_DevAdmin_635426549a280cc6',
        },
      },
    },
  };
}

/** A clock the test moves (epoch ms). */
export interface TestClock {
  now: () => number;
  set(ms: number): void;
  advanceMinutes(minutes: number): void;
}

export function testClock(start = Date.parse('2024-05-01T10:00:00Z')): TestClock {
  let current = start;
  return {
    now: () => current,
    set: (ms) => {
      current = ms;
    },
    advanceMinutes: (minutes) => {
      current += minutes * 60_000;
    },
  };
}

export const SETTINGS: TriageSettings = {
  confirmSeverities: ['critical', 'high'],
  confirmTimeoutMinutes: 30,
  ownerMap: {},
  escalateAfterMinutes: { critical: 15, high: 60 },
};

export const RESPONDERS = { userIds: ['U0RESPONDER'], userGroupId: 'S0RESPONDERS' };

/** Slack's ts for a post at the clock's time, as the fake answers it (the day index keys on it). */
export function postAtClock(fake: { respond: (method: string, handler: (call: any) => any) => void }, clock: TestClock): void {
  let n = 0;
  fake.respond('chat.postMessage', (call) => {
    const ts = `${Math.floor(clock.now() / 1000)}.${String(++n).padStart(6, '0')}`;
    const channel = String(call.body.channel);
    return { kind: 'ok', body: { channel, ts, message: { ts } } };
  });
}

export function notifierDeps(
  apiUrl: string,
  store: VersionedStore,
  clock: TestClock,
  triage: Partial<Omit<NotifierTriage, 'settings'>> & { settings?: Partial<TriageSettings> } = {},
): NotifierDeps {
  return {
    slack: createSlackClient('xoxb-test-token', { apiUrl, rejectRateLimitedCalls: true, retries: 0, timeoutMs: 2_000 }),
    catalog: DEFAULT_CATALOG,
    logger: createLogger('iam-alerts-notifier'),
    config: { slack: { channelId: 'C0ALERTS', channelBySeverity: {}, channelByAccount: {} }, accountAliases: {} },
    store,
    tuning: TEST_TUNING,
    clock: clock.now,
    triage: { responders: RESPONDERS, ...triage, settings: { ...SETTINGS, ...triage.settings } },
  };
}

export function scheduleDeps(
  apiUrl: string,
  store: VersionedStore,
  clock: TestClock,
  overrides: { settings?: Partial<TriageSettings>; digestChannel?: string; responders?: ScheduleDeps['responders'] } = {},
): ScheduleDeps {
  return {
    store,
    slack: createSlackClient('xoxb-test-token', { apiUrl, retries: 0, timeoutMs: 2_000 }),
    logger: createLogger('iam-alerts-scheduler'),
    now: clock.now,
    settings: { ...SETTINGS, ...overrides.settings },
    responders: overrides.responders ?? RESPONDERS,
    digestChannel: overrides.digestChannel,
  };
}
