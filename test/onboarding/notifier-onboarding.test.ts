import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { cloudTrailRecordSchema } from '../../app/events/cloudtrail-record';
import { createLogger } from '../../app/logger';
import { createNotifierOnboarding, ONBOARDING_TIME_NEEDED_MS } from '../../app/onboarding/notifier-onboarding';
import { createSlackClient } from '../../app/slack/web-client';
import { MemoryStore } from '../../app/state/memory-store';
import type { RenderedMessage } from '../../blocks/render-alert';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { mockOnboardingAws, type OnboardingAws } from './support/onboarding-aws';

const ACCOUNT = '229654561268';
const record = (userName: string) => {
  const sample = JSON.parse(readFileSync(join(__dirname, '../../samples/05-create-user.json'), 'utf8'));
  return cloudTrailRecordSchema.parse({ ...sample, requestParameters: { userName } });
};

let aws: OnboardingAws;
let slack: FakeSlack;
beforeEach(async () => {
  aws = mockOnboardingAws();
  slack = await startFakeSlack();
});
afterEach(async () => {
  aws.restore();
  await slack.close();
});

function auto() {
  return createNotifierOnboarding({
    mode: 'auto',
    onboarding: {
      settings: { mode: 'auto', emailDomains: ['example.com'], delivery: 'slack', kmsKeyId: 'alias/k' },
      iam: async () => new IAMClient({}),
      kms: async () => new KMSClient({}),
      slack: createSlackClient('xoxb-test', { apiUrl: slack.apiUrl }),
      store: new MemoryStore(),
      logger: createLogger('onboarding-test'),
      clock: () => new Date(),
      protectedIamUsers: [],
      homeAccountId: ACCOUNT,
    },
  });
}

describe('the notifier’s onboarding step', () => {
  it('creates no password when too little of the invocation is left to deliver it, and says so', async () => {
    aws.users.set('jane@example.com', { tags: {} });
    const posted: RenderedMessage[] = [];

    await auto().afterAlert(
      { record: record('jane@example.com'), eventId: 'evt-1' },
      async (m) => void posted.push(m),
      Date.now() + ONBOARDING_TIME_NEEDED_MS - 1_000,
    );

    expect(aws.users.get('jane@example.com')!.password).toBeUndefined();
    expect(JSON.stringify(posted[0]!.blocks)).toContain('too little time was left to deliver a password');
  });

  it('never throws once the alert is posted, even when the thread cannot be written to', async () => {
    aws.users.set('jane@example.com', { tags: {} });

    await expect(
      auto().afterAlert(
        { record: record('jane@example.com'), eventId: 'evt-2' },
        () => Promise.reject(new Error('Slack is down')),
        Date.now() + 30_000,
      ),
    ).resolves.toBeUndefined();
    expect(aws.users.get('jane@example.com')!.password).toBeDefined();
  });
});
