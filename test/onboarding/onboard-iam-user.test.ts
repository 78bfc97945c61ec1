import { CreateLoginProfileCommand, IAMClient, PasswordPolicyViolationException } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { MessageRejected, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { OnboardingSettings } from '../../app/config';
import { createLogger } from '../../app/logger';
import { type OnboardingDeps, onboardIamUser } from '../../app/onboarding/onboard-iam-user';
import { passwordProblems } from '../../app/onboarding/password';
import { OWNER_TAGS } from '../../app/onboarding/qualify';
import { openPassword } from '../../app/onboarding/sealed-password';
import { createSlackClient } from '../../app/slack/web-client';
import { MemoryStore } from '../../app/state/memory-store';
import { ONBOARDING_ACTION_IDS } from '../../blocks/render-onboarding';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { mockOnboardingAws, type OnboardingAws } from './support/onboarding-aws';

const ACCOUNT = '123456789012';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const jane = { eventId: 'evt-jane', accountId: ACCOUNT, userName: 'jane@example.com', createdBy: 'IAM user alice' };

let aws: OnboardingAws;
let slack: FakeSlack;
let store: MemoryStore;

beforeEach(async () => {
  aws = mockOnboardingAws();
  slack = await startFakeSlack();
  store = new MemoryStore();
});
afterEach(async () => {
  aws.restore();
  await slack.close();
});

function deps(settings: Partial<OnboardingSettings> = {}, overrides: Partial<OnboardingDeps> = {}): OnboardingDeps {
  return {
    settings: { mode: 'auto', emailDomains: ['example.com'], delivery: 'slack', kmsKeyId: KEY, fromEmail: 'iam@example.com', ...settings },
    iam: async () => new IAMClient({}),
    kms: async () => new KMSClient({}),
    ses: async () => new SESv2Client({}),
    slack: createSlackClient('xoxb-test', { apiUrl: slack.apiUrl }),
    store,
    logger: createLogger('onboarding-test'),
    clock: () => new Date(),
    protectedIamUsers: ['break-glass-*'],
    homeAccountId: ACCOUNT,
    ...overrides,
  };
}

/** The held password's ID, from the Reveal button of the DM the fake Slack received. */
function revealId(): string {
  const dm = slack.callsTo('chat.postMessage').find((c) => String(c.body.channel).startsWith('D'));
  const actions = (dm!.body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find(
    (b) => b.type === 'actions',
  );
  const button = actions?.elements?.find((e) => e.action_id === ONBOARDING_ACTION_IDS.revealPassword);
  return JSON.parse(button!.value).s;
}

describe('onboardIamUser', () => {
  it('creates a reset-required password that meets the account’s policy and DMs the owner a Reveal button', async () => {
    aws.users.set('jane@example.com', { tags: {} });
    aws.passwordPolicy = { MinimumPasswordLength: 30, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true };
    aws.alias = 'acme-prod';

    const outcome = await onboardIamUser(jane, deps());

    expect(outcome).toEqual({ kind: 'created', userName: 'jane@example.com', dm: { status: 'sent', to: 'UJANE' } });
    const set = aws.users.get('jane@example.com')!;
    expect(set.passwordResetRequired).toBe(true);
    expect(set.password).toHaveLength(30);
    expect(
      passwordProblems(set.password!, {
        minimumLength: 30,
        requireSymbols: true,
        requireNumbers: true,
        requireUppercase: true,
        requireLowercase: false,
        minimumCharacterTypes: 0,
      }),
    ).toEqual([]);
    expect(slack.callsTo('users.lookupByEmail')[0]!.body).toMatchObject({ email: 'jane@example.com' });
    expect(slack.callsTo('conversations.open')[0]!.body).toMatchObject({ users: 'UJANE' });
    const dm = slack.callsTo('chat.postMessage')[0]!;
    expect(dm.body.channel).toBe('DUJANE');
    const text = JSON.stringify(dm.body);
    expect(text).toContain('https://acme-prod.signin.aws.amazon.com/console');
    expect(text).toContain('IAM user alice created an IAM user for you');
    expect(text).not.toContain(set.password);
    // What Reveal will show is the password IAM now has.
    const opened = await openPassword({ kms: new KMSClient({}), keyId: KEY, store, now: Date.now }, revealId(), 'UJANE');
    expect(opened).toMatchObject({ kind: 'revealed', password: set.password });
  });

  it('uses AWS’s default policy when the account has none', async () => {
    aws.users.set('jane@example.com', { tags: {} });

    await onboardIamUser(jane, deps());

    const { password } = aws.users.get('jane@example.com')!;
    expect(
      passwordProblems(password!, {
        minimumLength: 8,
        requireUppercase: false,
        requireLowercase: false,
        requireNumbers: false,
        requireSymbols: false,
        minimumCharacterTypes: 3,
      }),
    ).toEqual([]);
  });

  it('never overwrites an existing console password, and says so', async () => {
    aws.users.set('jane@example.com', { tags: {}, password: 'Her-Own-Password-1' });

    const outcome = await onboardIamUser(jane, deps());

    expect(outcome).toEqual({ kind: 'has-password', userName: 'jane@example.com' });
    expect(aws.users.get('jane@example.com')!.password).toBe('Her-Own-Password-1');
    expect(aws.iam.commandCalls(CreateLoginProfileCommand)).toHaveLength(0);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('says so too when a password appears between the check and the creation (IAM’s EntityAlreadyExists), and drops the held copy', async () => {
    aws.users.set('jane@example.com', { tags: {} });
    aws.iam.on(CreateLoginProfileCommand).callsFake(() => {
      aws.users.get('jane@example.com')!.password = 'Set-By-Someone-Else-2';
      const error = new Error('Login Profile for user jane@example.com already exists.');
      error.name = 'EntityAlreadyExistsException';
      throw error;
    });

    const outcome = await onboardIamUser(jane, deps());

    expect(outcome).toEqual({ kind: 'has-password', userName: 'jane@example.com' });
    expect(aws.users.get('jane@example.com')!.password).toBe('Set-By-Someone-Else-2');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
    const held = [
      ...(store as unknown as { items: Map<string, { value: { status: string; ciphertext?: string } }> }).items.entries(),
    ].filter(([k]) => k.startsWith('onboarding#secret#'));
    expect(held.map(([, v]) => v.value.status)).toEqual(['void']);
    expect(held[0]![1].value.ciphertext).toBeUndefined();
  });

  it('runs once per CreateUser event: a second run (redelivery, second click, Lambda retry) makes no second password', async () => {
    aws.users.set('jane@example.com', { tags: {} });

    await onboardIamUser(jane, deps());
    const first = aws.users.get('jane@example.com')!.password;
    aws.users.get('jane@example.com')!.password = undefined; // even were the password deleted meanwhile
    const again = await onboardIamUser(jane, deps(), 'U0RESPONDER');

    expect(again).toMatchObject({ kind: 'already-handled', userName: 'jane@example.com' });
    expect(aws.iam.commandCalls(CreateLoginProfileCommand)).toHaveLength(1);
    expect(first).toBeDefined();
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('reports a user deleted meanwhile, and a password IAM refuses, with the AWS error: nothing retried', async () => {
    const gone = await onboardIamUser(jane, deps());
    aws.users.set('bob@example.com', { tags: {} });
    aws.iam
      .on(CreateLoginProfileCommand)
      .rejects(new PasswordPolicyViolationException({ message: 'Password should have a symbol', $metadata: {} }));
    const refused = await onboardIamUser({ ...jane, eventId: 'evt-bob', userName: 'bob@example.com' }, deps());

    expect(gone).toEqual({ kind: 'refused', userName: 'jane@example.com', reason: 'the user no longer exists (deleted meanwhile)' });
    expect(refused).toEqual({
      kind: 'failed',
      userName: 'bob@example.com',
      step: 'Creating the console password',
      error: { name: 'PasswordPolicyViolationException', message: 'Password should have a symbol' },
    });
    expect(aws.iam.commandCalls(CreateLoginProfileCommand)).toHaveLength(1);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('creates no password when the owner cannot be reached in Slack', async () => {
    aws.users.set('jane@example.com', { tags: {} });
    slack.respond('users.lookupByEmail', () => ({ kind: 'error', error: 'users_not_found' }));

    const outcome = await onboardIamUser(jane, deps());

    expect(outcome).toEqual({
      kind: 'refused',
      userName: 'jane@example.com',
      reason: 'the owner cannot be reached, so no password was created: no Slack user has the address jane@example.com',
    });
    expect(aws.users.get('jane@example.com')!.password).toBeUndefined();
  });

  it('leaves the event unclaimed when it made nothing: once the owner can be reached, a second try works', async () => {
    aws.users.set('jane@example.com', { tags: {} });
    slack.respond('users.lookupByEmail', () => ({ kind: 'error', error: 'users_not_found' }));
    const first = await onboardIamUser(jane, deps(), 'U0RESPONDER');
    slack.respond('users.lookupByEmail', () => ({ kind: 'ok', body: { user: { id: 'U0JANE' } } }));

    const second = await onboardIamUser(jane, deps(), 'U0RESPONDER');

    expect(first).toMatchObject({ kind: 'refused' });
    expect(second).toMatchObject({ kind: 'created', dm: { status: 'sent', to: 'U0JANE' } });
  });

  it('sends nothing to a guest, a bot or a deactivated Slack account', async () => {
    for (const [flags, words] of [
      [{ is_restricted: true }, 'a guest'],
      [{ is_bot: true }, 'a bot'],
      [{ deleted: true }, 'deactivated'],
    ] as const) {
      aws.users.set('jane@example.com', { tags: {} });
      slack.respond('users.lookupByEmail', () => ({ kind: 'ok', body: { user: { id: 'U0JANE', ...flags } } }));

      const outcome = await onboardIamUser({ ...jane, eventId: `evt-${words}` }, deps());

      expect(outcome).toMatchObject({ kind: 'refused', reason: expect.stringContaining(words) });
      expect(aws.users.get('jane@example.com')!.password).toBeUndefined();
    }
  });

  it('DMs the Slack user an owner-slack tag names, without looking them up by address', async () => {
    aws.users.set('svc-jane', { tags: { [OWNER_TAGS.slack]: 'U0JANE' } });

    const outcome = await onboardIamUser({ ...jane, userName: 'svc-jane' }, deps());

    expect(outcome).toMatchObject({ kind: 'created', dm: { status: 'sent', to: 'U0JANE' } });
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(0);
  });

  it('leaves a user that does not qualify alone (its tags as IAM holds them decide)', async () => {
    aws.users.set('svc-build', { tags: { team: 'ci' } });

    const outcome = await onboardIamUser({ ...jane, userName: 'svc-build' }, deps());

    expect(outcome).toMatchObject({ kind: 'not-qualified' });
    expect(aws.iam.commandCalls(CreateLoginProfileCommand)).toHaveLength(0);
  });

  it('refuses protected users and other accounts before any IAM call', async () => {
    const protectedOne = await onboardIamUser({ ...jane, userName: 'break-glass-jane@example.com' }, deps());
    const elsewhere = await onboardIamUser({ ...jane, accountId: '444455556666' }, deps());

    expect(protectedOne).toMatchObject({ kind: 'refused', reason: expect.stringContaining('protected') });
    expect(elsewhere).toMatchObject({ kind: 'refused', reason: expect.stringContaining('only in its own account (123456789012)') });
    expect(aws.iam.calls()).toHaveLength(0);
  });

  it('emails the sign-in details (text and HTML) from the one identity with email delivery', async () => {
    aws.users.set('jane@example.com', { tags: {} });

    const outcome = await onboardIamUser(jane, deps({ delivery: 'email' }));

    expect(outcome).toEqual({ kind: 'created', userName: 'jane@example.com', email: { status: 'sent', to: 'jane@example.com' } });
    const [email] = aws.emails;
    expect(email).toMatchObject({ FromEmailAddress: 'iam@example.com', Destination: { ToAddresses: ['jane@example.com'] } });
    const { password } = aws.users.get('jane@example.com')!;
    expect(email!.Content!.Simple!.Body!.Text!.Data).toContain(`Password:    ${password}`);
    expect(email!.Content!.Simple!.Body!.Html!.Data).toContain(`<code>${password}</code>`);
    expect(aws.kms.calls()).toHaveLength(0);
    expect(slack.calls).toHaveLength(0);
  });

  it('reports an SES refusal (identity not verified) with the AWS error, the password being created', async () => {
    aws.users.set('jane@example.com', { tags: {} });
    aws.ses.on(SendEmailCommand).rejects(
      new MessageRejected({
        message: 'Email address is not verified. The following identities failed the check: iam@example.com',
        $metadata: {},
      }),
    );

    const outcome = await onboardIamUser(jane, deps({ delivery: 'both' }));

    expect(outcome).toEqual({
      kind: 'created',
      userName: 'jane@example.com',
      dm: { status: 'sent', to: 'UJANE' },
      email: {
        status: 'failed',
        error: 'MessageRejected: Email address is not verified. The following identities failed the check: iam@example.com',
      },
    });
  });

  it('never shows the password in a report, even when an error message would carry it', async () => {
    aws.users.set('jane@example.com', { tags: {} });
    let seen = '';
    aws.iam.on(CreateLoginProfileCommand).callsFake((input) => {
      seen = input.Password;
      throw new PasswordPolicyViolationException({ message: `rejected ${input.Password}`, $metadata: {} });
    });

    const outcome = await onboardIamUser(jane, deps());

    expect(JSON.stringify(outcome)).not.toContain(seen);
    expect(outcome).toMatchObject({ kind: 'failed', error: { message: 'rejected [password]' } });
  });
});
