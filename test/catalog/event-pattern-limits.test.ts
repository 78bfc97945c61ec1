import {
  eventPatternComplexity,
  eventPatternProblems,
  MAX_RULE_WILDCARD_COMPLEXITY,
  usesWildcards,
  wildcardCost,
} from '../../app/catalog/event-pattern-limits';

const userAgents = (...needles: string[]) => ({
  source: ['aws.iam', 'aws.sts'],
  detail: { eventSource: ['iam.amazonaws.com', 'sts.amazonaws.com'], userAgent: needles.map((n) => ({ wildcard: `*${n}*` })) },
});

describe('the EventBridge wildcard complexity model (after aws/event-ruler MachineComplexityEvaluator)', () => {
  it('matches the public calibration: three *x* patterns on one field are accepted, four are refused', () => {
    expect(eventPatternComplexity(userAgents('a', 'b', 'c')).score).toBe(9);
    expect(eventPatternProblems(userAgents('a', 'b', 'c'))).toEqual([]);

    expect(eventPatternComplexity(userAgents('a', 'b', 'c', 'd')).score).toBe(12);
    expect(eventPatternProblems(userAgents('a', 'b', 'c', 'd'))).toEqual([
      `wildcard complexity 12 on detail.userAgent, over the ${MAX_RULE_WILDCARD_COMPLEXITY} EventBridge accepts`,
    ]);
  });

  it('scores the user-agent rule that would have rolled back the first deploy at 39', () => {
    const casings = ['TruffleHog', 'trufflehog', 'TRUFFLEHOG', 'Pacu', 'pacu', 'PACU', 'S3 Browser', 's3 browser', 'S3 BROWSER'];
    const rule = userAgents(...casings, 'kali', 'KALI', 'parrot', 'PARROT');

    expect(eventPatternComplexity(rule).score).toBe(39);
  });

  it('takes the worst field, not the sum over fields, and adds up $or branches on one field', () => {
    const twoFields = { detail: { userAgent: [{ wildcard: '*a*' }, { wildcard: '*b*' }], sourceIPAddress: [{ wildcard: '10.*' }] } };
    expect(eventPatternComplexity(twoFields)).toEqual({
      score: 6,
      fields: [
        { field: 'detail.userAgent', score: 6 },
        { field: 'detail.sourceIPAddress', score: 2 },
      ],
    });

    const branches = { detail: { $or: [{ userAgent: [{ wildcard: '*a*' }] }, { userAgent: [{ wildcard: '*b*' }, { wildcard: '*c*' }] }] } };
    expect(eventPatternComplexity(branches).score).toBe(9);
  });

  it('gives rules without wildcards a score of 0', () => {
    const plain = {
      source: ['aws.signin'],
      detail: {
        eventName: ['ConsoleLogin'],
        userIdentity: { type: [{ 'anything-but': ['Root'] }] },
        x: [{ prefix: 'a' }, { exists: true }],
      },
    };
    expect(eventPatternComplexity(plain).score).toBe(0);
    expect(usesWildcards(plain)).toBe(false);
  });

  it('costs a pattern by its stars, and refuses shapes it is not calibrated for', () => {
    expect(wildcardCost('*kali*')).toBe(3);
    expect(wildcardCost('arn:aws:iam::*')).toBe(2);
    expect(wildcardCost('*.amazonaws.com')).toBe(2);
    expect(wildcardCost('exact')).toBe(1);
    expect(wildcardCost('*a\\*b*')).toBe(3);

    expect(() => wildcardCost('a*b')).toThrow(/not calibrated/);
    expect(() => wildcardCost('*a*b*')).toThrow(/not calibrated/);
    expect(eventPatternProblems({ detail: { userAgent: [{ 'anything-but': { wildcard: '*a*' } }] } })).toEqual([
      expect.stringMatching(/nests a wildcard.*not calibrated/),
    ]);
  });

  it('refuses a pattern over 2,048 characters', () => {
    const long = { detail: { eventName: Array.from({ length: 200 }, (_, i) => `SomeRatherLongEventName${i}`) } };

    expect(eventPatternProblems(long)).toEqual([expect.stringMatching(/^pattern is \d+ characters, over EventBridge's 2048$/)]);
  });
});
