import {
  endDm,
  endOffer,
  ONBOARDING_ACTION_IDS,
  ONBOARDING_BLOCK_IDS,
  renderOnboardingDm,
  renderOnboardingOffer,
  renderOnboardingReport,
  renderPasswordModal,
} from '../../blocks/render-onboarding';
import { blockKitViolations } from '../support/block-kit-limits';

const expiresAt = { epochSeconds: 1_714_644_000, iso: '2024-05-02T10:00:00.000Z' };
const dmView = {
  userName: 'jane@example.com',
  accountId: '123456789012',
  accountAlias: 'prod',
  signInUrl: 'https://acme-prod.signin.aws.amazon.com/console',
  createdBy: 'IAM user alice',
  secretId: 'AAAAAAAAAAAAAAAAAAAAAA',
  expiresAt,
};
type Block = Record<string, any>;
const allText = (blocks: Block[]) => JSON.stringify(blocks);
const buttons = (blocks: Block[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements);

describe('renderOnboardingDm', () => {
  it('says who made the account, where to sign in and the user name, with a Reveal password button carrying only the held password’s ID', () => {
    const message = renderOnboardingDm(dmView);

    expect(blockKitViolations(message)).toEqual([]);
    const text = allText(message.blocks);
    expect(text).toContain('IAM user alice created an IAM user for you in AWS account `123456789012` (prod)');
    expect(text).toContain('<https://acme-prod.signin.aws.amazon.com/console|https://acme-prod.signin.aws.amazon.com/console>');
    expect(text).toContain('`jane@example.com`');
    expect(text).toContain('<!date^1714644000^');
    expect(buttons(message.blocks)).toEqual([
      expect.objectContaining({ action_id: ONBOARDING_ACTION_IDS.revealPassword, value: '{"s":"AAAAAAAAAAAAAAAAAAAAAA"}' }),
    ]);
  });

  it('escapes what came from the event, and links no sign-in URL it did not build', () => {
    const message = renderOnboardingDm({ ...dmView, createdBy: 'IAM user <!channel> & co', signInUrl: 'https://evil.example/console' });

    const text = allText(message.blocks);
    expect(text).toContain('IAM user &lt;!channel&gt; &amp; co');
    expect(text).not.toContain('<https://evil.example');
  });
});

describe('endDm', () => {
  it('drops the button and says when the password was revealed, keeping the rest', () => {
    const blocks = JSON.parse(JSON.stringify(renderOnboardingDm(dmView).blocks));

    const ended = endDm(blocks, { kind: 'revealed', at: { epochSeconds: 1_714_600_000, iso: '2024-05-01T21:46:40.000Z' } });

    expect(buttons(ended as Block[])).toEqual([]);
    expect(ended.at(-1)).toMatchObject({ block_id: ONBOARDING_BLOCK_IDS.dmStatus });
    expect(allText(ended as Block[])).toContain('Password revealed at <!date^1714600000^');
    expect(allText(ended as Block[])).toContain('`jane@example.com`');
    expect(allText(endDm(blocks, { kind: 'expired' }) as Block[])).toContain('expired unrevealed and was deleted');
    expect(ended.filter((b) => b.block_id === ONBOARDING_BLOCK_IDS.dmStatus)).toHaveLength(1);
  });
});

describe('renderPasswordModal', () => {
  it('shows the password verbatim in a modal Slack keeps no history of', () => {
    const modal = renderPasswordModal({ userName: 'jane@example.com', password: 'Ab3$kP9!xZ-q' });

    expect(modal.type).toBe('modal');
    expect(modal.title.text.length).toBeLessThanOrEqual(24);
    expect(JSON.stringify(modal.blocks)).toContain('```Ab3$kP9!xZ-q```');
    expect(modal).not.toHaveProperty('submit');
  });
});

describe('renderOnboardingReport', () => {
  it('says what happened in the alert’s thread, mentioning the recipient, never a password', () => {
    const both = renderOnboardingReport({
      kind: 'created',
      userName: 'jane@example.com',
      dm: { status: 'sent', to: 'U0JANE' },
      email: { status: 'sent', to: 'jane@example.com' },
    });
    const approved = renderOnboardingReport({
      kind: 'created',
      userName: 'jane@example.com',
      approvedBy: 'U0RESP',
      dm: { status: 'sent', to: 'U0JANE' },
    });

    expect(blockKitViolations(both)).toEqual([]);
    expect(both.blocks[0]).toMatchObject({
      text: {
        text: ':key: Console password created for `jane@example.com` (reset required at first sign-in); sign-in details sent to <@U0JANE> by DM, and to jane@example.com by email.',
      },
    });
    expect(both.text).toBe(
      'Console password created for `jane@example.com` (reset required at first sign-in); sign-in details sent to @U0JANE by DM, and to jane@example.com by email.',
    );
    expect(allText(approved.blocks)).toContain('(approved by <@U0RESP>)');
  });

  it('says when the details reached nobody, so that someone resets the password', () => {
    const report = renderOnboardingReport({
      kind: 'created',
      userName: 'bob@example.com',
      email: { status: 'failed', error: 'MessageRejected: Email address is not verified.' },
    });

    expect(allText(report.blocks)).toContain(':warning:');
    expect(allText(report.blocks)).toContain('Sending the email failed: MessageRejected: Email address is not verified.');
    expect(allText(report.blocks)).toContain('Nobody knows this password: reset it in IAM');
  });

  it.each([
    [{ kind: 'has-password' as const }, 'already has a console password: left as it is, nothing sent'],
    [
      { kind: 'refused' as const, reason: 'the user no longer exists (deleted meanwhile)' },
      'No sign-in details for `x`: the user no longer exists',
    ],
    [
      {
        kind: 'failed' as const,
        step: 'Creating the console password',
        error: { name: 'PasswordPolicyViolation', message: 'too short <b>' },
      },
      'Creating the console password failed (`PasswordPolicyViolation`: too short &lt;b&gt;). Nothing was retried.',
    ],
    [{ kind: 'already-handled' as const, by: 'U0RESP' }, 'were already handled by <@U0RESP>: nothing done again'],
  ])('%j', (view, says) => {
    const report = renderOnboardingReport({ userName: 'x', ...view });

    expect(blockKitViolations(report)).toEqual([]);
    expect(allText(report.blocks)).toContain(says);
  });
});

describe('renderOnboardingOffer', () => {
  const offer = {
    userName: 'jane@example.com',
    accountId: '123456789012',
    eventId: 'evt-1',
    createdBy: 'IAM user alice',
    recipient: 'jane@example.com (from the user name)',
    delivery: 'slack' as const,
  };

  it('offers Send sign-in details behind a confirmation naming the user, the account and the recipient', () => {
    const message = renderOnboardingOffer(offer);

    expect(blockKitViolations(message)).toEqual([]);
    const [button] = buttons(message.blocks);
    expect(button).toMatchObject({ action_id: ONBOARDING_ACTION_IDS.sendSignInDetails, text: { text: 'Send sign-in details' } });
    expect(JSON.parse(button.value)).toEqual({ u: 'jane@example.com', a: '123456789012', e: 'evt-1', c: 'IAM user alice' });
    expect(button.confirm.text.text).toContain('IAM user jane@example.com in account 123456789012');
    expect(button.confirm.text.text).toContain('send the sign-in details to jane@example.com (from the user name)');
  });

  it('once pressed, shows who pressed it instead of the button', () => {
    const blocks = JSON.parse(JSON.stringify(renderOnboardingOffer(offer).blocks));

    const ended = endOffer(blocks, 'U0RESP', expiresAt);

    expect(buttons(ended as Block[])).toEqual([]);
    expect(allText(ended as Block[])).toContain('Send sign-in details pressed by <@U0RESP>');
  });
});
