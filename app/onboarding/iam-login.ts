import type { IAMClient, Tag } from '@aws-sdk/client-iam';
import { isNoSuchEntity } from '../containment/iam-steps';
import { AWS_DEFAULT_PASSWORD_RULES, type PasswordRules } from './password';
import type { UserTags } from './qualify';

/** Loaded on first use: onboarding is off by default, and the notifier's cold start should not pay for @aws-sdk/client-iam. */
const iamSdk = () => import('@aws-sdk/client-iam');

/**
 * The IAM calls of onboarding, each answering in the domain's words. Every IAM action here is listed
 * in `ONBOARDING_IAM_ACTIONS` (infra/constructs/onboarding-policy.ts); a test keeps the two in step.
 */

/** True for IAM's EntityAlreadyExists (the user already has a console password). */
export function isEntityAlreadyExists(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'EntityAlreadyExistsException' || name === 'EntityAlreadyExists';
}

/**
 * The account's password policy as rules for the generator; AWS's default policy when the account
 * has none (IAM answers NoSuchEntity then).
 * @throws the IAM error for anything else (AccessDenied, throttling).
 */
export async function readPasswordRules(iam: IAMClient): Promise<PasswordRules> {
  try {
    const { PasswordPolicy: policy } = await iam.send(new (await iamSdk()).GetAccountPasswordPolicyCommand({}));
    return {
      minimumLength: policy?.MinimumPasswordLength ?? 6,
      requireUppercase: policy?.RequireUppercaseCharacters ?? false,
      requireLowercase: policy?.RequireLowercaseCharacters ?? false,
      requireNumbers: policy?.RequireNumbers ?? false,
      requireSymbols: policy?.RequireSymbols ?? false,
      minimumCharacterTypes: 0,
    };
  } catch (error) {
    if (isNoSuchEntity(error)) return AWS_DEFAULT_PASSWORD_RULES;
    throw error;
  }
}

/**
 * The user's tags, as IAM holds them. Also tells that the user (still) exists.
 * @throws NoSuchEntity when the user was deleted meanwhile; the IAM error otherwise.
 */
export async function readUserTags(iam: IAMClient, userName: string): Promise<UserTags> {
  const tags: Record<string, string> = {};
  let marker: string | undefined;
  do {
    const page = await iam.send(new (await iamSdk()).ListUserTagsCommand({ UserName: userName, Marker: marker }));
    for (const tag of page.Tags ?? ([] as Tag[])) if (tag.Key && tag.Value !== undefined) tags[tag.Key] = tag.Value;
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return tags;
}

/**
 * Whether the user already has a console password. Called after {@link readUserTags} has shown that
 * the user exists, so NoSuchEntity here means "no login profile".
 */
export async function hasConsolePassword(iam: IAMClient, userName: string): Promise<boolean> {
  try {
    await iam.send(new (await iamSdk()).GetLoginProfileCommand({ UserName: userName }));
    return true;
  } catch (error) {
    if (isNoSuchEntity(error)) return false;
    throw error;
  }
}

/**
 * Sets the user's first console password, to be changed at first sign-in. Never overwrites one:
 * IAM refuses CreateLoginProfile for a user that has a password (EntityAlreadyExists), and this
 * says so instead of throwing.
 * @throws the IAM error otherwise: NoSuchEntity (user deleted meanwhile), PasswordPolicyViolation.
 */
export async function createConsolePassword(iam: IAMClient, userName: string, password: string): Promise<'created' | 'exists'> {
  try {
    await iam.send(new (await iamSdk()).CreateLoginProfileCommand({ UserName: userName, Password: password, PasswordResetRequired: true }));
    return 'created';
  } catch (error) {
    if (isEntityAlreadyExists(error)) return 'exists';
    throw error;
  }
}

const ACCOUNT_ALIAS = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?$/;

/**
 * The account's console sign-in URL: `https://<alias>.signin.aws.amazon.com/console` with the IAM
 * account alias when there is one, the account ID otherwise (also when the alias cannot be read:
 * that URL works too).
 */
export async function signInUrl(iam: IAMClient, accountId: string): Promise<string> {
  let alias: string | undefined;
  try {
    alias = (await iam.send(new (await iamSdk()).ListAccountAliasesCommand({}))).AccountAliases?.[0];
  } catch {
    alias = undefined;
  }
  return `https://${alias && ACCOUNT_ALIAS.test(alias) ? alias : accountId}.signin.aws.amazon.com/console`;
}
