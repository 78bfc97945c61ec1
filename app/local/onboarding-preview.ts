import type { RenderedMessage } from '../../blocks/render-alert';
import { renderOnboardingDm } from '../../blocks/render-onboarding';
import type { OnboardingSettings } from '../config';
import { timeStamp } from '../events/event-time';
import type { PreparedItem } from '../notifier/prepare';
import { newUserOf, qualify } from '../onboarding/qualify';
import { PASSWORD_HOLD_SECONDS } from '../onboarding/sealed-password';

/**
 * What onboarding (issue 13) would send for a CreateUser alert, for `npm start` and `preview`: the
 * owner's DM exactly as it would be rendered, without any password (none is made offline: the
 * Reveal button carries no held password), and a line saying whether this user would qualify under
 * the current settings.
 */
export interface OnboardingPreview {
  note: string;
  message: RenderedMessage;
}

/** The DM preview for a successful CreateUser alert; undefined for anything else. */
export function onboardingPreview(
  prepared: PreparedItem,
  settings: OnboardingSettings,
  options: { accountAliases?: Readonly<Record<string, string>>; now?: Date } = {},
): OnboardingPreview | undefined {
  if (prepared.kind !== 'alert') return undefined;
  const { record } = prepared.item;
  const user = newUserOf(record, prepared.eventId);
  if ('reason' in user) return undefined;
  const verdict = qualify(record, prepared.eventId, { ...settings, mode: settings.mode === 'off' ? 'auto' : settings.mode });
  const when =
    settings.mode === 'off' ? 'With ONBOARDING=auto or approve (it is off here)' : `With ONBOARDING=${settings.mode} (as set here)`;
  const note =
    verdict.kind === 'candidate'
      ? `${when}, ${user.userName}'s owner (${verdict.candidate.owner.source}) would get this DM; the password is shown only by its Reveal button:`
      : verdict.kind === 'refused'
        ? `${user.userName} would get no sign-in details (${verdict.reason}); a user that qualifies gets this DM:`
        : `${user.userName} does not qualify (${verdict.reason}); ${when.charAt(0).toLowerCase()}${when.slice(1)}, a user named by an address in ONBOARDING_EMAIL_DOMAINS or created with an owner tag would get this DM:`;
  const now = options.now ?? new Date();
  const expires = Math.floor(now.getTime() / 1000) + PASSWORD_HOLD_SECONDS;
  const accountId = /^\d{12}$/.test(user.accountId) ? user.accountId : '123456789012';
  const message = renderOnboardingDm({
    userName: user.userName,
    accountId,
    accountAlias: options.accountAliases?.[accountId],
    signInUrl: `https://${accountId}.signin.aws.amazon.com/console`,
    createdBy: user.createdBy,
    expiresAt: timeStamp(expires),
  });
  return { note, message };
}
