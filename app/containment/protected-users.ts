import { globMatches } from '../glob';

/**
 * Why iam-alerts must never disable this IAM user name, or `undefined` when it may.
 *
 * Root is never a target; names matching a `PROTECTED_IAM_USERS` glob are refused. The comparison
 * is case-sensitive, like the stack's explicit IAM Deny on the same names: IAM matches the ARNs in
 * a policy's `Resource` exactly as written, so `admin` there protects `admin` and not `Admin`.
 * Write protected names as IAM spells them. `lookUpUser` checks the name IAM returns, so the app
 * refuses exactly the users the Deny covers (it also refuses a requested spelling that matches,
 * before any IAM call).
 */
export function protectionReason(userName: string, protectedPatterns: readonly string[]): string | undefined {
  const name = userName.trim();
  if (name === '' || /^root$/i.test(name) || /^<root_account>$/i.test(name) || name.endsWith(':root')) {
    return 'the root user is never disabled by iam-alerts';
  }
  const pattern = protectedPatterns.find((p) => globMatches(p, name));
  return pattern ? `IAM user ${name} is protected (PROTECTED_IAM_USERS matches "${pattern}")` : undefined;
}

/**
 * A protected name or `*` glob: the characters IAM allows in user names (letters, digits and
 * `+=,.@_-`, no spaces or quotes) plus `*`. IAM names are at most 64 characters; a glob may be longer.
 */
const PROTECTED_PATTERN = /^[\w+=,.@*-]{1,128}$/;

/**
 * Reads `PROTECTED_IAM_USERS` (and the stack's `protectedIamUsers`): either a JSON array of names,
 * the way to write a name that contains a comma (`["ops,admin","break-glass-*"]`), or a
 * comma-separated list (`break-glass-*,admin`). IAM names cannot contain spaces or quotes, so
 * neither form is ambiguous. A value already parsed (a JSON array in `cdk.json`) is checked the
 * same way.
 * @returns the names, or the problem in words (for the caller to report with the setting's name).
 * @example parseProtectedUsers('["ops,admin", "break-glass-*"]') // { names: ['ops,admin', 'break-glass-*'] }
 */
export function parseProtectedUsers(value: unknown): { names: string[] } | { problem: string } {
  let items: unknown[];
  if (value === undefined || value === null) return { names: [] };
  if (Array.isArray(value)) items = value;
  else if (typeof value !== 'string') return { problem: 'expected a comma-separated list or a JSON array of IAM user names' };
  else if (value.trim().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (!Array.isArray(parsed)) throw new Error('not an array');
      items = parsed;
    } catch {
      return { problem: `expected a JSON array of IAM user names like ["ops,admin","break-glass-*"], got ${value.trim().slice(0, 100)}` };
    }
  } else items = value.split(',');
  const names: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') return { problem: `expected IAM user names as strings, got ${JSON.stringify(item)}` };
    const name = item.trim();
    if (name === '') continue;
    if (!PROTECTED_PATTERN.test(name)) {
      return {
        problem: `"${name.slice(0, 100)}" is not an IAM user name or * glob (letters, digits and +=,.@_- only)`,
      };
    }
    names.push(name);
  }
  return { names };
}

/**
 * `PROTECTED_IAM_USERS` as the stack writes it into the Slack function's environment: the
 * comma-separated list when no name contains a comma, else the JSON array form.
 */
export function formatProtectedUsers(names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  return names.some((n) => n.includes(',')) ? JSON.stringify(names) : names.join(',');
}
