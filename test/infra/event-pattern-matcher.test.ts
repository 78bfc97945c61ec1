import { deliveredToRule, matchesEventPattern } from './support/event-pattern-matcher';

/** The test evaluator must follow EventBridge's matching rules, or the corpus test proves nothing. */
describe('matchesEventPattern', () => {
  const event = {
    source: 'aws.iam',
    'detail-type': 'AWS API Call via CloudTrail',
    detail: { eventName: 'CreateUser', userAgent: 'TruffleHog/3.0', readOnly: false, userIdentity: { type: 'IAMUser' }, tags: ['a', 'b'] },
  };

  it('needs every key to match, each leaf being a list of alternatives', () => {
    expect(matchesEventPattern({ source: ['aws.sts', 'aws.iam'], detail: { eventName: ['CreateUser'] } }, event)).toBe(true);
    expect(matchesEventPattern({ source: ['aws.iam'], detail: { eventName: ['DeleteUser'] } }, event)).toBe(false);
  });

  it('matches booleans exactly and arrays by any element', () => {
    expect(matchesEventPattern({ detail: { readOnly: [false] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { readOnly: ['false'] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { tags: ['b'] } }, event)).toBe(true);
  });

  it('matches a missing field only with exists: false, and never with anything-but', () => {
    expect(matchesEventPattern({ detail: { errorCode: [{ exists: false }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { errorCode: [{ exists: true }] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { errorCode: [{ 'anything-but': ['AccessDenied'] }] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { userIdentity: { type: [{ 'anything-but': ['Root'] }] } } }, event)).toBe(true);
  });

  it('applies case-sensitive wildcards and prefixes', () => {
    expect(matchesEventPattern({ detail: { userAgent: [{ wildcard: '*TruffleHog*' }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { userAgent: [{ wildcard: '*trufflehog*' }] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { eventName: [{ prefix: 'Create' }] } }, event)).toBe(true);
  });

  it('needs one branch of $or', () => {
    const pattern = { detail: { $or: [{ readOnly: [true] }, { eventName: ['CreateUser'] }] } };
    expect(matchesEventPattern(pattern, event)).toBe(true);
    expect(matchesEventPattern({ detail: { $or: [{ readOnly: [true] }, { eventName: ['X'] }] } }, event)).toBe(false);
  });

  it('throws on an operator it does not implement instead of guessing', () => {
    expect(() => matchesEventPattern({ detail: { eventName: [{ suffix: 'User' }] } }, event)).toThrow(/unsupported/);
  });
});

describe('deliveredToRule', () => {
  const getCallerIdentity = {
    source: 'aws.sts',
    'detail-type': 'AWS API Call via CloudTrail',
    detail: { eventName: 'GetCallerIdentity', eventSource: 'sts.amazonaws.com' },
  };
  const pattern = { source: ['aws.sts'] };

  it('keeps Get/List/Describe calls from rules in the plain ENABLED state', () => {
    expect(deliveredToRule({ pattern, includeReadOnlyEvents: false }, getCallerIdentity)).toBe(false);
    expect(deliveredToRule({ pattern, includeReadOnlyEvents: true }, getCallerIdentity)).toBe(true);
  });
});

describe('matchesEventPattern on nested paths', () => {
  const issuer = { detail: { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } } } };

  it('holds exists:false under a missing parent (EventBridge matches flattened paths), and nothing else', () => {
    expect(matchesEventPattern(issuer, { detail: { userIdentity: { type: 'IAMUser' } } })).toBe(true);
    expect(matchesEventPattern(issuer, { detail: {} })).toBe(true);
    expect(matchesEventPattern(issuer, { detail: { userIdentity: { sessionContext: { sessionIssuer: { arn: 'arn:x' } } } } })).toBe(false);
    expect(matchesEventPattern({ detail: { userIdentity: { type: ['IAMUser'] } } }, { detail: {} })).toBe(false);
  });
});
