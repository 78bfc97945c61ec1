import { randomBytes } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
import * as z from 'zod';
import type { VersionedStore } from '../state/versioned-store';

/** Loaded on first use: onboarding is off by default, and the notifier's cold start should not pay for @aws-sdk/client-kms. */
const kmsSdk = () => import('@aws-sdk/client-kms');

/**
 * The one-time password between its creation and its reveal: encrypted with the stack's KMS key under
 * an encryption context naming the account, the IAM user, the Slack user it is for and the item, and
 * kept in the state table for at most {@link PASSWORD_HOLD_SECONDS}. Only the ciphertext is stored.
 * Revealing it removes the ciphertext with a conditional write, so only one click ever gets it; an
 * expired one is removed when it is next asked for (DynamoDB's TTL removes the rest, within days).
 *
 * The encryption context binds the ciphertext to its item: a ciphertext moved to another item, or an
 * item whose recipient was changed, no longer decrypts (KMS checks the context; the context is also
 * recorded in CloudTrail with each Decrypt).
 */

/** Prefix of every onboarding item in the state table (the Slack role may touch only this prefix besides its own). */
export const ONBOARDING_KEY_PREFIX = 'onboarding#';

/** How long a password waits to be revealed: at most a day. */
export const PASSWORD_HOLD_SECONDS = 24 * 3600;

/** The `iam-alerts:purpose` value of the encryption context; the stack's KMS grants require it. */
export const ENCRYPTION_PURPOSE = 'onboarding-password';
export const ENCRYPTION_CONTEXT_KEYS = {
  purpose: 'iam-alerts:purpose',
  account: 'iam-alerts:account',
  user: 'iam-alerts:user',
  recipient: 'iam-alerts:recipient',
  secret: 'iam-alerts:secret',
} as const;

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,30}$/);
const base = {
  recipient: slackUserId,
  accountId: z.string().regex(/^\d{12}$/),
  userName: z.string().regex(/^[\w+=,.@-]{1,64}$/),
  eventId: z.string().max(128),
  sealedAt: z.number().int().nonnegative(),
  expiresAt: z.number().int().nonnegative(),
};
/** A held password as stored: parsed on every read (the table is a boundary). */
export const sealedPasswordSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('pending'), ciphertext: z.base64().max(8_192), ...base }),
  z.strictObject({ status: z.literal('revealed'), revealedAt: z.number().int().nonnegative(), ...base }),
  // Written over an expired item, which the store no longer shows: only the status is known then.
  z.looseObject({ status: z.literal('expired') }),
  z.strictObject({ status: z.literal('void'), ...base }),
]);
export type SealedPassword = z.infer<typeof sealedPasswordSchema>;

/** What sealing needs: the KMS key and client, the store, the time. */
export interface SealDeps {
  kms: KMSClient;
  keyId: string;
  store: VersionedStore;
  /** Epoch milliseconds. */
  now: () => number;
}

/** Who and what a sealed password is for. */
export interface SealedFor {
  recipient: string;
  accountId: string;
  userName: string;
  eventId: string;
}

const keyOf = (secretId: string) => `${ONBOARDING_KEY_PREFIX}secret#${secretId}`;
const SECRET_ID = /^[A-Za-z0-9_-]{22}$/;

/** True for an ID {@link sealPassword} could have made (anything else in a button is refused unread). */
export function isSecretId(value: string): boolean {
  return SECRET_ID.test(value);
}

function encryptionContext(secretId: string, about: SealedFor): Record<string, string> {
  return {
    [ENCRYPTION_CONTEXT_KEYS.purpose]: ENCRYPTION_PURPOSE,
    [ENCRYPTION_CONTEXT_KEYS.account]: about.accountId,
    [ENCRYPTION_CONTEXT_KEYS.user]: about.userName,
    [ENCRYPTION_CONTEXT_KEYS.recipient]: about.recipient,
    [ENCRYPTION_CONTEXT_KEYS.secret]: secretId,
  };
}

/**
 * Encrypts `password` and stores the ciphertext under a new random ID (16 bytes), for {@link PASSWORD_HOLD_SECONDS}.
 * @returns the ID (what the Reveal button carries) and when the password expires (epoch seconds).
 * @throws the KMS or store error; nothing is stored then.
 */
export async function sealPassword(deps: SealDeps, password: string, about: SealedFor): Promise<{ secretId: string; expiresAt: number }> {
  const secretId = randomBytes(16).toString('base64url');
  const plaintext = Buffer.from(password, 'utf8');
  let ciphertext: Uint8Array | undefined;
  try {
    ({ CiphertextBlob: ciphertext } = await deps.kms.send(
      new (await kmsSdk()).EncryptCommand({
        KeyId: deps.keyId,
        Plaintext: plaintext,
        EncryptionContext: encryptionContext(secretId, about),
      }),
    ));
  } finally {
    plaintext.fill(0);
  }
  if (!ciphertext) throw new Error('KMS returned no ciphertext');
  const sealedAt = Math.floor(deps.now() / 1000);
  const expiresAt = sealedAt + PASSWORD_HOLD_SECONDS;
  const record: SealedPassword = {
    status: 'pending',
    ciphertext: Buffer.from(ciphertext).toString('base64'),
    ...about,
    sealedAt,
    expiresAt,
  };
  if (!(await deps.store.put(keyOf(secretId), record, 0, expiresAt))) throw new Error('a sealed password with this ID already exists');
  return { secretId, expiresAt };
}

/**
 * Removes the ciphertext of a password that was never set (its CreateLoginProfile failed), keeping
 * a note of what it was for. Best effort: the item expires anyway.
 */
export async function voidPassword(store: VersionedStore, secretId: string, nowSeconds: number): Promise<void> {
  const read = await store.get<unknown>(keyOf(secretId), nowSeconds);
  const parsed = sealedPasswordSchema.safeParse(read.value);
  if (!parsed.success || parsed.data.status !== 'pending') return;
  const { ciphertext: _dropped, ...rest } = parsed.data;
  await store.put(keyOf(secretId), { ...rest, status: 'void' }, read.version, parsed.data.expiresAt);
}

/** What a reveal found. Only `revealed` carries the password, and only to the one caller that removed it. */
export type OpenResult =
  | { kind: 'revealed'; password: string; record: Extract<SealedPassword, { status: 'revealed' }> }
  | { kind: 'not-yours'; recipient: string }
  | { kind: 'already-revealed'; revealedAt: number }
  | { kind: 'expired' }
  | { kind: 'unknown' };

export interface OpenDeps {
  kms: KMSClient;
  keyId: string;
  store: VersionedStore;
  now: () => number;
  /** Aborts the KMS call when Slack's deadline for the modal would pass. */
  abortSignal?: AbortSignal;
}

/**
 * Reveals a held password to `clicker`, once: checks that it is theirs and not expired, decrypts it
 * (KMS checks the encryption context), then removes the ciphertext with a conditional write. Only
 * when that write wins is the password returned; a second click, or one racing the first, gets
 * `already-revealed`. An expired one is removed now and reported `expired`.
 * @throws the KMS or store error; the ciphertext is kept then, so the person can try again.
 */
export async function openPassword(deps: OpenDeps, secretId: string, clicker: string): Promise<OpenResult> {
  if (!isSecretId(secretId)) return { kind: 'unknown' };
  const key = keyOf(secretId);
  const nowSeconds = Math.floor(deps.now() / 1000);
  const read = await deps.store.get<unknown>(key, nowSeconds);
  if (read.value === undefined) {
    if (read.version === 0) return { kind: 'unknown' };
    // The store hides an item past its expiry (DynamoDB's TTL removes it within days): remove the
    // ciphertext now, whoever asked.
    await deps.store.put(key, { status: 'expired' }, read.version, nowSeconds + 3600);
    return { kind: 'expired' };
  }
  const parsed = sealedPasswordSchema.safeParse(read.value);
  if (!parsed.success) return { kind: 'unknown' };
  const record = parsed.data;
  if (record.status === 'expired') return { kind: 'expired' };
  if (record.status === 'void') return { kind: 'unknown' };
  if (record.recipient !== clicker) return { kind: 'not-yours', recipient: record.recipient };
  if (record.status === 'revealed') return { kind: 'already-revealed', revealedAt: record.revealedAt };
  const { ciphertext, ...about } = record;
  if (record.expiresAt <= nowSeconds) {
    await deps.store.put(key, { ...about, status: 'expired' }, read.version, record.expiresAt + 3600);
    return { kind: 'expired' };
  }
  const { Plaintext: plaintext } = await deps.kms.send(
    new (await kmsSdk()).DecryptCommand({
      KeyId: deps.keyId,
      CiphertextBlob: Buffer.from(ciphertext, 'base64'),
      EncryptionContext: encryptionContext(secretId, record),
    }),
    { abortSignal: deps.abortSignal },
  );
  if (!plaintext) throw new Error('KMS returned no plaintext');
  const password = Buffer.from(plaintext).toString('utf8');
  plaintext.fill(0);
  const revealed = { ...about, status: 'revealed' as const, revealedAt: nowSeconds };
  if (await deps.store.put(key, revealed, read.version, record.expiresAt)) return { kind: 'revealed', password, record: revealed };
  // Another click removed it first: this one shows nothing.
  const again = sealedPasswordSchema.safeParse((await deps.store.get<unknown>(key, nowSeconds)).value);
  return again.success && again.data.status === 'revealed'
    ? { kind: 'already-revealed', revealedAt: again.data.revealedAt }
    : { kind: 'expired' };
}
