import { globMatches } from '../glob';

/**
 * Why iam-alerts must never disable this IAM user name, or `undefined` when it may.
 * Root is never a target; names matching a `PROTECTED_IAM_USERS` glob are refused. IAM user names
 * are unique case-insensitively, so patterns match case-insensitively too.
 */
export function protectionReason(userName: string, protectedPatterns: readonly string[]): string | undefined {
  const name = userName.trim();
  if (name === '' || /^root$/i.test(name) || /^<root_account>$/i.test(name) || name.endsWith(':root')) {
    return 'the root user is never disabled by iam-alerts';
  }
  const pattern = protectedPatterns.find((p) => globMatches(p, name, { caseInsensitive: true }));
  return pattern ? `IAM user ${name} is protected (PROTECTED_IAM_USERS matches "${pattern}")` : undefined;
}
