import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { createAccountAccess, type RoleSessionRequest } from '../../app/accounts/account-access';
import { type AccountDirectory, createAccountDirectory } from '../../app/accounts/account-directory';
import { decodeMoreButton, encodeMoreButton, startHistoryCursor } from '../../app/history/cursor';
import { ACTION_IDS } from '../../blocks/ids';
import { fakeEventHistory, iamEvents } from '../history/support/event-history';
import { historyHarness, SIGNING_SECRET } from '../history/support/slack-harness';
import { blockActionsBody, signedLambdaEvent, slashCommandBody } from '../history/support/slack-requests';
import { blockKitViolations } from '../support/block-kit-limits';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

/**
 * `/iam-events account:<id|name>`: the search reads the named account's CloudTrail, in every
 * HISTORY_REGIONS region, through its IamAlertsResponder role (a session named for the user who
 * asked), keeps to that account page after page (More), and is refused, plainly, for accounts the
 * settings or AWS keep iam-alerts out of. CloudTrail is mocked at the SDK layer; each call is served
 * the history of the account its client's credentials belong to.
 */

const cloudtrail = mockClient(CloudTrailClient);
const HOME = '123456789012';
const PROD = '222222222222';
const OUTSIDER = '333333333333';
const PROD_KEY = 'ASIAPRODRESPONDER001';
const ENV = {
  HOME_ACCOUNT_ID: HOME,
  MEMBER_ACCOUNT_IDS: PROD,
  ACCOUNT_ALIASES: `${PROD}=prod`,
  HISTORY_REGIONS: 'us-east-1,eu-north-1',
};

describe('/iam-events account:', () => {
  let slack: FakeSlack;
  const sessions: RoleSessionRequest[] = [];
  let deny = false;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(() => slack.close());
  beforeEach(() => {
    cloudtrail.reset();
    slack.calls.length = 0;
    sessions.length = 0;
    deny = false;
    const home = fakeEventHistory(iamEvents(5, '2026-11-22T05:59:00Z', { prefix: 'home', username: 'home-admin' }));
    const prod = fakeEventHistory(iamEvents(30, '2026-11-22T05:59:00Z', { prefix: 'prod', username: 'prod-admin' }));
    cloudtrail.on(LookupEventsCommand).callsFake(async (input, getClient) => {
      const { accessKeyId } = await (getClient() as CloudTrailClient).config.credentials();
      return (accessKeyId === PROD_KEY ? prod : home).lookup(input);
    });
  });

  /** The harness with the real account access; STS answers with the prod account's credentials (or AccessDenied). */
  const harnessWith = (directory?: (base: AccountDirectory) => AccountDirectory, env: Record<string, string> = ENV) =>
    historyHarness(slack, {
      env,
      accounts: (config, home) => {
        const base = createAccountDirectory({ aliases: config.accountAliases });
        return createAccountAccess({
          settings: config.accounts,
          region: 'us-east-1',
          home,
          directory: directory ? directory(base) : base,
          assumeRole: (request) => {
            sessions.push(request);
            return async () => {
              if (deny) throw Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' });
              return { accessKeyId: PROD_KEY, secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.now() + 900_000) };
            };
          },
        });
      },
    });
  const command = (text: string, name: string) =>
    signedLambdaEvent(slashCommandBody(text, `${slack.baseUrl}/commands/T111/111/${name}`), SIGNING_SECRET);
  const replyTo = (name: string) => slack.callsTo(`/commands/T111/111/${name}`)[0]!.body;
  const moreValueOf = (body: Record<string, unknown>): string | undefined =>
    (body.blocks as any[]).find((b) => b.type === 'actions')?.elements[0]?.value;
  const signedKeys = () =>
    Promise.all(cloudtrail.calls().map(async (c) => (await (c.thisValue as CloudTrailClient).config.credentials()).accessKeyId));

  it('searches the named account’s CloudTrail in every HISTORY_REGIONS region, through its responder role, and says which account', async () => {
    const harness = harnessWith();

    await harness.handler(command('account:prod limit:10', 'prod'));
    await harness.settled();

    const reply = replyTo('prod');
    expect(reply.text).toContain(`10 IAM events for since:24h limit:10 account:prod in account ${PROD} (prod) (more available)`);
    const shown = JSON.stringify(reply.blocks);
    expect(shown).toContain(`us-east-1, eu-north-1 · account \`${PROD}\` (prod)`);
    expect(shown).toContain('prod-admin');
    expect(shown).not.toContain('home-admin');
    expect(new Set(await signedKeys())).toEqual(new Set([PROD_KEY]));
    const regions = await Promise.all(cloudtrail.calls().map((c) => (c.thisValue as CloudTrailClient).config.region()));
    expect(new Set(regions)).toEqual(new Set(['us-east-1', 'eu-north-1']));
    expect(sessions).toEqual([
      {
        roleArn: `arn:aws:iam::${PROD}:role/IamAlertsResponder`,
        sessionName: 'iam-alerts-W111',
        durationSeconds: 900,
        region: 'us-east-1',
      },
    ]);
    expect(blockKitViolations(reply)).toEqual([]);
  });

  it('keeps to the same account on More, the button carrying its ID within Slack’s 2,000 characters', async () => {
    const harness = harnessWith();
    await harness.handler(command('account:prod limit:10', 'first'));
    await harness.settled();
    const value = moreValueOf(replyTo('first'))!;
    cloudtrail.resetHistory();

    await harness.handler(
      signedLambdaEvent(blockActionsBody(ACTION_IDS.historyMore, value, `${slack.baseUrl}/actions/T111/111/more`), SIGNING_SECRET),
    );
    await harness.settled();

    expect(value.length).toBeLessThanOrEqual(2000);
    expect(JSON.parse(value).a).toBe(PROD);
    const page2 = slack.callsTo('/actions/T111/111/more')[0]!.body;
    expect(page2.text).toContain(`(page 2) for since:24h limit:10 account:${PROD} in account ${PROD} (prod)`);
    expect(JSON.stringify(page2.blocks)).not.toContain('home-admin');
    expect(new Set(await signedKeys())).toEqual(new Set([PROD_KEY]));
  });

  it('searches the home account with its own credentials when no account is named', async () => {
    const harness = harnessWith();

    await harness.handler(command('limit:10', 'home'));
    await harness.settled();

    expect(replyTo('home').text).toContain('5 IAM events for since:24h limit:10');
    expect(sessions).toEqual([]);
    expect(new Set(await signedKeys())).toEqual(new Set(['AKIATESTTESTTESTTEST']));
  });

  it('refuses an account outside MEMBER_ACCOUNT_IDS in the ack, before any job or AWS call', async () => {
    const harness = harnessWith();

    const response = await harness.handler(command(`account:${OUTSIDER}`, 'outsider'));

    const ack = JSON.parse(response.body!);
    expect(JSON.stringify(ack.blocks)).toContain(`Account ${OUTSIDER} cannot be searched`);
    expect(JSON.stringify(ack.blocks)).toContain('is not one iam-alerts may act in (MEMBER_ACCOUNT_IDS');
    expect(harness.deferred).toEqual([]);
    expect(cloudtrail.calls()).toEqual([]);
  });

  it('refuses a More button edited to name another account', async () => {
    const harness = harnessWith();
    const query = { sinceMinutes: 60, limit: 10 };
    const value = encodeMoreButton({
      query,
      cursor: { ...startHistoryCursor(query, ['us-east-1'], new Date('2026-11-22T06:00:00Z')), account: OUTSIDER },
      page: 2,
    });
    expect(decodeMoreButton(value, ['us-east-1']).cursor.account).toBe(OUTSIDER);

    await harness.handler(
      signedLambdaEvent(blockActionsBody(ACTION_IDS.historyMore, value, `${slack.baseUrl}/actions/T111/111/edited`), SIGNING_SECRET),
    );
    await harness.settled();

    expect(harness.deferred).toEqual([]);
    expect(slack.callsTo('/actions/T111/111/edited')[0]!.body.text).toContain(`Account ${OUTSIDER} cannot be searched`);
  });

  it('resolves a name only the organization knows in the job, and says so when no account has it', async () => {
    const harness = harnessWith((base) => ({
      ...base,
      resolve: async (reference) => (reference.toLowerCase() === 'payments' ? PROD : undefined),
      nameOf: async () => 'Payments',
    }));

    await harness.handler(command('account:Payments limit:5', 'named'));
    await harness.handler(command('account:nowhere', 'unknown'));
    await harness.settled();

    expect(replyTo('named').text).toContain(`in account ${PROD} (Payments)`);
    expect(replyTo('unknown').text).toContain('No account is called nowhere');
    expect(replyTo('unknown').text).toContain('12-digit ID');
  });

  it('says plainly when AWS refuses the responder role', async () => {
    const harness = harnessWith();
    deny = true;

    await harness.handler(command('account:prod', 'denied'));
    await harness.settled();

    const text = replyTo('denied').text as string;
    expect(text).toContain(`iam-alerts could not enter account ${PROD}`);
    expect(text).toContain(`Deploy the member stack to account ${PROD}`);
    expect(cloudtrail.calls()).toEqual([]);
  });

  it('explains account: in help, with the accounts this deployment may search', async () => {
    const harness = harnessWith();

    const response = await harness.handler(command('help', 'help'));

    const help = JSON.stringify(JSON.parse(response.body!).blocks);
    expect(help).toContain('`account:<id|name>`: which account to search (default: the one iam-alerts runs in)');
    expect(help).toContain(`also \`${PROD}\` (prod)`);
  });
});
