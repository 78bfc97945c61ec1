import * as z from 'zod';
import type { VersionedStore } from '../state/versioned-store';
import { ONBOARDING_KEY_PREFIX } from './sealed-password';

/**
 * Onboarding runs at most once per CreateUser event, whoever starts it: the notifier (auto mode,
 * after its own event claim), a responder's click, two responders' clicks at once, Lambda retrying
 * a job. The first to write `onboarding#event#<eventID>` (a conditional put) runs it; every other
 * finds the claim and does nothing. With IAM's own refusal to overwrite a login profile
 * (EntityAlreadyExists), no retry or replay ever makes a second password.
 */

/** Claims are kept well past any redelivery, retry or late click (the notifier remembers events 15 days). */
export const ONBOARDING_CLAIM_TTL_SECONDS = 30 * 86_400;

const claimSchema = z.strictObject({
  /** `auto`, or the Slack user ID of the responder who pressed Send sign-in details. */
  by: z.string().max(40),
  at: z.number().int().nonnegative(),
});
type OnboardingClaim = z.infer<typeof claimSchema>;

export type ClaimResult = { kind: 'claimed' } | { kind: 'taken'; by?: string; at?: number };

const keyOf = (eventId: string) => `${ONBOARDING_KEY_PREFIX}event#${eventId}`;

/** Who has claimed the event already, if anyone (a read: nothing is written). */
export async function readClaim(store: VersionedStore, eventId: string, nowSeconds: number): Promise<ClaimResult | undefined> {
  const read = await store.get<unknown>(keyOf(eventId), nowSeconds);
  if (read.version === 0) return undefined;
  const existing = claimSchema.safeParse(read.value);
  return existing.success ? { kind: 'taken', by: existing.data.by, at: existing.data.at } : { kind: 'taken' };
}

/**
 * Claims onboarding of the user a CreateUser event made.
 * @throws StateStoreError when the table cannot be written (nothing is done then).
 */
export async function claimOnboarding(store: VersionedStore, eventId: string, by: string, nowSeconds: number): Promise<ClaimResult> {
  const claim: OnboardingClaim = { by, at: nowSeconds };
  if (await store.put(keyOf(eventId), claim, 0, nowSeconds + ONBOARDING_CLAIM_TTL_SECONDS)) return { kind: 'claimed' };
  const existing = claimSchema.safeParse((await store.get<unknown>(keyOf(eventId), nowSeconds)).value);
  return existing.success ? { kind: 'taken', by: existing.data.by, at: existing.data.at } : { kind: 'taken' };
}
