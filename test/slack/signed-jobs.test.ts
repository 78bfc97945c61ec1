import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { JOB_CLOCK_SKEW_SECONDS, JOB_MAX_AGE_SECONDS, type SignedJobEvent } from '../../app/jobs/envelope';
import { ACTION_IDS } from '../../blocks/ids';
import { handler } from '../../handlers/slack';
import { makeUser, mutatingCommands, serveIamUsers } from '../containment/iam-user-model';
import { ALERT_CHANNEL, ALERT_TS, type Harness, lambdaContext, sampleAlert, startHarness } from './slack-harness';

/**
 * Who may make the Slack function run a job: only its own listener, holding the job signing key.
 * Anyone allowed `lambda:InvokeFunction` can send the function an event; each forged, unsigned,
 * stale, tampered or replayed one is refused without a single IAM or Slack call, and without
 * throwing (Lambda would only retry it).
 */
describe('Slack handler: signed jobs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const asRequest = (awsRequestId: string) => ({ ...lambdaContext, awsRequestId }) as Context;
  const disablePayload = (overrides: Record<string, unknown> = {}) => {
    const alert = sampleAlert();
    return {
      target: { u: 'mallory', a: '123456789012', e: 'evt-1' },
      actorUserId: 'U0RESPONDER',
      responseUrl: h.responseUrl,
      alert: { channel: ALERT_CHANNEL, ts: ALERT_TS, text: alert.text, blocks: alert.blocks },
      ...overrides,
    };
  };
  const changed = (event: SignedJobEvent, change: Partial<SignedJobEvent['iamAlertsJob']>) => ({
    iamAlertsJob: { ...event.iamAlertsJob, ...change },
  });

  it('runs the job its own listener deferred: a responder’s click disables the user, end to end', async () => {
    const user = makeUser();
    serveIamUsers(h.iam, [user]);

    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER' });
    expect(h.iam.calls()).toEqual([]);
    const [event] = h.deferredEvents();
    const results = await h.runDeferredJobs();

    expect(event!.iamAlertsJob).toMatchObject({ v: 1, kind: 'disable-user', mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(typeof event!.iamAlertsJob.payload).toBe('string');
    expect(results).toEqual([{ ok: true }]);
    expect(user.loginProfile).toBe(false);
    expect(h.table.items.get(`job-nonce#${event!.iamAlertsJob.nonce}`)).toMatchObject({
      data: { requestId: 'job-1', kind: 'disable-user' },
    });
  });

  it.each<[string, (h: Harness, payload: Record<string, unknown>) => unknown, string]>([
    [
      'an unsigned job (the old envelope: kind and payload only)',
      (_h, payload) => ({ iamAlertsJob: { kind: 'disable-user', payload } }),
      'refused: unsigned',
    ],
    [
      'a job signed with another key',
      (h, payload) => h.signJob('disable-user', payload, { key: 'an-attacker-chosen-key-0123456789abcdef' }),
      'refused: bad-mac',
    ],
    [
      'a well-formed envelope with a made-up MAC',
      (h, payload) => changed(h.signJob('disable-user', payload), { mac: 'ab'.repeat(32) }),
      'refused: bad-mac',
    ],
    [
      'a job whose payload was changed after signing',
      (h, payload) => {
        const genuine = h.signJob('disable-user', payload);
        const tampered = JSON.parse(genuine.iamAlertsJob.payload);
        tampered.target.u = 'alice';
        return changed(genuine, { payload: JSON.stringify(tampered) });
      },
      'refused: bad-mac',
    ],
    [
      'a job whose kind was changed after signing',
      (h, payload) => changed(h.signJob('reenable-user', payload), { kind: 'disable-user' }),
      'refused: bad-mac',
    ],
    [
      'a job whose issue time was changed after signing',
      (h, payload) => changed(h.signJob('disable-user', payload, { nowMs: Date.now() - 3_600_000 }), { issuedAt: Date.now() }),
      'refused: bad-mac',
    ],
    [
      `a job issued more than ${JOB_MAX_AGE_SECONDS / 60} minutes ago`,
      (h, payload) => h.signJob('disable-user', payload, { nowMs: Date.now() - (JOB_MAX_AGE_SECONDS + JOB_CLOCK_SKEW_SECONDS + 5) * 1000 }),
      'refused: expired',
    ],
    [
      'a job issued in the future',
      (h, payload) => h.signJob('disable-user', payload, { nowMs: Date.now() + (JOB_CLOCK_SKEW_SECONDS + 60) * 1000 }),
      'refused: issued-in-the-future',
    ],
    [
      'a signed job whose response URL is not Slack’s',
      (h, payload) => h.signJob('disable-user', { ...payload, responseUrl: 'https://attacker.example/collect' }),
      'refused: responseUrl',
    ],
  ])('refuses %s: no IAM call, no Slack call, no throw', async (_why, makeEvent, error) => {
    const user = makeUser();
    serveIamUsers(h.iam, [user]);

    const result = await handler(makeEvent(h, disablePayload()), lambdaContext);

    expect(result).toEqual({ ok: false, error });
    expect(h.iam.calls()).toHaveLength(0);
    expect(h.slack.calls).toEqual([]);
    expect(user.loginProfile).toBe(true);
  });

  it('accepts a job issued within the age limit and the clock skew', async () => {
    serveIamUsers(h.iam, [makeUser()]);

    const old = h.signJob('disable-user', disablePayload(), { nowMs: Date.now() - (JOB_MAX_AGE_SECONDS - 5) * 1000 });
    const slightlyAhead = h.signJob('disable-user', disablePayload(), { nowMs: Date.now() + (JOB_CLOCK_SKEW_SECONDS - 5) * 1000 });

    expect(await handler(old, asRequest('req-old'))).toEqual({ ok: true });
    expect(await handler(slightlyAhead, asRequest('req-ahead'))).toEqual({ ok: true });
  });

  it('refuses a genuine job replayed by another invocation, but lets Lambda’s own retry (same request ID) through', async () => {
    const user = makeUser();
    serveIamUsers(h.iam, [user]);
    const job = h.signJob('disable-user', disablePayload());

    // Prepare: the genuine run; the nonce is claimed for its request ID.
    expect(await handler(job, asRequest('req-genuine'))).toEqual({ ok: true });
    expect(h.table.items.get(`job-nonce#${job.iamAlertsJob.nonce}`)).toMatchObject({
      data: { requestId: 'req-genuine', kind: 'disable-user' },
    });

    // Act 1: someone who captured the envelope invokes the function with it again.
    user.loginProfile = true;
    const callsBefore = h.iam.calls().length;
    const replay = await handler(job, asRequest('req-attacker'));

    // Assess 1: refused, nothing done.
    expect(replay).toEqual({ ok: false, error: 'refused: replayed' });
    expect(h.iam.calls()).toHaveLength(callsBefore);
    expect(user.loginProfile).toBe(true);

    // Act 2 / Assess 2: Lambda retrying the same invocation is not a replay (the jobs are idempotent).
    expect(await handler(job, asRequest('req-genuine'))).toEqual({ ok: true });
    expect(mutatingCommands(h.iam).length).toBeGreaterThan(0);
    expect(user.loginProfile).toBe(false);
  });

  it('lets Lambda retry a job that failed, with the same request ID, and the retry finishes the work', async () => {
    const user = makeUser();
    serveIamUsers(h.iam, [user]);
    h.slack.script('chat.postMessage', { kind: 'error', error: 'ratelimited' });
    const job = h.signJob('disable-user', disablePayload());

    await expect(handler(job, asRequest('req-flaky'))).rejects.toThrow();
    expect(await handler(job, asRequest('req-flaky'))).toEqual({ ok: true });
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('fails (for Lambda to retry) when the nonce cannot be claimed, running nothing', async () => {
    serveIamUsers(h.iam, [makeUser()]);
    // The table throttles every write, as DynamoDB does under load.
    h.table.restore();
    const dynamo = mockClient(DynamoDBDocumentClient);
    dynamo.onAnyCommand().rejects(Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }));
    try {
      await expect(handler(h.signJob('disable-user', disablePayload()), lambdaContext)).rejects.toThrow(/could not write job-nonce#/);
      expect(h.iam.calls()).toHaveLength(0);
    } finally {
      dynamo.restore();
    }
  });

  it('drops a click whose response_url is not Slack’s before any listener runs', async () => {
    serveIamUsers(h.iam, [makeUser()]);

    const result = await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER', responseUrl: 'https://attacker.example/r' });

    expect(result).toMatchObject({ statusCode: 200 });
    expect(h.lambda.calls()).toEqual([]);
    expect(h.slack.calls).toEqual([]);
  });

  it.each([
    ['JOB_SIGNING_KEY_ARN', { JOB_SIGNING_KEY_ARN: undefined }],
    ['STATE_TABLE_NAME', { STATE_TABLE_NAME: undefined }],
  ])('refuses to start without %s: no job runs and no request is answered', async (variable, env) => {
    await h.close();
    h = await startHarness(env);
    serveIamUsers(h.iam, [makeUser()]);

    await expect(handler(h.signJob('disable-user', disablePayload()), lambdaContext)).rejects.toThrow(
      new RegExp(`^${variable} is not set`),
    );
    await expect(h.click({ actionId: ACTION_IDS.acknowledge, userId: 'U0ANYONE' })).rejects.toThrow(new RegExp(`^${variable} is not set`));
    expect(h.iam.calls()).toHaveLength(0);
    expect(h.slack.calls).toEqual([]);
  });

  it('refuses to start when the job signing key cannot be read', async () => {
    h.secrets.on(GetSecretValueCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    await expect(handler(h.signJob('disable-user', disablePayload()), lambdaContext)).rejects.toThrow(
      /cannot read the job signing key .* \(JOB_SIGNING_KEY_ARN\)/,
    );
    expect(h.iam.calls()).toHaveLength(0);
  });
});
