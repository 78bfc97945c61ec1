import { ConfigError, loadConfig } from '../../app/config';

describe('onboarding settings', () => {
  it('are off by default, delivered by Slack', () => {
    expect(loadConfig({}).onboarding).toEqual({
      mode: 'off',
      emailDomains: [],
      delivery: 'slack',
      fromEmail: undefined,
      kmsKeyId: undefined,
    });
  });

  it('reads the mode, the domains (lower-cased), the delivery, the sender and the key', () => {
    const config = loadConfig({
      ONBOARDING: 'approve',
      ONBOARDING_EMAIL_DOMAINS: 'Example.com, example.org',
      ONBOARDING_DELIVERY: 'both',
      ONBOARDING_FROM_EMAIL: 'iam@example.com',
      ONBOARDING_KMS_KEY_ID: 'alias/iam-alerts-onboarding',
    });

    expect(config.onboarding).toEqual({
      mode: 'approve',
      emailDomains: ['example.com', 'example.org'],
      delivery: 'both',
      fromEmail: 'iam@example.com',
      kmsKeyId: 'alias/iam-alerts-onboarding',
    });
  });

  it.each([
    [{ ONBOARDING: 'yes' }, /ONBOARDING: /],
    [{ ONBOARDING_DELIVERY: 'sms' }, /ONBOARDING_DELIVERY: /],
    [{ ONBOARDING_EMAIL_DOMAINS: 'example.com,@example.org' }, /ONBOARDING_EMAIL_DOMAINS: expected domain names/],
    [{ ONBOARDING_FROM_EMAIL: 'not-an-address' }, /ONBOARDING_FROM_EMAIL: expected an email address/],
    [{ ONBOARDING: 'auto', ONBOARDING_DELIVERY: 'email' }, /ONBOARDING_FROM_EMAIL: is required when ONBOARDING_DELIVERY includes email/],
  ])('names the variable that is wrong: %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
