import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createAccountAccess,
  RESPONDER_SESSION_SECONDS,
  type RoleCredentials,
  type RoleSessionRequest,
} from '../../app/accounts/account-access';
import { type AccountDirectory, createAccountDirectory } from '../../app/accounts/account-directory';
import { AccountAccessError, AccountRefusedError } from '../../app/accounts/errors';
import { loadConfig } from '../../app/config';

const HOME = '111111111111';
const MEMBER = '222222222222';
const OTHER_MEMBER = '444444444444';
const OUTSIDER = '333333333333';

const homeIam = new IAMClient({});
const home = { iam: async () => homeIam, cloudtrail: async (region: string) => new CloudTrailClient({ region }) };

/** An assumeRole stand-in: records each session asked for and each time its credentials are fetched. */
function fakeStsSessions(answer: (request: RoleSessionRequest, n: number) => Promise<RoleCredentials> | RoleCredentials) {
  const requests: RoleSessionRequest[] = [];
  let fetched = 0;
  return {
    requests,
    fetched: () => fetched,
    assumeRole: (request: RoleSessionRequest) => {
      requests.push(request);
      return async () => answer(request, ++fetched);
    },
  };
}

const credentialsFor = (request: RoleSessionRequest, n = 1): RoleCredentials => ({
  accessKeyId: `ASIA${request.roleArn.split(':')[4]}${n}`,
  secretAccessKey: 'secret',
  sessionToken: `token-${request.sessionName}`,
  expiration: new Date(Date.now() + RESPONDER_SESSION_SECONDS * 1000),
});

function access(env: Record<string, string>, sts = fakeStsSessions(credentialsFor), directory?: AccountDirectory) {
  const config = loadConfig({ AWS_REGION: 'us-east-1', ...env });
  return {
    sts,
    access: createAccountAccess({
      settings: config.accounts,
      region: config.awsRegion,
      home,
      directory: directory ?? createAccountDirectory({ aliases: {} }),
      assumeRole: sts.assumeRole,
    }),
  };
}

const ORG = { HOME_ACCOUNT_ID: HOME, MEMBER_ACCOUNT_IDS: `${MEMBER},${OTHER_MEMBER}` };

describe('createAccountAccess', () => {
  it('uses the function’s own clients in the home account, assuming nothing', async () => {
    const { access: a, sts } = access(ORG);

    const clients = await a.clientsFor(HOME, 'U0RESPONDER');

    expect(clients.via).toBe('own-credentials');
    expect(await clients.iam()).toBe(homeIam);
    expect(sts.requests).toEqual([]);
  });

  it('assumes the member account’s IamAlertsResponder with a session naming the Slack user, for IAM and CloudTrail alike', async () => {
    const { access: a, sts } = access(ORG);

    const clients = await a.clientsFor(MEMBER, 'U0RESPONDER');
    const iam = await clients.iam();
    const trail = await clients.cloudtrail('eu-north-1');

    expect(sts.requests).toEqual([
      {
        roleArn: 'arn:aws:iam::222222222222:role/IamAlertsResponder',
        sessionName: 'iam-alerts-U0RESPONDER',
        durationSeconds: 900,
        region: 'us-east-1',
      },
    ]);
    expect(clients).toMatchObject({ via: 'responder-role', roleArn: 'arn:aws:iam::222222222222:role/IamAlertsResponder' });
    expect(iam).not.toBe(homeIam);
    expect(await iam.config.credentials()).toMatchObject({
      accessKeyId: 'ASIA2222222222221',
      sessionToken: 'token-iam-alerts-U0RESPONDER',
    });
    expect(await trail.config.credentials()).toMatchObject({ accessKeyId: 'ASIA2222222222221' });
    expect(await trail.config.region()).toBe('eu-north-1');
    // Assumed once, when the clients were asked for, and shared by both clients.
    expect(sts.fetched()).toBe(1);
  });

  it('keeps a session per account and Slack user for the credentials’ life, and refreshes them before they expire', async () => {
    const sts = fakeStsSessions((request, n) => ({
      ...credentialsFor(request, n),
      // The first credentials are about to expire (within the SDK's 5-minute margin).
      expiration: new Date(Date.now() + (n === 1 ? 60_000 : 900_000)),
    }));
    const { access: a } = access(ORG, sts);

    const first = await a.clientsFor(MEMBER, 'U0RESPONDER');
    const again = await a.clientsFor(MEMBER, 'U0RESPONDER');
    expect(again).toBe(first);
    expect(sts.requests).toHaveLength(1);

    expect(await (await first.iam()).config.credentials()).toMatchObject({ accessKeyId: 'ASIA2222222222222' });
    expect(sts.fetched()).toBe(2);
    expect(await (await first.iam()).config.credentials()).toMatchObject({ accessKeyId: 'ASIA2222222222222' });
    expect(sts.fetched()).toBe(2);

    await a.clientsFor(MEMBER, 'U0SECOND');
    await a.clientsFor(OTHER_MEMBER, 'U0RESPONDER');
    expect(sts.requests.map((r) => `${r.roleArn.split(':')[4]} ${r.sessionName}`)).toEqual([
      '222222222222 iam-alerts-U0RESPONDER',
      '222222222222 iam-alerts-U0SECOND',
      '444444444444 iam-alerts-U0RESPONDER',
    ]);
  });

  it('refuses an account outside MEMBER_ACCOUNT_IDS, and any other account in single-account mode, before any AWS call', async () => {
    const listed = access(ORG);
    await expect(listed.access.clientsFor(OUTSIDER, 'U0RESPONDER')).rejects.toThrow(AccountRefusedError);
    await expect(listed.access.clientsFor(OUTSIDER, 'U0RESPONDER')).rejects.toThrow(/not one iam-alerts may act in \(MEMBER_ACCOUNT_IDS/);
    expect(listed.sts.requests).toEqual([]);

    const single = access({ HOME_ACCOUNT_ID: HOME });
    await expect(single.access.clientsFor(MEMBER, 'U0RESPONDER')).rejects.toThrow(/watches one account \(111111111111\)/);
    expect(single.sts.requests).toEqual([]);
  });

  it('in an organization, refuses an account its listing does not have, and leaves an unlisted organization to AWS', async () => {
    const env = { HOME_ACCOUNT_ID: HOME, ORGANIZATION_ID: 'o-abcdefghij' };
    const listing = (membership: 'member' | 'not-member' | 'unknown'): AccountDirectory => ({
      ...createAccountDirectory({ aliases: {} }),
      membership: async () => membership,
    });

    const outside = access(env, undefined, listing('not-member'));
    await expect(outside.access.clientsFor(OUTSIDER, 'U0RESPONDER')).rejects.toThrow(
      'account 333333333333 is not in organization o-abcdefghij, so iam-alerts does not act in it.',
    );
    expect(outside.sts.requests).toEqual([]);

    for (const membership of ['member', 'unknown'] as const) {
      const reached = access(env, undefined, listing(membership));
      await expect(reached.access.clientsFor(MEMBER, 'U0RESPONDER')).resolves.toMatchObject({ via: 'responder-role' });
    }
  });

  it('says plainly when AWS refuses the role: not in the organization, or no member stack there', async () => {
    const denied = Object.assign(
      new Error(
        'User: arn:aws:sts::111111111111:assumed-role/IamAlerts-Slack/iam-alerts-slack is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/IamAlertsResponder',
      ),
      { name: 'AccessDenied' },
    );
    const sts = fakeStsSessions(() => Promise.reject(denied));
    const { access: a } = access(ORG, sts);

    const error = await a.clientsFor(MEMBER, 'U0RESPONDER').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AccountAccessError);
    expect(error).toMatchObject({ kind: 'denied', code: 'AccessDenied', accountId: MEMBER });
    expect((error as Error).message).toBe(
      'AWS refused iam-alerts the role arn:aws:iam::222222222222:role/IamAlertsResponder (AccessDenied): either account 222222222222 is not in the organization, ' +
        'or the member stack, which creates that role, is not deployed there. Deploy the member stack to account 222222222222 (docs/DEPLOY.md), then try again.',
    );
    // Not kept: once the member stack is deployed, the next click tries again.
    await a.clientsFor(MEMBER, 'U0RESPONDER').catch(() => undefined);
    expect(sts.requests).toHaveLength(2);
  });

  it('tells other AssumeRole failures apart from a refusal', async () => {
    const sts = fakeStsSessions(() => Promise.reject(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })));
    const { access: a } = access(ORG, sts);

    await expect(a.clientsFor(MEMBER, 'U0RESPONDER')).rejects.toMatchObject({
      name: 'AccountAccessError',
      kind: 'failed',
      message: 'could not assume arn:aws:iam::222222222222:role/IamAlertsResponder in account 222222222222: TimeoutError: socket hang up',
    });
  });
});

describe('createAccountAccess with the SDK’s fromTemporaryCredentials', () => {
  const sts = mockClient(STSClient);
  afterAll(() => sts.restore());

  it('calls STS AssumeRole with the role, the session name and 15 minutes, once for all the account’s clients', async () => {
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAMEMBER', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 900_000) },
    });
    const config = loadConfig({ AWS_REGION: 'us-east-1', ...ORG });
    const a = createAccountAccess({
      settings: config.accounts,
      region: 'us-east-1',
      home,
      directory: createAccountDirectory({ aliases: {} }),
    });

    const clients = await a.clientsFor(MEMBER, 'U0RESPONDER');
    await (await clients.iam()).config.credentials();
    await (await clients.cloudtrail('eu-north-1')).config.credentials();

    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: 'arn:aws:iam::222222222222:role/IamAlertsResponder', RoleSessionName: 'iam-alerts-U0RESPONDER', DurationSeconds: 900 },
    ]);
    expect(await (await clients.iam()).config.credentials()).toMatchObject({ accessKeyId: 'ASIAMEMBER' });
  });
});
