import { randomInt } from 'node:crypto';
import {
  AWS_DEFAULT_PASSWORD_RULES,
  CHARACTER_SETS,
  GENERATED_PASSWORD_LENGTH,
  generatePassword,
  MAX_PASSWORD_LENGTH,
  type PasswordRules,
  passwordProblems,
} from '../../app/onboarding/password';

const strictest: PasswordRules = {
  minimumLength: 14,
  requireUppercase: true,
  requireLowercase: true,
  requireNumbers: true,
  requireSymbols: true,
  minimumCharacterTypes: 0,
};

describe('generatePassword', () => {
  it('meets AWS’s default policy (8 characters, three of four character types) with room to spare', () => {
    for (let i = 0; i < 200; i++) {
      const password = generatePassword(AWS_DEFAULT_PASSWORD_RULES);

      expect(passwordProblems(password, AWS_DEFAULT_PASSWORD_RULES)).toEqual([]);
      expect(password).toHaveLength(GENERATED_PASSWORD_LENGTH);
    }
  });

  it('meets a policy that requires every character type, and a longer minimum than its own', () => {
    const long = { ...strictest, minimumLength: 40 };

    for (let i = 0; i < 200; i++) {
      expect(passwordProblems(generatePassword(strictest), strictest)).toEqual([]);
      const password = generatePassword(long);
      expect(password).toHaveLength(40);
      expect(passwordProblems(password, long)).toEqual([]);
    }
    expect(generatePassword({ ...strictest, minimumLength: 500 })).toHaveLength(MAX_PASSWORD_LENGTH);
  });

  it('uses only characters IAM accepts, leaving out the easily misread and those with a meaning in Slack or HTML', () => {
    const allowed = new Set(Object.values(CHARACTER_SETS).join(''));
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) for (const c of generatePassword(strictest)) seen.add(c);

    expect([...seen].filter((c) => !allowed.has(c))).toEqual([]);
    for (const c of ['O', '0', 'l', '1', 'I', '&', '<', '>', '`', "'", '|']) expect(seen.has(c)).toBe(false);
    // Every allowed character turns up: the draw covers the whole alphabet.
    expect(seen.size).toBe(allowed.size);
  });

  it('draws from the random source it is given (crypto.randomInt by default), never a predictable pattern', () => {
    const draws: number[] = [];
    const recorded = (max: number) => {
      const n = randomInt(max);
      draws.push(n);
      return n;
    };

    const password = generatePassword(strictest, recorded);
    const passwords = new Set(Array.from({ length: 500 }, () => generatePassword(strictest)));

    // One draw per character, plus one per shuffle step.
    expect(draws).toHaveLength(password.length + password.length - 1);
    expect(passwords.size).toBe(500);
  });

  it('puts the guaranteed characters anywhere, not always first', () => {
    const firstIsUpper = Array.from({ length: 400 }, () => /^[A-Z]/.test(generatePassword(strictest))).filter(Boolean).length;

    // 24 of the 68 characters are uppercase: about a third of first characters, far from 100 %.
    expect(firstIsUpper).toBeGreaterThan(60);
    expect(firstIsUpper).toBeLessThan(240);
  });
});

describe('passwordProblems', () => {
  it('names what a password lacks', () => {
    expect(passwordProblems('short', strictest)).toEqual(['shorter than 14', 'no uppercase letter', 'no number', 'no symbol']);
    expect(passwordProblems('alllowercaseletters', AWS_DEFAULT_PASSWORD_RULES)).toEqual(['only 1 of the 3 character types needed']);
    expect(passwordProblems('Abcdefg1', AWS_DEFAULT_PASSWORD_RULES)).toEqual([]);
  });
});
