import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { PASSWORD_HOLD_SECONDS, sealPassword } from '../../app/onboarding/sealed-password';
import { DynamoDbStore } from '../../app/state/dynamodb-store';
import { ONBOARDING_ACTION_IDS, renderOnboardingDm } from '../../blocks/render-onboarding';
import { mockOnboardingAws, type OnboardingAws } from '../onboarding/support/onboarding-aws';
import { type Harness, STATE_TABLE, startHarness } from '../slack/slack-harness';

/**
 * Reveal password through the real Slack handler: a click signed as Slack signs it, the held
 * password in the (modelled) state table, KMS behind aws-sdk-client-mock (really encrypting, the
 * context checked), Slack the local fake. The password reaches views.open, and nothing else.
 */

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const PASSWORD = 'Qz7!kR2@wN9#pL4$xB6%tM8^';
const DM_CHANNEL = 'DU0JANE';
const DM_TS = '1714557700.000200';

let h: Harness;
let aws: OnboardingAws;

beforeEach(async () => {
  h = await startHarness({ ONBOARDING: 'auto', ONBOARDING_KMS_KEY_ID: KEY, ONBOARDING_EMAIL_DOMAINS: 'example.com' });
  aws = mockOnboardingAws({ iam: h.iam });
});
afterEach(async () => {
  aws.restore();
  await h.close();
});

/** Seals PASSWORD for U0JANE as onboarding would (`nowMs` moves the sealing back in time), and the DM carrying its button. */
async function heldPassword(nowMs = Date.now()) {
  const store = new DynamoDbStore(new DynamoDBClient({}), STATE_TABLE);
  const { secretId, expiresAt } = await sealPassword({ kms: new KMSClient({}), keyId: KEY, store, now: () => nowMs }, PASSWORD, {
    recipient: 'U0JANE',
    accountId: '123456789012',
    userName: 'jane@example.com',
    eventId: 'evt-jane',
  });
  const dm = renderOnboardingDm({
    userName: 'jane@example.com',
    accountId: '123456789012',
    signInUrl: 'https://123456789012.signin.aws.amazon.com/console',
    createdBy: 'IAM user alice',
    secretId,
    expiresAt: { epochSeconds: expiresAt, iso: new Date(expiresAt * 1000).toISOString() },
  });
  return { secretId, dm: { ts: DM_TS, text: dm.text, blocks: JSON.parse(JSON.stringify(dm.blocks)) as Array<Record<string, unknown>> } };
}

const clickReveal = (userId: string, dm: Awaited<ReturnType<typeof heldPassword>>['dm']) =>
  h.click({ actionId: ONBOARDING_ACTION_IDS.revealPassword, userId, message: dm, channel: DM_CHANNEL });

describe('Reveal password', () => {
  it('opens a modal with the password for its recipient, once, then the DM reads "revealed at <time>"', async () => {
    const { dm } = await heldPassword();

    const first = await clickReveal('U0JANE', dm);
    const second = await clickReveal('U0JANE', dm);

    expect(first).toMatchObject({ statusCode: 200 });
    expect(second).toMatchObject({ statusCode: 200 });
    const opened = h.slack.callsTo('views.open');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.body.trigger_id).toBe('111.222.valid');
    expect(JSON.stringify(opened[0]!.body.view)).toContain(PASSWORD);
    const [update] = h.slack.callsTo('chat.update');
    expect(update!.body).toMatchObject({ channel: DM_CHANNEL, ts: DM_TS });
    expect(JSON.stringify(update!.body.blocks)).toContain('Password revealed at <!date^');
    expect(JSON.stringify(update!.body.blocks)).not.toContain(ONBOARDING_ACTION_IDS.revealPassword);
    expect(h.ephemeralReplies()).toEqual([
      'This password was already revealed, and is not shown again. If you lost it, ask an administrator to reset your console password.',
    ]);
    // The password went to the modal and nowhere else: not a message, a reply, nor the table.
    const elsewhere = h.slack.calls.filter((c) => c.method !== 'views.open');
    expect(JSON.stringify(elsewhere.map((c) => c.body))).not.toContain(PASSWORD);
    expect(JSON.stringify([...h.table.items.values()])).not.toContain(PASSWORD);
    expect(JSON.stringify([...h.table.items.values()])).not.toContain('ciphertext');
  });

  it('is refused to anyone but the recipient (the clicker’s verified ID against the stored owner): nothing decrypted', async () => {
    const { dm } = await heldPassword();

    await clickReveal('U0MALLORY', dm);

    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    expect(aws.kms.commandCalls(DecryptCommand)).toHaveLength(0);
    expect(h.ephemeralReplies()).toEqual(['This password was sent to someone else: only they can reveal it.']);
    // Still there for Jane.
    await clickReveal('U0JANE', dm);
    expect(h.slack.callsTo('views.open')).toHaveLength(1);
  });

  it('tells the person to ask for a reset once the password expired, and deletes it', async () => {
    const { dm } = await heldPassword(Date.now() - (PASSWORD_HOLD_SECONDS + 60) * 1000);

    await clickReveal('U0JANE', dm);

    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    expect(h.ephemeralReplies()).toEqual(['This password expired unrevealed. Ask an administrator to reset your console password.']);
    expect(JSON.stringify(h.slack.callsTo('chat.update')[0]!.body.blocks)).toContain('expired unrevealed and was deleted');
    expect(JSON.stringify([...h.table.items.values()])).not.toContain('ciphertext');
  });

  it('deletes the password and says to ask for a reset when Slack will not open the modal (trigger expired)', async () => {
    const { dm } = await heldPassword();
    h.slack.script('views.open', { kind: 'error', error: 'expired_trigger_id' });

    await clickReveal('U0JANE', dm);
    await clickReveal('U0JANE', dm);

    expect(JSON.stringify(h.slack.callsTo('chat.update')[0]!.body.blocks)).toContain('could not be shown');
    expect(h.slack.callsTo('views.open')).toHaveLength(1);
    expect(JSON.stringify(h.slack.calls.filter((c) => c.method !== 'views.open').map((c) => c.body))).not.toContain(PASSWORD);
  });

  it('keeps the password when KMS fails, so that a second press works', async () => {
    const { dm } = await heldPassword();
    aws.kms.on(DecryptCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await clickReveal('U0JANE', dm);

    expect(h.ephemeralReplies()).toEqual(['Could not reveal the password just now (ThrottlingException); press again in a moment.']);
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
  });
});
