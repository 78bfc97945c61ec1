import { AccessDeniedException, ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, resetNotifierForTests } from '../../handlers/notifier';
import { toEventBridge, toSnsEvent } from '../support/corpus';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

/**
 * The deployed notifier in an organization: account names from Organizations' ListAccounts (mocked at
 * the SDK layer), read once per container, and a refusal that only costs the names.
 */

const organizations = mockClient(OrganizationsClient);
const MEMBER = '222222222222';
let n = 0;

function memberEvent() {
  n += 1;
  return toSnsEvent(
    toEventBridge({
      eventName: 'CreateUser',
      eventSource: 'iam.amazonaws.com',
      eventID: `11111111-0000-4000-8000-${String(n).padStart(12, '0')}`,
      eventTime: '2024-05-01T10:00:00Z',
      awsRegion: 'us-east-1',
      recipientAccountId: MEMBER,
      userIdentity: { type: 'IAMUser', userName: 'alice', arn: `arn:aws:iam::${MEMBER}:user/alice`, accountId: MEMBER },
      requestParameters: { userName: `user-${n}` },
    }),
  );
}

describe('notifier handler in an organization', () => {
  let slack: FakeSlack;
  const savedEnv = { ...process.env };

  beforeEach(async () => {
    slack = await startFakeSlack();
    organizations.reset();
    process.env = {
      ...savedEnv,
      SLACK_CHANNEL_ID: 'C0ALERTS',
      SLACK_API_URL: slack.apiUrl,
      SLACK_BOT_TOKEN: 'xoxb-env-token',
      HOME_ACCOUNT_ID: '123456789012',
      ORGANIZATION_ID: 'o-a1b2c3d4e5',
    };
    resetNotifierForTests();
  });
  afterEach(async () => {
    process.env = savedEnv;
    resetNotifierForTests();
    await slack.close();
  });

  const accountField = (i: number) =>
    JSON.stringify((slack.callsTo('chat.postMessage')[i]!.body as { blocks: unknown[] }).blocks).match(/\*Account\*\\n([^"]*)"/)?.[1];

  it('shows the organization’s name for the account, listing the accounts once per container', async () => {
    organizations.on(ListAccountsCommand).resolves({ Accounts: [{ Id: MEMBER, Name: 'production' }] });

    await handler(memberEvent());
    await handler(memberEvent());

    expect(accountField(0)).toBe(`\`${MEMBER}\` (production)`);
    expect(accountField(1)).toBe(`\`${MEMBER}\` (production)`);
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(1);
  });

  it('posts with the bare account ID when ListAccounts is refused, and does not ask again', async () => {
    organizations.on(ListAccountsCommand).rejects(new AccessDeniedException({ message: 'not a delegated administrator', $metadata: {} }));

    const first = await handler(memberEvent());
    await handler(memberEvent());

    expect(first.outcomes).toMatchObject([{ status: 'posted' }]);
    expect(accountField(0)).toBe(`\`${MEMBER}\``);
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(1);
  });

  it('makes no Organizations call in single-account mode', async () => {
    delete process.env.ORGANIZATION_ID;
    resetNotifierForTests();

    await handler(memberEvent());

    expect(organizations.calls()).toEqual([]);
  });
});
