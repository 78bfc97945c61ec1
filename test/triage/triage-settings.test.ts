import { loadConfig } from '../../app/config';

/** The triage loop's settings as the functions read them (`app/config.ts`). */
describe('triage settings', () => {
  it('asks about critical and high alerts, gives 30 minutes to answer, escalates after 15 and 60, and sends no digest by default', () => {
    expect(loadConfig({}).triage).toEqual({
      confirmSeverities: ['critical', 'high'],
      confirmTimeoutMinutes: 30,
      ownerMap: {},
      escalateAfterMinutes: { critical: 15, high: 60 },
    });
  });

  it('reads every setting', () => {
    const { triage } = loadConfig({
      CONFIRM_SEVERITIES: 'critical',
      CONFIRM_TIMEOUT_MINUTES: '10',
      CONFIRM_USER_MAP: 'alice=U0ALICE, 123456789012:ci-deploy=ops@example.com',
      ESCALATE_AFTER_MINUTES: 'critical=5,high=30,medium=240',
      DIGEST_AT: '9:30',
      DIGEST_TIME_ZONE: 'Europe/Berlin',
    });

    expect(triage).toEqual({
      confirmSeverities: ['critical'],
      confirmTimeoutMinutes: 10,
      ownerMap: { alice: 'U0ALICE', '123456789012:ci-deploy': 'ops@example.com' },
      escalateAfterMinutes: { critical: 5, high: 30, medium: 240 },
      digest: { hour: 9, minute: 30, timeZone: 'Europe/Berlin' },
    });
  });

  it('turns asking and escalating off with none, and takes a JSON map for names with commas', () => {
    const { triage } = loadConfig({
      CONFIRM_SEVERITIES: 'none',
      ESCALATE_AFTER_MINUTES: 'none',
      CONFIRM_USER_MAP: '{"ops,admin": "U0OPS"}',
    });

    expect(triage).toMatchObject({ confirmSeverities: [], escalateAfterMinutes: {}, ownerMap: { 'ops,admin': 'U0OPS' } });
    expect(triage.digest).toBeUndefined();
  });

  it.each([
    ['CONFIRM_SEVERITIES', 'urgent', /CONFIRM_SEVERITIES: expected severities/],
    ['CONFIRM_TIMEOUT_MINUTES', '0', /CONFIRM_TIMEOUT_MINUTES: expected a positive whole number/],
    ['CONFIRM_USER_MAP', 'alice', /CONFIRM_USER_MAP: expected name=SLACK_USER_ID/],
    ['CONFIRM_USER_MAP', 'alice=<!channel>', /CONFIRM_USER_MAP: the Slack user for "alice" must be a user ID/],
    ['CONFIRM_USER_MAP', '<@U1>=U0ALICE', /CONFIRM_USER_MAP: "<@U1>" is not an IAM or Identity Center user name/],
    ['ESCALATE_AFTER_MINUTES', 'critical=soon', /ESCALATE_AFTER_MINUTES: expected severity=minutes pairs/],
    ['ESCALATE_AFTER_MINUTES', 'urgent=5', /ESCALATE_AFTER_MINUTES: expected severity=minutes pairs/],
    ['DIGEST_AT', '25:00', /DIGEST_AT: expected a time such as 09:00/],
    ['DIGEST_TIME_ZONE', 'Mars/Olympus_Mons', /DIGEST_TIME_ZONE: expected an IANA time zone/],
  ])('refuses %s=%s, naming it', (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(message);
  });
});
