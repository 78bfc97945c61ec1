import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_KEYS, ConfigError, loadConfig, requireSetting } from '../app/config';

describe('loadConfig', () => {
  it('parses lists, maps and defaults into a frozen config', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_CHANNEL_ID: 'C1',
      SLACK_CHANNEL_BY_SEVERITY: 'critical=C9, high=C8',
      ACCOUNT_ALIASES: '123456789012=prod',
      RESPONDER_USER_IDS: 'U1, U2,,',
      PROTECTED_IAM_USERS: 'break-glass-*,admin',
    });
    expect(config.slack.channelBySeverity).toEqual({ critical: 'C9', high: 'C8' });
    expect(config.accountAliases).toEqual({ '123456789012': 'prod' });
    expect(config.responders.userIds).toEqual(['U1', 'U2']);
    expect(config.protectedIamUsers).toEqual(['break-glass-*', 'admin']);
    expect(config.historyRegions).toEqual(['us-east-1']);
    expect(config.burstWindowSeconds).toBe(300);
    expect(Object.isFrozen(config.slack)).toBe(true);
  });

  it('reads PROTECTED_IAM_USERS as a JSON array too, for IAM names that contain commas', () => {
    expect(loadConfig({ PROTECTED_IAM_USERS: '["ops,admin", "break-glass-*"]' }).protectedIamUsers).toEqual(['ops,admin', 'break-glass-*']);
    expect(() => loadConfig({ PROTECTED_IAM_USERS: '["ops,admin", break-glass]' })).toThrow(/PROTECTED_IAM_USERS: expected a JSON array/);
    expect(() => loadConfig({ PROTECTED_IAM_USERS: 'alice bob' })).toThrow(/PROTECTED_IAM_USERS: "alice bob" is not an IAM user name/);
  });

  it('names every malformed variable', () => {
    expect(() =>
      loadConfig({ SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_CHANNEL_BY_SEVERITY: 'urgent=C1', BURST_WINDOW_SECONDS: '-3' }),
    ).toThrow(/SLACK_BOT_TOKEN: expected a bot token[\s\S]*SLACK_CHANNEL_BY_SEVERITY[\s\S]*BURST_WINDOW_SECONDS/);
  });

  it('reads the accounts of an organization and the channel of each account', () => {
    const config = loadConfig({
      HOME_ACCOUNT_ID: '111111111111',
      ORGANIZATION_ID: 'o-a1b2c3d4e5',
      MEMBER_ACCOUNT_IDS: '222222222222, 333333333333',
      SLACK_CHANNEL_BY_ACCOUNT: '222222222222=C0PROD, 333333333333=C0SANDBOX',
    });

    expect(config.accounts).toEqual({
      homeAccountId: '111111111111',
      organizationId: 'o-a1b2c3d4e5',
      memberAccountIds: ['222222222222', '333333333333'],
    });
    expect(config.slack.channelByAccount).toEqual({ '222222222222': 'C0PROD', '333333333333': 'C0SANDBOX' });
    expect(loadConfig({}).accounts).toEqual({ homeAccountId: undefined, organizationId: undefined, memberAccountIds: [] });
  });

  it('refuses malformed account settings, and other accounts without knowing its own', () => {
    expect(() =>
      loadConfig({
        HOME_ACCOUNT_ID: '1234',
        ORGANIZATION_ID: 'org-1',
        MEMBER_ACCOUNT_IDS: '222222222222,prod',
        SLACK_CHANNEL_BY_ACCOUNT: 'prod=C0PROD',
      }),
    ).toThrow(
      /SLACK_CHANNEL_BY_ACCOUNT: keys must be 12-digit account IDs\n\s*HOME_ACCOUNT_ID: expected a 12-digit account ID\n\s*ORGANIZATION_ID: expected an organization ID\b.*\n\s*MEMBER_ACCOUNT_IDS: expected 12-digit/,
    );
    expect(() => loadConfig({ MEMBER_ACCOUNT_IDS: '222222222222' })).toThrow(
      /HOME_ACCOUNT_ID: is required with ORGANIZATION_ID or MEMBER_ACCOUNT_IDS/,
    );
    expect(() => loadConfig({ ORGANIZATION_ID: 'o-a1b2c3d4e5' })).toThrow(/HOME_ACCOUNT_ID: is required/);
  });

  it('requireSetting names the variable to set', () => {
    expect(() => requireSetting(undefined, 'SLACK_CHANNEL_ID', 'alerts need a channel')).toThrow(ConfigError);
    expect(() => requireSetting('', 'SLACK_CHANNEL_ID', 'alerts need a channel')).toThrow(
      'SLACK_CHANNEL_ID is not set: alerts need a channel',
    );
  });
});

describe('.env.example', () => {
  it('documents exactly the variables the config reads', () => {
    const text = readFileSync(join(__dirname, '..', '.env.example'), 'utf8');
    const documented = [...text.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]).filter((k) => k !== 'POWERTOOLS_LOG_LEVEL');
    expect([...new Set(documented)].sort()).toEqual([...CONFIG_KEYS].sort());
  });
});
