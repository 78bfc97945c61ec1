import { randomInt } from 'node:crypto';

/**
 * The one-time console password: drawn from Node's cryptographic random source (`crypto.randomInt`,
 * which draws without modulo bias) and made to meet the account's password policy.
 */

/** What an account's password policy asks of a new password (`GetAccountPasswordPolicy`). */
export interface PasswordRules {
  minimumLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
  /**
   * How many of the four character types a password needs at least, whichever they are. AWS's
   * default policy (an account without a custom one) asks for three; a custom policy names the
   * types it requires instead (0 here).
   */
  minimumCharacterTypes: number;
}

/**
 * AWS's default password policy, which applies when an account has set none (`GetAccountPasswordPolicy`
 * answers NoSuchEntity): at least 8 characters (at most 128), a mix of at least three of uppercase,
 * lowercase, numbers and symbols, and not the account's name or email address. Source: IAM User
 * Guide, "Set an account password policy for IAM users" (IAM default password policy).
 */
export const AWS_DEFAULT_PASSWORD_RULES: PasswordRules = {
  minimumLength: 8,
  requireUppercase: false,
  requireLowercase: false,
  requireNumbers: false,
  requireSymbols: false,
  minimumCharacterTypes: 3,
};

/** IAM's upper bound on a password's length. */
export const MAX_PASSWORD_LENGTH = 128;

/**
 * How long the generated password is at least: far past any policy's usual minimum (an account may
 * ask for more, up to 128), so that it stays strong even under AWS's default policy of 8.
 */
export const GENERATED_PASSWORD_LENGTH = 24;

/**
 * The four character types IAM's password policy knows, without the characters that are easily
 * misread (O and 0, I, l and 1): the password is read off a screen and typed.
 */
export const CHARACTER_SETS = {
  uppercase: 'ABCDEFGHJKLMNPQRSTUVWXYZ',
  lowercase: 'abcdefghijkmnopqrstuvwxyz',
  numbers: '23456789',
  // IAM's symbol list is ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '. Left out: & (an entity in Slack
  // and HTML), ' (quoting), | and the brackets (mistaken for one another when read off a screen).
  symbols: '!@#$%^*_+-=',
} as const;

type CharacterType = keyof typeof CHARACTER_SETS;
const TYPES = Object.keys(CHARACTER_SETS) as CharacterType[];

/**
 * A random password that meets `rules`: `GENERATED_PASSWORD_LENGTH` characters or the policy's
 * minimum if larger, with at least one character of every type (which meets any combination a policy
 * can require, and AWS's default "three of four"), shuffled so no position is predictable.
 * @param random a source of uniform integers in [0, max); `crypto.randomInt` unless a test says otherwise.
 */
export function generatePassword(rules: PasswordRules, random: (max: number) => number = randomInt): string {
  const length = Math.min(MAX_PASSWORD_LENGTH, Math.max(GENERATED_PASSWORD_LENGTH, rules.minimumLength));
  const all = TYPES.map((t) => CHARACTER_SETS[t]).join('');
  const chars = TYPES.map((t) => pick(CHARACTER_SETS[t], random));
  while (chars.length < length) chars.push(pick(all, random));
  // Fisher-Yates with the same source: the guaranteed characters end up anywhere.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}

function pick(set: string, random: (max: number) => number): string {
  return set[random(set.length)] as string;
}

/**
 * Why `password` does not meet `rules`, or an empty list when it does. Used by tests, and checked
 * before a password is set, so a broken generator fails loudly instead of being refused by IAM.
 */
export function passwordProblems(password: string, rules: PasswordRules): string[] {
  const problems: string[] = [];
  if (password.length < rules.minimumLength) problems.push(`shorter than ${rules.minimumLength}`);
  if (password.length > MAX_PASSWORD_LENGTH) problems.push(`longer than ${MAX_PASSWORD_LENGTH}`);
  const has = {
    uppercase: /[A-Z]/.test(password),
    lowercase: /[a-z]/.test(password),
    numbers: /[0-9]/.test(password),
    symbols: /[!@#$%^&*()_+\-=[\]{}|']/.test(password),
  };
  if (rules.requireUppercase && !has.uppercase) problems.push('no uppercase letter');
  if (rules.requireLowercase && !has.lowercase) problems.push('no lowercase letter');
  if (rules.requireNumbers && !has.numbers) problems.push('no number');
  if (rules.requireSymbols && !has.symbols) problems.push('no symbol');
  const types = Object.values(has).filter(Boolean).length;
  if (types < rules.minimumCharacterTypes) problems.push(`only ${types} of the ${rules.minimumCharacterTypes} character types needed`);
  return problems;
}
