import { accountScope, partitionOfRegion, responderRoleArn, roleSessionName } from '../../app/accounts/account-scope';
import { loadConfig } from '../../app/config';

const HOME = '111111111111';
const MEMBER = '222222222222';
const OUTSIDER = '333333333333';

const settings = (env: Record<string, string>) => loadConfig(env).accounts;

describe('accountScope', () => {
  it('acts in the home account with the function’s own credentials, whatever the mode', () => {
    const modes: Array<Record<string, string>> = [
      { HOME_ACCOUNT_ID: HOME },
      { HOME_ACCOUNT_ID: HOME, ORGANIZATION_ID: 'o-abcdefghij' },
      { HOME_ACCOUNT_ID: HOME, MEMBER_ACCOUNT_IDS: MEMBER },
    ];
    for (const env of modes) {
      expect(accountScope(settings(env), HOME)).toEqual({ allowed: true, accountId: HOME, via: 'own-credentials' });
    }
  });

  it('treats the empty account of buttons made before account IDs were required as the home account', () => {
    expect(accountScope(settings({ HOME_ACCOUNT_ID: HOME, ORGANIZATION_ID: 'o-abcdefghij' }), '')).toMatchObject({
      via: 'own-credentials',
    });
  });

  it('refuses every other account in single-account mode, saying how to act in others', () => {
    const verdict = accountScope(settings({ HOME_ACCOUNT_ID: HOME }), MEMBER);

    expect(verdict).toMatchObject({ allowed: false, reason: 'single-account' });
    expect(verdict.allowed || verdict.message).toMatch(
      /watches one account \(111111111111\) and acts in no other: account 222222222222 is not it.*ORGANIZATION_ID or MEMBER_ACCOUNT_IDS.*member stack/,
    );
  });

  it('keeps the old behaviour when it does not know its own account: own credentials (the user’s ARN is still checked)', () => {
    expect(accountScope(settings({}), MEMBER)).toEqual({ allowed: true, accountId: MEMBER, via: 'own-credentials' });
  });

  it('goes through the responder role for an account of the allow-list, and refuses any other', () => {
    const s = settings({ HOME_ACCOUNT_ID: HOME, MEMBER_ACCOUNT_IDS: `${MEMBER},444444444444` });

    expect(accountScope(s, MEMBER)).toEqual({ allowed: true, accountId: MEMBER, via: 'responder-role' });
    const refused = accountScope(s, OUTSIDER);
    expect(refused).toMatchObject({ allowed: false, reason: 'not-allowed' });
    expect(refused.allowed || refused.message).toMatch(/account 333333333333 is not one iam-alerts may act in \(MEMBER_ACCOUNT_IDS/);
  });

  it('holds the allow-list even in an organization', () => {
    expect(
      accountScope(settings({ HOME_ACCOUNT_ID: HOME, ORGANIZATION_ID: 'o-abcdefghij', MEMBER_ACCOUNT_IDS: MEMBER }), OUTSIDER),
    ).toMatchObject({
      allowed: false,
    });
  });

  it('leaves any account to AWS in an organization without an allow-list (the role exists only where the member stack is)', () => {
    expect(accountScope(settings({ HOME_ACCOUNT_ID: HOME, ORGANIZATION_ID: 'o-abcdefghij' }), OUTSIDER)).toMatchObject({
      allowed: true,
      via: 'responder-role',
    });
  });
});

describe('responder role and session names', () => {
  it('names the member account’s IamAlertsResponder in the function’s partition', () => {
    expect(responderRoleArn(MEMBER)).toBe('arn:aws:iam::222222222222:role/IamAlertsResponder');
    expect(responderRoleArn(MEMBER, partitionOfRegion('us-gov-west-1'))).toBe('arn:aws-us-gov:iam::222222222222:role/IamAlertsResponder');
    expect(partitionOfRegion('cn-north-1')).toBe('aws-cn');
    expect(partitionOfRegion('eu-north-1')).toBe('aws');
    expect(partitionOfRegion(undefined)).toBe('aws');
  });

  it('names the Slack user in the role session, within STS’s 64 characters of [\\w+=,.@-]', () => {
    expect(roleSessionName('U0123ABCD')).toBe('iam-alerts-U0123ABCD');
    const long = roleSessionName(`W${'9'.repeat(60)}`);
    expect(long).toHaveLength(64);
    expect(roleSessionName('U0/BAD ID')).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});
