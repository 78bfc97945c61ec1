import type { IAMClient } from '@aws-sdk/client-iam';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { WebClient } from '@slack/web-api';
import type { Config } from '../app/config';
import type { Logger } from '../app/logger';
import { createNotifierOnboarding, type NotifierOnboarding } from '../app/onboarding/notifier-onboarding';
import type { VersionedStore } from '../app/state/versioned-store';

/**
 * Onboarding's part of the composition root (issue 13). The SDK clients are loaded with dynamic
 * `import()` and built on first use, once per container: a deployment with onboarding off never
 * loads them, and one with it on loads them only for a CreateUser or a Reveal.
 */

/** KMS and SES clients on first use (each may be needed by neither function: see the stack). */
export function makeOnboardingClients(config: Config): { kms?: () => Promise<KMSClient>; ses?: () => Promise<SESv2Client> } {
  if (config.onboarding.mode === 'off') return {};
  return {
    kms: once(async () => {
      const { KMSClient } = await import('@aws-sdk/client-kms');
      return new KMSClient({});
    }),
    ses: once(async () => {
      const { SESv2Client } = await import('@aws-sdk/client-sesv2');
      return new SESv2Client({});
    }),
  };
}

/**
 * The notifier's onboarding step: auto mode onboards with the notifier's own role (IAM, KMS Encrypt,
 * SES); approve mode only posts the offer, and needs no AWS client. Undefined when onboarding is off,
 * or without a state store (a one-off preview: no claim could make it happen once).
 */
export function makeNotifierOnboarding(
  config: Config,
  logger: Logger,
  slack: WebClient,
  store: VersionedStore | undefined,
): NotifierOnboarding | undefined {
  const { mode } = config.onboarding;
  if (mode === 'off' || !store) return undefined;
  const homeAccountId = config.accounts.homeAccountId;
  if (mode === 'approve') return createNotifierOnboarding({ mode, settings: config.onboarding, logger, homeAccountId });
  const iam = once(async (): Promise<IAMClient> => {
    const { IAMClient } = await import('@aws-sdk/client-iam');
    return new IAMClient({});
  });
  return createNotifierOnboarding({
    mode,
    onboarding: {
      settings: config.onboarding,
      iam,
      ...makeOnboardingClients(config),
      slack,
      store,
      logger,
      clock: () => new Date(),
      protectedIamUsers: config.protectedIamUsers,
      homeAccountId,
      accountAliases: config.accountAliases,
    },
  });
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}
