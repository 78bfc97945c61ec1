import { handler } from '../../handlers/slack';
import { makeUser, mutatingCommands, serveIamUsers } from '../containment/iam-user-model';
import { ALERT_CHANNEL, ALERT_TS, type Harness, lambdaContext, sampleAlert, startHarness } from './slack-harness';

/**
 * Jobs as Lambda delivers an asynchronous self-invocation: a signed `{ iamAlertsJob: ... }` envelope
 * (what an unsigned, forged or replayed one gets: signed-jobs.test.ts).
 */
describe('Slack handler: deferred jobs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ PROTECTED_IAM_USERS: 'break-glass-*' });
  });
  afterEach(() => h.close());

  const disableJob = (overrides: Record<string, unknown> = {}) => {
    const alert = sampleAlert();
    return h.signJob('disable-user', {
      target: { u: 'mallory', a: '123456789012', e: 'evt-1' },
      actorUserId: 'U0RESPONDER',
      responseUrl: h.responseUrl,
      alert: { channel: ALERT_CHANNEL, ts: ALERT_TS, text: alert.text, blocks: alert.blocks },
      ...overrides,
    });
  };

  it('runs a valid disable-user job', async () => {
    const user = makeUser();
    serveIamUsers(h.iam, [user]);

    expect(await handler(disableJob(), lambdaContext)).toEqual({ ok: true });
    expect(user.loginProfile).toBe(false);
  });

  it.each([
    ['an unknown kind', () => h.signJob('drop-tables', {})],
    ['a payload that fails the schema', () => h.signJob('disable-user', { target: { u: 'mallory' } })],
    ['a target name IAM would not allow', () => h.signJob('disable-user', { target: { u: '../x', a: '', e: '' } })],
    ['extra top-level keys', () => ({ ...h.signJob('disable-user', {}), other: 1 })],
  ])('refuses %s without any AWS or Slack call, and does not throw (no pointless Lambda retries)', async (_why, makeEvent) => {
    serveIamUsers(h.iam, [makeUser()]);

    const result = await handler(makeEvent(), lambdaContext);

    expect(result).toMatchObject({ ok: false });
    expect(h.iam.calls()).toEqual([]);
    expect(h.slack.calls).toEqual([]);
  });

  it('rethrows an unexpected failure after telling the user, so Lambda retries it and then dead-letters it', async () => {
    const user = makeUser();
    serveIamUsers(h.iam, [user]);
    h.slack.script('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    const job = disableJob();

    await expect(handler(job, lambdaContext)).rejects.toThrow(/channel_not_found/);
    expect(h.ephemeralReplies()).toEqual([expect.stringMatching(/^IAM user mallory disabled\. The report could not be posted/)]);

    // Lambda's retry (the same event, the same request ID) finds the work done and reports it.
    expect(await handler(job, lambdaContext)).toEqual({ ok: true });
    expect(JSON.stringify(h.slack.callsTo('chat.postMessage').at(-1)!.body)).toContain('Delete console password (already so)');
  });

  it('re-checks protected names in the job even if the listener was bypassed', async () => {
    serveIamUsers(h.iam, [makeUser({ userName: 'break-glass-ops' })]);

    const result = await handler(disableJob({ target: { u: 'break-glass-ops', a: '123456789012', e: 'evt-1' } }), lambdaContext);

    expect(result).toEqual({ ok: true });
    expect(h.iam.calls()).toEqual([]);
    expect(h.ephemeralReplies()).toEqual([expect.stringContaining('break-glass-ops is protected')]);
  });

  it('re-checks root in the job', async () => {
    await handler(disableJob({ target: { u: 'root', a: '123456789012', e: 'evt-1' } }), lambdaContext);

    expect(h.iam.calls()).toEqual([]);
    expect(h.ephemeralReplies()).toEqual([expect.stringContaining('root user is never disabled')]);
  });

  it('re-checks the responder in the job', async () => {
    serveIamUsers(h.iam, [makeUser()]);

    await handler(disableJob({ actorUserId: 'U0INTRUDER' }), lambdaContext);

    expect(h.iam.calls()).toEqual([]);
    expect(h.ephemeralReplies()).toEqual([expect.stringMatching(/^Only responders may do this/)]);
  });

  it('refuses a user of another account than the alert, and says so', async () => {
    serveIamUsers(h.iam, [makeUser({ accountId: '999999999999' })]);

    await handler(disableJob(), lambdaContext);

    expect(mutatingCommands(h.iam)).toEqual([]);
    expect(h.ephemeralReplies()[0]).toMatch(/is in account 999999999999, but the alert is about account 123456789012/);
  });
});
