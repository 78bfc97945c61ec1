import { describeQuery, parseDuration, parseHistoryCommand } from '../../app/history/query';

describe('parseHistoryCommand', () => {
  it('defaults to the last 24 hours and 20 results', () => {
    expect(parseHistoryCommand('')).toEqual({ kind: 'query', query: { sinceMinutes: 1440, limit: 20 } });
    expect(parseHistoryCommand(undefined)).toEqual({ kind: 'query', query: { sinceMinutes: 1440, limit: 20 } });
  });

  it('reads every filter', () => {
    expect(parseHistoryCommand('user:alice event:CreateAccessKey actor:deploy-bot ip:203.0.113.7 since:7d limit:50')).toEqual({
      kind: 'query',
      query: { user: 'alice', event: 'CreateAccessKey', actor: 'deploy-bot', ip: '203.0.113.7', sinceMinutes: 7 * 1440, limit: 50 },
    });
  });

  it('reads account: as a 12-digit ID or a name, and writes it back', () => {
    expect(parseHistoryCommand('account:222222222222')).toMatchObject({ query: { account: '222222222222' } });
    const named = parseHistoryCommand('ACCOUNT:prod-eu user:alice');
    expect(named).toMatchObject({ kind: 'query', query: { account: 'prod-eu', user: 'alice' } });
    expect(named.kind === 'query' && describeQuery(named.query)).toBe('user:alice since:24h limit:20 account:prod-eu');
    const bad = parseHistoryCommand('account:prod!');
    expect(bad.kind === 'invalid' && bad.problems).toEqual([
      '`account:prod!` is not an account: give its 12-digit ID or its name without spaces, e.g. `account:prod`.',
    ]);
  });

  it.each(['help', 'HELP', '--help', '?'])('answers %s with help', (text) => {
    expect(parseHistoryCommand(text)).toEqual({ kind: 'help' });
  });

  it('accepts keys in any case, IPv6 and service names, and e-mail-like SSO names Slack wrapped as links', () => {
    expect(parseHistoryCommand('USER:bob ip:2001:db8::1')).toMatchObject({ kind: 'query', query: { user: 'bob', ip: '2001:db8::1' } });
    expect(parseHistoryCommand('ip:iam.amazonaws.com')).toMatchObject({ query: { ip: 'iam.amazonaws.com' } });
    expect(parseHistoryCommand('actor:<mailto:jo@example.com|jo@example.com>')).toMatchObject({ query: { actor: 'jo@example.com' } });
  });

  it.each([
    ['alice', '`alice` is not a filter'],
    ['who:alice', '`who` is not a filter I know'],
    ['user:', '`user:` needs a value'],
    ['user:a user:b', 'given twice'],
    ['since:91d', 'too far back'],
    ['since:yesterday', 'not a duration'],
    ['since:0h', 'not a duration'],
    ['limit:0', 'from 1 to 100'],
    ['limit:101', 'from 1 to 100'],
    ['limit:ten', 'from 1 to 100'],
    ['event:create-user', 'not an API name'],
    ['ip:not_an_ip', 'not an IP address'],
    ['user:a<b', 'not a valid IAM user name'],
  ])('explains what is wrong with %s', (text, problem) => {
    const parsed = parseHistoryCommand(text);
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind === 'invalid') expect(parsed.problems.join(' ')).toContain(problem);
  });

  it('lists every problem at once', () => {
    const parsed = parseHistoryCommand('since:1y limit:500 nope');
    expect(parsed.kind === 'invalid' && parsed.problems).toHaveLength(3);
  });

  it('accepts since:90d exactly', () => {
    expect(parseHistoryCommand('since:90d')).toMatchObject({ query: { sinceMinutes: 90 * 1440 } });
  });
});

describe('parseDuration and describeQuery', () => {
  it('reads minutes, hours and days', () => {
    expect([parseDuration('30m'), parseDuration('12h'), parseDuration('2d'), parseDuration('2w')]).toEqual([30, 720, 2880, undefined]);
  });

  it('writes a query back as filters', () => {
    expect(describeQuery({ user: 'bob', sinceMinutes: 90, limit: 20 })).toBe('user:bob since:90m limit:20');
  });
});
