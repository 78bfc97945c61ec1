import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { mockClient } from 'aws-sdk-client-mock';
import { TAGS } from '../../app/containment/tags';
import { ACTION_IDS } from '../../blocks/ids';
import { handler } from '../../handlers/slack';
import { makeUser, mutatingCommands, serveIamUsers } from '../containment/iam-user-model';
import { fakeEventHistory } from '../history/support/event-history';
import { type Harness, sampleAlert, startHarness } from '../slack/slack-harness';

/**
 * Disable User and Re-enable in the account the alert names, through the real Slack handler: the
 * function's own credentials in its home account, the member account's IamAlertsResponder role
 * (STS mocked at the SDK layer, under the SDK's own fromTemporaryCredentials) elsewhere, and
 * refusals, said plainly, for accounts the settings or AWS keep it out of. Every IAM and CloudTrail
 * call is checked for the credentials it was signed with, not just for having been made.
 */

const HOME = '123456789012';
const MEMBER = '222222222222';
const OUTSIDER = '333333333333';
const MEMBER_KEY = 'ASIAMEMBER0000000001';
const ORG_ENV = { HOME_ACCOUNT_ID: HOME, MEMBER_ACCOUNT_IDS: MEMBER, HISTORY_REGIONS: 'us-east-1,eu-north-1' };

// Mocked here, so the harness leaves CloudTrail to this file.
const cloudtrail = mockClient(CloudTrailClient);
const sts = mockClient(STSClient);

/** The alert about mallory in `account`, with its Disable User button. */
const alertIn = (account: string) =>
  sampleAlert({ accountId: account, disable: [{ role: 'target', value: { u: 'mallory', a: account, e: 'evt-member-1' } }] });

/** The access key ID each recorded call of a mocked client was signed with. */
async function signedWith(stub: { calls: () => Array<{ thisValue: any }> }): Promise<string[]> {
  return Promise.all(stub.calls().map(async (call) => (await call.thisValue.config.credentials()).accessKeyId as string));
}

let h: Harness;
afterEach(async () => {
  await h.close();
  cloudtrail.reset();
  sts.reset();
});

function serveMember(): void {
  sts.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: MEMBER_KEY,
      SecretAccessKey: 'member-secret',
      SessionToken: 'member-token',
      Expiration: new Date(Date.now() + 900_000),
    },
  });
  // mallory assumed a role in the member account an hour ago: recorded in that account's CloudTrail.
  const history = fakeEventHistory([
    {
      id: 'assume-1',
      time: new Date(Date.now() - 3_600_000).toISOString(),
      name: 'AssumeRole',
      source: 'sts.amazonaws.com',
      username: 'mallory',
      record: {
        eventName: 'AssumeRole',
        eventSource: 'sts.amazonaws.com',
        userIdentity: { type: 'IAMUser', userName: 'mallory', accountId: MEMBER },
        requestParameters: { roleArn: `arn:aws:iam::${MEMBER}:role/deploy`, roleSessionName: 'm' },
        recipientAccountId: MEMBER,
      },
    },
  ]);
  cloudtrail.on(LookupEventsCommand).callsFake(history.lookup);
}

describe('Disable User in a member account', () => {
  it('acts through the member account’s IamAlertsResponder, in a session named for the clicker, and reads that account’s CloudTrail', async () => {
    h = await startHarness(ORG_ENV);
    serveMember();
    const user = makeUser({ accountId: MEMBER });
    serveIamUsers(h.iam, [user]);

    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER', message: alertIn(MEMBER) });
    const [outcome] = await h.runDeferredJobs();

    expect(outcome).toEqual({ ok: true });
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: `arn:aws:iam::${MEMBER}:role/IamAlertsResponder`, RoleSessionName: 'iam-alerts-U0RESPONDER', DurationSeconds: 900 },
    ]);
    expect(user.loginProfile).toBe(false);
    expect(user.attachedPolicies).toEqual(['arn:aws:iam::aws:policy/AWSDenyAll']);
    expect(user.tags.get(TAGS.disabledBy)).toBe('slack:U0RESPONDER');
    const iamKeys = await signedWith(h.iam);
    expect(iamKeys.length).toBeGreaterThan(5);
    expect(new Set(iamKeys)).toEqual(new Set([MEMBER_KEY]));
    // The roles mallory assumed, from the member account's CloudTrail, in every HISTORY_REGIONS region.
    expect(new Set(await signedWith(cloudtrail))).toEqual(new Set([MEMBER_KEY]));
    expect(new Set(await Promise.all(cloudtrail.calls().map((c) => (c.thisValue as CloudTrailClient).config.region())))).toEqual(
      new Set(['us-east-1', 'eu-north-1']),
    );
    const report = JSON.stringify(h.slack.callsTo('chat.postMessage')[0]!.body);
    expect(report).toContain(`(account \`${MEMBER}\`)`);
    expect(report).toContain(`arn:aws:iam::${MEMBER}:role/deploy`);
  });

  it('re-enables in the member account through the same role', async () => {
    h = await startHarness(ORG_ENV);
    serveMember();
    const user = makeUser({ accountId: MEMBER });
    serveIamUsers(h.iam, [user]);
    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER', message: alertIn(MEMBER) });
    await h.runDeferredJobs();
    const posted = h.slack.callsTo('chat.postMessage')[0]!.body as unknown as { text: string; blocks: Array<Record<string, unknown>> };
    h.iam.resetHistory();

    await h.click({
      actionId: ACTION_IDS.reenableUser,
      userId: 'U0RESPONDER',
      message: { text: posted.text, blocks: posted.blocks, ts: '1714557700.000200', thread_ts: '1714557600.000100' },
    });
    const [outcome] = await h.runDeferredJobs();

    expect(outcome).toEqual({ ok: true });
    expect(user.attachedPolicies).toEqual([]);
    expect(mutatingCommands(h.iam)).toContain('DetachUserPolicy');
    expect(new Set(await signedWith(h.iam))).toEqual(new Set([MEMBER_KEY]));
  });

  it('keeps using the function’s own credentials in its home account, assuming no role', async () => {
    h = await startHarness(ORG_ENV);
    serveMember();
    const user = makeUser();
    serveIamUsers(h.iam, [user]);

    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER', message: alertIn(HOME) });
    await h.runDeferredJobs();

    expect(user.loginProfile).toBe(false);
    expect(sts.calls()).toEqual([]);
    expect(new Set(await signedWith(h.iam))).toEqual(new Set(['AKIATESTTESTTESTTEST']));
  });
});

describe('Disable User refused for an account it may not act in', () => {
  it('refuses at the click an account outside MEMBER_ACCOUNT_IDS: a clear message, no job, no AWS call', async () => {
    h = await startHarness(ORG_ENV);

    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER', message: alertIn(OUTSIDER) });

    expect(h.lambda.calls()).toEqual([]);
    expect(sts.calls()).toEqual([]);
    expect(h.iam.calls()).toEqual([]);
    expect(h.ephemeralReplies()).toEqual([
      'Not disabled: account 333333333333 is not one iam-alerts may act in (MEMBER_ACCOUNT_IDS lists the others it may). Add it there, or act in that account by hand.',
    ]);
  });

  it('refuses at the click any other account in single-account mode', async () => {
    h = await startHarness({ HOME_ACCOUNT_ID: HOME });

    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER', message: alertIn(MEMBER) });

    expect(h.lambda.calls()).toEqual([]);
    expect(h.ephemeralReplies()).toEqual([expect.stringMatching(/^Not disabled: iam-alerts watches one account \(123456789012\)/)]);
  });

  it('refuses Re-enable at the click for such an account too', async () => {
    h = await startHarness(ORG_ENV);
    const value = JSON.stringify({ u: 'mallory', a: OUTSIDER, e: 'evt' });

    await h.click({ actionId: ACTION_IDS.reenableUser, userId: 'U0RESPONDER', value, message: alertIn(OUTSIDER) });

    expect(h.lambda.calls()).toEqual([]);
    expect(h.ephemeralReplies()).toEqual([expect.stringMatching(/^Not re-enabled: account 333333333333 is not one iam-alerts may act in/)]);
  });

  it('refuses in the job as well, for a job deferred before the settings changed', async () => {
    h = await startHarness(ORG_ENV);
    const alert = alertIn(OUTSIDER);
    const job = h.signJob('disable-user', {
      target: { u: 'mallory', a: OUTSIDER, e: 'evt-member-1' },
      actorUserId: 'U0RESPONDER',
      responseUrl: h.responseUrl,
      alert: { channel: 'C0ALERTS', ts: '1714557600.000100', text: alert.text, blocks: alert.blocks },
    });

    const result = await handler(job, {
      functionName: 'iam-alerts-slack',
      awsRequestId: 'req-outsider',
      getRemainingTimeInMillis: () => 30_000,
    } as any);

    expect(result).toEqual({ ok: true });
    expect(sts.calls()).toEqual([]);
    expect(h.iam.calls()).toEqual([]);
    expect(h.ephemeralReplies()).toEqual([
      'IAM user mallory was not disabled: account 333333333333 is not one iam-alerts may act in (MEMBER_ACCOUNT_IDS lists the others it may). Add it there, or act in that account by hand.',
    ]);
  });

  it('says plainly when AWS refuses the responder role, changes nothing and does not retry', async () => {
    h = await startHarness(ORG_ENV);
    sts
      .on(AssumeRoleCommand)
      .rejects(
        Object.assign(
          new Error(
            `User: arn:aws:sts::${HOME}:assumed-role/IamAlerts-Slack/iam-alerts-slack is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${MEMBER}:role/IamAlertsResponder`,
          ),
          { name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } },
        ),
      );
    serveIamUsers(h.iam, [makeUser({ accountId: MEMBER })]);

    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER', message: alertIn(MEMBER) });
    const [outcome] = await h.runDeferredJobs();

    expect(outcome).toEqual({ ok: true });
    expect(h.iam.calls()).toEqual([]);
    expect(h.ephemeralReplies().at(-1)).toBe(
      `IAM user mallory was not disabled: AWS refused iam-alerts the role arn:aws:iam::${MEMBER}:role/IamAlertsResponder (AccessDenied): ` +
        `either account ${MEMBER} is not in the organization, or the member stack, which creates that role, is not deployed there. ` +
        `Deploy the member stack to account ${MEMBER} (docs/DEPLOY.md), then try again.`,
    );
    expect(h.slack.callsTo('chat.update')).toEqual([]);
  });
});
