import type { IAMClient } from '@aws-sdk/client-iam';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { WebClient } from '@slack/web-api';
import { type DeliveryView, type OnboardingReportView, renderOnboardingDm } from '../../blocks/render-onboarding';
import { type OnboardingSettings, requireSetting } from '../config';
import { awsError, isNoSuchEntity } from '../containment/iam-steps';
import { protectionReason } from '../containment/protected-users';
import { timeStamp } from '../events/event-time';
import type { Logger } from '../logger';
import type { VersionedStore } from '../state/versioned-store';
import { type ClaimResult, claimOnboarding, readClaim } from './claims';
import { createConsolePassword, hasConsolePassword, readPasswordRules, readUserTags, signInUrl } from './iam-login';
import { generatePassword, passwordProblems } from './password';
import { type NewUser, qualifyUser } from './qualify';
import { type DmTarget, openOwnerDm, slackErrorCode } from './recipient';
import { sealPassword, voidPassword } from './sealed-password';
import { renderSignInEmail, sendSignInEmail } from './sign-in-email';
import { withSlackRetry } from './slack-retry';

/**
 * Onboarding of one new IAM user (issue 13), shared by the notifier (auto mode) and the Slack
 * function's job (approve mode): qualify it on IAM's own tags, claim the event once, make sure the
 * owner can be reached, create a policy-compliant, reset-required console password (never over an
 * existing one), and deliver the sign-in details: a DM whose Reveal password button shows the
 * password once (held encrypted until then), and/or an email.
 *
 * The password exists in this function's memory only; it is never logged, never put in an error
 * message, a Slack message, a job or the state table (only its KMS ciphertext is stored). Nothing is
 * retried once CreateLoginProfile has been called: a failure is reported, never turned into a
 * second password.
 */

/** What onboarding needs; built by `handlers/deps.ts` for the notifier and the Slack function. */
export interface OnboardingDeps {
  settings: OnboardingSettings;
  iam: () => Promise<IAMClient>;
  /** Holds the password until it is revealed (Slack delivery). */
  kms?: () => Promise<KMSClient>;
  /** Sends the email (email delivery). */
  ses?: () => Promise<SESv2Client>;
  slack: WebClient;
  store: VersionedStore;
  logger: Logger;
  clock: () => Date;
  protectedIamUsers: readonly string[];
  /** The account iam-alerts runs in: onboarding acts only there. Unset: the event's account. */
  homeAccountId?: string;
  accountAliases?: Readonly<Record<string, string>>;
  /** Epoch ms after which no password is created: too little time would be left to deliver it. */
  latestStart?: number;
  /** A uniform integer source for the generator; `crypto.randomInt` by default (tests pin it). */
  random?: (max: number) => number;
}

/** The outcome: a report for the alert's thread, or no report (the user is not one onboarding is for). */
export type OnboardingOutcome = OnboardingReportView | { kind: 'not-qualified'; userName: string; reason: string };

/**
 * Onboards `user`. Never throws: every failure becomes a report (and a log line without secrets).
 * @param approvedBy the responder who pressed Send sign-in details (approve mode).
 */
export async function onboardIamUser(user: NewUser, deps: OnboardingDeps, approvedBy?: string): Promise<OnboardingOutcome> {
  const logger = deps.logger.createChild({
    persistentKeys: { onboarding: user.userName, accountId: user.accountId, eventId: user.eventId, ...(approvedBy ? { approvedBy } : {}) },
  });
  const report = { userName: user.userName, ...(approvedBy ? { approvedBy } : {}) };
  let password: string | undefined;
  // Whatever AWS or Slack say is shown to people and logged: the password never is.
  const scrub = (text: string) => (password ? text.split(password).join('[password]') : text);
  const failed = (step: string, error: unknown): OnboardingOutcome => {
    const { name, message } = awsError(error);
    const shown = { name, message: scrub(message) };
    logger.warn('onboarding failed', { step, error: shown });
    return { ...report, kind: 'failed', step, error: shown };
  };

  try {
    const protectedBecause = protectionReason(user.userName, deps.protectedIamUsers);
    if (protectedBecause) return { ...report, kind: 'refused', reason: protectedBecause };
    if (deps.homeAccountId && user.accountId !== deps.homeAccountId) {
      return { ...report, kind: 'refused', reason: `iam-alerts creates sign-in details only in its own account (${deps.homeAccountId})` };
    }

    const iam = await deps.iam();
    let tags: Awaited<ReturnType<typeof readUserTags>>;
    try {
      tags = await readUserTags(iam, user.userName);
    } catch (error) {
      if (isNoSuchEntity(error)) return { ...report, kind: 'refused', reason: 'the user no longer exists (deleted meanwhile)' };
      return failed('Reading the user’s tags', error);
    }
    const qualified = qualifyUser(user, tags, deps.settings, { homeAccountId: deps.homeAccountId });
    if (qualified.kind === 'not-qualified') {
      logger.info('onboarding: user does not qualify', { reason: qualified.reason });
      return { kind: 'not-qualified', userName: user.userName, reason: qualified.reason };
    }
    if (qualified.kind === 'refused') return { ...report, kind: 'refused', reason: qualified.reason };
    const { owner } = qualified.candidate;

    const nowSeconds = () => Math.floor(deps.clock().getTime() / 1000);
    const alreadyHandled = (claim: ClaimResult): OnboardingOutcome => {
      const by = claim.kind === 'taken' ? claim.by : undefined;
      const claimedAt = claim.kind === 'taken' ? claim.at : undefined;
      logger.info('onboarding: already handled', { by });
      const at = claimedAt === undefined ? undefined : timeStamp(claimedAt);
      return { ...report, kind: 'already-handled', by: by === 'auto' ? undefined : by, at };
    };
    // Checked now, claimed only once nothing stands in the way: a refusal (owner unreachable, too
    // little time) leaves the event unclaimed, so that a responder can try again once it is fixed.
    const earlier = await readClaim(deps.store, user.eventId, nowSeconds());
    if (earlier) return alreadyHandled(earlier);

    try {
      if (await hasConsolePassword(iam, user.userName)) {
        logger.info('onboarding: user already has a console password; left as it is');
        return { ...report, kind: 'has-password' };
      }
    } catch (error) {
      return failed('Checking for a console password', error);
    }

    // Who can be reached, before any password exists.
    const wantsDm = deps.settings.delivery !== 'email';
    const wantsEmail = deps.settings.delivery !== 'slack';
    const dm: DmTarget | undefined = wantsDm ? await openOwnerDm(deps.slack, owner) : undefined;
    const emailTo = wantsEmail ? owner.email : undefined;
    let dmView: DeliveryView | undefined = dm && !dm.ok ? { status: 'unavailable', reason: dm.reason } : undefined;
    let emailView: DeliveryView | undefined =
      wantsEmail && !emailTo ? { status: 'unavailable', reason: 'the owner has no email address (owner-slack tag only)' } : undefined;
    if (!dm?.ok && !emailTo) {
      const reasons = [dmView, emailView].map((d) => (d?.status === 'unavailable' ? d.reason : undefined)).filter(Boolean);
      return { ...report, kind: 'refused', reason: `the owner cannot be reached, so no password was created: ${reasons.join('; ')}` };
    }
    if (deps.latestStart !== undefined && deps.clock().getTime() > deps.latestStart) {
      return {
        ...report,
        kind: 'refused',
        reason: 'too little time was left to deliver a password; create it by hand, or use approve mode',
      };
    }

    const claim = await claimOnboarding(deps.store, user.eventId, approvedBy ?? 'auto', nowSeconds());
    if (claim.kind === 'taken') return alreadyHandled(claim);

    let rules: Awaited<ReturnType<typeof readPasswordRules>>;
    try {
      rules = await readPasswordRules(iam);
    } catch (error) {
      return failed('Reading the account’s password policy', error);
    }
    password = generatePassword(rules, deps.random);
    const problems = passwordProblems(password, rules);
    if (problems.length > 0)
      return failed('Generating the password', new Error(`it would break the password policy: ${problems.join(', ')}`));

    // Held encrypted for the Reveal button before it is set: a KMS problem then stops here, with no password made.
    let secret: { secretId: string; expiresAt: number } | undefined;
    if (dm?.ok) {
      try {
        const kms = await requireClient(deps.kms, 'KMS');
        secret = await sealPassword(
          {
            kms,
            keyId: requireSetting(
              deps.settings.kmsKeyId,
              'ONBOARDING_KMS_KEY_ID',
              'the password is held under that KMS key until it is revealed',
            ),
            store: deps.store,
            now: () => deps.clock().getTime(),
          },
          password,
          { recipient: dm.userId, accountId: user.accountId, userName: user.userName, eventId: user.eventId },
        );
      } catch (error) {
        if (!emailTo) return failed('Encrypting the password for the DM', error);
        dmView = { status: 'failed', error: scrub(`${awsError(error).name}: ${awsError(error).message}`) };
      }
    }

    let created: 'created' | 'exists';
    try {
      created = await createConsolePassword(iam, user.userName, password);
    } catch (error) {
      if (secret) await voidPassword(deps.store, secret.secretId, nowSeconds()).catch(() => undefined);
      if (isNoSuchEntity(error)) return { ...report, kind: 'refused', reason: 'the user no longer exists (deleted meanwhile)' };
      return failed('Creating the console password', error);
    }
    if (created === 'exists') {
      if (secret) await voidPassword(deps.store, secret.secretId, nowSeconds()).catch(() => undefined);
      logger.info('onboarding: a console password appeared meanwhile; left as it is');
      return { ...report, kind: 'has-password' };
    }
    logger.info('onboarding: console password created (reset required)', { owner: owner.source });

    const url = await signInUrl(iam, user.accountId);
    if (dm?.ok && secret) {
      const message = renderOnboardingDm({
        userName: user.userName,
        accountId: user.accountId,
        accountAlias: deps.accountAliases?.[user.accountId],
        signInUrl: url,
        createdBy: user.createdBy,
        secretId: secret.secretId,
        expiresAt: timeStamp(secret.expiresAt),
      });
      try {
        await withSlackRetry(() =>
          deps.slack.chat.postMessage({ channel: dm.channel, text: message.text, blocks: message.blocks, unfurl_links: false }),
        );
        dmView = { status: 'sent', to: dm.userId };
      } catch (error) {
        dmView = { status: 'failed', error: scrub(slackErrorCode(error)) };
      }
    }
    if (emailTo) {
      try {
        const ses = await requireClient(deps.ses, 'SES');
        const from = requireSetting(deps.settings.fromEmail, 'ONBOARDING_FROM_EMAIL', 'the sign-in details are emailed from that identity');
        await sendSignInEmail(
          ses,
          from,
          emailTo,
          renderSignInEmail({ userName: user.userName, accountId: user.accountId, signInUrl: url, createdBy: user.createdBy, password }),
        );
        emailView = { status: 'sent', to: emailTo };
      } catch (error) {
        const { name, message } = awsError(error);
        emailView = { status: 'failed', error: scrub(`${name}: ${message}`) };
      }
    }
    logger.info('onboarding: sign-in details delivered', { dm: dmView?.status, email: emailView?.status });
    return { ...report, kind: 'created', ...(dmView ? { dm: dmView } : {}), ...(emailView ? { email: emailView } : {}) };
  } catch (error) {
    return failed('Onboarding', error);
  } finally {
    password = undefined;
  }
}

async function requireClient<T>(client: (() => Promise<T>) | undefined, what: string): Promise<T> {
  if (!client) throw new Error(`no ${what} client: onboarding was not set up for this delivery`);
  return client();
}
