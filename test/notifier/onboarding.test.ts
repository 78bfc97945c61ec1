import { CreateLoginProfileCommand } from '@aws-sdk/client-iam';
import { ONBOARDING_ACTION_IDS } from '../../blocks/render-onboarding';
import { handler, resetNotifierForTests } from '../../handlers/notifier';
import { mockOnboardingAws, type OnboardingAws } from '../onboarding/support/onboarding-aws';
import { mockStateTable, type TableModel } from '../state/dynamodb-table-model';
import { blockKitViolations } from '../support/block-kit-limits';
import { toEventBridge, toSnsEvent } from '../support/corpus';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

/**
 * Onboarding in the notifier (issue 13), through the real handler: the CreateUser alert is posted,
 * then (auto) the user gets its password and the thread says so, or (approve) the thread offers
 * Send sign-in details. AWS is mocked at the SDK layer, Slack is the local fake.
 */

const ACCOUNT = '123456789012';
const TABLE = 'iam-alerts-state';
let count = 0;

function createUser(userName: string, options: { tags?: Array<{ key: string; value: string }>; actor?: string; account?: string } = {}) {
  count += 1;
  const account = options.account ?? ACCOUNT;
  const actor = options.actor ?? 'alice';
  return toSnsEvent(
    toEventBridge({
      eventVersion: '1.09',
      eventName: 'CreateUser',
      eventSource: 'iam.amazonaws.com',
      eventID: `00000000-0000-4000-9000-${String(count).padStart(12, '0')}`,
      eventTime: '2024-05-01T10:00:00Z',
      eventType: 'AwsApiCall',
      awsRegion: 'us-east-1',
      recipientAccountId: account,
      sourceIPAddress: '198.51.100.1',
      userAgent: 'aws-cli/2.15.0',
      userIdentity: { type: 'IAMUser', userName: actor, arn: `arn:aws:iam::${account}:user/${actor}`, accountId: account },
      requestParameters: { userName, ...(options.tags ? { tags: options.tags } : {}) },
    }),
  );
}

describe('notifier onboarding', () => {
  let slack: FakeSlack;
  let aws: OnboardingAws;
  let table: TableModel;
  const savedEnv = { ...process.env };

  async function start(env: Record<string, string>): Promise<void> {
    process.env = {
      ...savedEnv,
      SLACK_CHANNEL_ID: 'C0ALERTS',
      SLACK_API_URL: slack.apiUrl,
      SLACK_BOT_TOKEN: 'xoxb-env-token',
      STATE_TABLE_NAME: TABLE,
      IDEMPOTENCY_TABLE_NAME: TABLE,
      HOME_ACCOUNT_ID: ACCOUNT,
      ONBOARDING_EMAIL_DOMAINS: 'example.com',
      ONBOARDING_KMS_KEY_ID: 'alias/iam-alerts-onboarding',
      ...env,
    };
    resetNotifierForTests();
  }

  beforeEach(async () => {
    slack = await startFakeSlack();
    aws = mockOnboardingAws();
    table = mockStateTable(TABLE);
  });
  afterEach(async () => {
    process.env = savedEnv;
    resetNotifierForTests();
    aws.restore();
    table.restore();
    await slack.close();
  });

  const posts = () => slack.callsTo('chat.postMessage');
  const thread = (alertTs: string) => posts().filter((c) => c.body.thread_ts === alertTs);

  it('auto: jane@example.com gets a reset-required password by DM, and the alert’s thread says so without it', async () => {
    await start({ ONBOARDING: 'auto' });
    aws.users.set('jane@example.com', { tags: {} });

    const { outcomes } = await handler(createUser('jane@example.com'));

    expect(outcomes).toMatchObject([{ status: 'posted', eventName: 'CreateUser' }]);
    const jane = aws.users.get('jane@example.com')!;
    expect(jane.password).toBeDefined();
    expect(jane.passwordResetRequired).toBe(true);
    const [alert, dm, report] = posts();
    expect(alert!.body.channel).toBe('C0ALERTS');
    expect(dm!.body.channel).toBe('DUJANE');
    expect(JSON.stringify(dm!.body.blocks)).toContain(ONBOARDING_ACTION_IDS.revealPassword);
    expect(report!.body).toMatchObject({ channel: 'C0ALERTS', thread_ts: (outcomes[0] as { ts: string }).ts });
    expect(JSON.stringify(report!.body.blocks)).toContain(
      'Console password created for `jane@example.com` (reset required at first sign-in); sign-in details sent to <@UJANE> by DM.',
    );
    for (const call of posts()) {
      expect(JSON.stringify(call.body)).not.toContain(jane.password);
      expect(blockKitViolations(call.body)).toEqual([]);
    }
  });

  it('auto: a redelivered CreateUser posts nothing and makes no second password', async () => {
    await start({ ONBOARDING: 'auto' });
    aws.users.set('jane@example.com', { tags: {} });
    const event = createUser('jane@example.com');

    await handler(event);
    const again = await handler(event);

    expect(again.outcomes).toMatchObject([{ status: 'duplicate' }]);
    expect(aws.iam.commandCalls(CreateLoginProfileCommand)).toHaveLength(1);
    expect(posts()).toHaveLength(3);
  });

  it('auto: a user that does not qualify gets its alert only: no IAM call, nothing in the thread', async () => {
    await start({ ONBOARDING: 'auto' });

    await handler(createUser('build-bot', { actor: 'alice' }));
    await handler(createUser('jane@example.org', { actor: 'bob' }));

    expect(aws.iam.calls()).toHaveLength(0);
    expect(posts()).toHaveLength(2);
    expect(posts().every((c) => c.body.thread_ts === undefined)).toBe(true);
  });

  it('auto: an existing console password is kept, and the thread says so', async () => {
    await start({ ONBOARDING: 'auto' });
    aws.users.set('jane@example.com', { tags: {}, password: 'Her-Own-1' });

    const { outcomes } = await handler(createUser('jane@example.com'));

    expect(aws.users.get('jane@example.com')!.password).toBe('Her-Own-1');
    expect(JSON.stringify(thread((outcomes[0] as { ts: string }).ts)[0]!.body.blocks)).toContain(
      '`jane@example.com` already has a console password: left as it is, nothing sent.',
    );
  });

  it('auto: a user created in another account of the organization is not onboarded, and the thread says why', async () => {
    await start({ ONBOARDING: 'auto' });

    const { outcomes } = await handler(createUser('jane@example.com', { account: '444455556666' }));

    expect(aws.iam.calls()).toHaveLength(0);
    expect(JSON.stringify(thread((outcomes[0] as { ts: string }).ts)[0]!.body.blocks)).toContain(
      'iam-alerts creates sign-in details only in its own account (123456789012)',
    );
  });

  it('auto: users grouped into one burst each get their report in the burst’s thread', async () => {
    await start({ ONBOARDING: 'auto' });
    for (const name of ['ann@example.com', 'ben@example.com', 'cat@example.com']) aws.users.set(name, { tags: {} });

    const outcomes = (
      await Promise.all(
        ['ann@example.com', 'ben@example.com', 'cat@example.com'].map((name) => handler(createUser(name, { actor: 'terraform' }))),
      )
    ).flatMap((r) => r.outcomes);

    expect(outcomes.map((o) => o.status).sort()).toEqual(['grouped', 'grouped', 'posted']);
    const parentTs = (outcomes.find((o) => o.status === 'posted') as { ts: string }).ts;
    const reports = thread(parentTs).filter((c) => JSON.stringify(c.body.blocks).includes('Console password created'));
    expect(reports).toHaveLength(3);
    expect([...aws.users.values()].every((u) => u.password !== undefined)).toBe(true);
  });

  it('approve: the thread offers Send sign-in details; the notifier makes no AWS call', async () => {
    await start({ ONBOARDING: 'approve' });

    const { outcomes } = await handler(createUser('jane@example.com'));

    expect(aws.iam.calls()).toHaveLength(0);
    expect(aws.kms.calls()).toHaveLength(0);
    const [offer] = thread((outcomes[0] as { ts: string }).ts);
    const text = JSON.stringify(offer!.body.blocks);
    expect(text).toContain(ONBOARDING_ACTION_IDS.sendSignInDetails);
    expect(text).toContain(
      '`jane@example.com` can get a console password: the sign-in details would go to jane@example.com (from the user name) by Slack DM.',
    );
  });

  it('off: nothing but the alert', async () => {
    await start({ ONBOARDING: 'off' });
    aws.users.set('jane@example.com', { tags: {} });

    await handler(createUser('jane@example.com'));

    expect(aws.iam.calls()).toHaveLength(0);
    expect(posts()).toHaveLength(1);
  });
});
