import { readSettings, SettingsError } from '../../infra/settings';

const fromContext = (context: Record<string, unknown>, env: Record<string, string> = {}) => readSettings((key) => context[key], env);

describe('readSettings', () => {
  it('has safe defaults: a trail, us-east-1 only, 90-day logs', () => {
    expect(fromContext({})).toMatchObject({
      stackName: 'IamAlerts',
      createTrail: true,
      allowAnyRegion: false,
      logRetentionDays: 90,
      trailLogExpirationDays: 365,
      historyRegions: ['us-east-1'],
      protectedIamUsers: [],
      legacyDenyPolicyRemoval: true,
    });
    expect(fromContext({}, { LEGACY_DENY_POLICY_REMOVAL: 'false' }).legacyDenyPolicyRemoval).toBe(false);
  });

  it('reads -c strings and cdk.json values alike, context before environment', () => {
    const settings = fromContext(
      { slackChannelId: 'C0ALERTS', createTrail: 'false', protectedIamUsers: ['break-glass'], logRetentionDays: '365' },
      { SLACK_CHANNEL_ID: 'C0IGNORED', RESPONDER_USER_IDS: 'U1, U2', ALERT_EMAIL: 'sec@example.com' },
    );
    expect(settings).toMatchObject({
      slackChannelId: 'C0ALERTS',
      createTrail: false,
      protectedIamUsers: ['break-glass'],
      logRetentionDays: 365,
      responderUserIds: ['U1', 'U2'],
      alertEmail: 'sec@example.com',
    });
  });

  it('reads protectedIamUsers as a comma list, a JSON array string, or a cdk.json array', () => {
    expect(fromContext({}, { PROTECTED_IAM_USERS: 'break-glass-*, admin' }).protectedIamUsers).toEqual(['break-glass-*', 'admin']);
    expect(fromContext({ protectedIamUsers: '["ops,admin","Break-Glass"]' }).protectedIamUsers).toEqual(['ops,admin', 'Break-Glass']);
    expect(fromContext({ protectedIamUsers: ['ops,admin'] }).protectedIamUsers).toEqual(['ops,admin']);
    expect(() => fromContext({ protectedIamUsers: '["ops,admin"' })).toThrow(
      /protectedIamUsers \(-c protectedIamUsers=… or PROTECTED_IAM_USERS\): expected a JSON array/,
    );
    expect(() => fromContext({ protectedIamUsers: ['has space'] })).toThrow(/"has space" is not an IAM user name/);
  });

  it('names each bad setting with where to set it', () => {
    expect(() => fromContext({ slackChannelId: '#alerts', logRetentionDays: '42', alertEmail: 'nope' })).toThrow(SettingsError);
    expect(() => fromContext({ slackChannelId: '#alerts' })).toThrow(/slackChannelId \(-c slackChannelId=… or SLACK_CHANNEL_ID\)/);
    expect(() => fromContext({ logRetentionDays: '42' })).toThrow(/logRetentionDays .*expected one of 1, 3, 5/);
  });

  it('reads the forwarder regions, the Identity Center region, the organization and the member accounts', () => {
    expect(fromContext({})).toMatchObject({ forwarderRegions: [], memberAccountIds: [] });
    expect(
      fromContext(
        { forwarderRegions: 'eu-west-1, ap-east-1', organizationId: 'o-a1b2c3d4e5' },
        { IDENTITY_CENTER_REGION: 'eu-central-1', MEMBER_ACCOUNT_IDS: '111111111111,222222222222' },
      ),
    ).toMatchObject({
      forwarderRegions: ['eu-west-1', 'ap-east-1'],
      identityCenterRegion: 'eu-central-1',
      organizationId: 'o-a1b2c3d4e5',
      memberAccountIds: ['111111111111', '222222222222'],
    });
    expect(fromContext({ forwarderRegions: 'none' }).forwarderRegions).toEqual(['none']);
    expect(() => fromContext({ forwarderRegions: 'none,eu-west-1' })).toThrow(/forwarderRegions .*none cannot be listed with regions/);
    expect(() => fromContext({ forwarderRegions: 'Frankfurt' })).toThrow(/forwarderRegions \(-c forwarderRegions=… or FORWARDER_REGIONS\)/);
    expect(() => fromContext({ organizationId: '123456789012' })).toThrow(/organizationId .*expected an organization ID/);
    expect(() => fromContext({ memberAccountIds: '1234' })).toThrow(/memberAccountIds .*12-digit/);
  });
});
