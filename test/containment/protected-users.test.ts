import { formatProtectedUsers, parseProtectedUsers, protectionReason } from '../../app/containment/protected-users';

describe('protectionReason', () => {
  it('refuses root in any spelling', () => {
    for (const name of ['root', 'ROOT', '<root_account>', 'arn:aws:iam::123456789012:root']) {
      expect(protectionReason(name, [])).toBe('the root user is never disabled by iam-alerts');
    }
  });

  it('refuses a name matching a pattern exactly or by * glob', () => {
    expect(protectionReason('admin', ['admin'])).toBe('IAM user admin is protected (PROTECTED_IAM_USERS matches "admin")');
    expect(protectionReason('break-glass-ops', ['admin', 'break-glass-*'])).toMatch(/matches "break-glass-\*"/);
    expect(protectionReason('ops,admin', ['ops,admin'])).toMatch(/protected/);
  });

  it('compares case-sensitively, as the IAM Deny on the same ARNs does', () => {
    // IAM matches `user/admin` in a policy's Resource only for the user spelled `admin`.
    expect(protectionReason('Admin', ['admin'])).toBeUndefined();
    expect(protectionReason('BREAK-GLASS-ops', ['break-glass-*'])).toBeUndefined();
    expect(protectionReason('Break-Glass', ['Break-Glass'])).toMatch(/protected/);
  });

  it('treats every other character literally', () => {
    expect(protectionReason('adminX', ['admin.'])).toBeUndefined();
    expect(protectionReason('admin.', ['admin.'])).toMatch(/protected/);
  });
});

describe('parseProtectedUsers', () => {
  it('reads a comma-separated list, trimming blanks', () => {
    expect(parseProtectedUsers(' break-glass-*, admin,, ')).toEqual({ names: ['break-glass-*', 'admin'] });
    expect(parseProtectedUsers('')).toEqual({ names: [] });
    expect(parseProtectedUsers(undefined)).toEqual({ names: [] });
  });

  it('reads a JSON array, the form for names that contain commas', () => {
    expect(parseProtectedUsers('["ops,admin", "break-glass-*"]')).toEqual({ names: ['ops,admin', 'break-glass-*'] });
    expect(parseProtectedUsers(' ["a,b,c"] ')).toEqual({ names: ['a,b,c'] });
  });

  it('reads an array already parsed (cdk.json)', () => {
    expect(parseProtectedUsers(['ops,admin', 'x'])).toEqual({ names: ['ops,admin', 'x'] });
  });

  it('says what is wrong with a malformed value', () => {
    expect(parseProtectedUsers('["ops,admin", break-glass]')).toEqual({ problem: expect.stringMatching(/expected a JSON array/) });
    expect(parseProtectedUsers('{"a": 1}')).toEqual({ problem: expect.stringMatching(/is not an IAM user name/) });
    expect(parseProtectedUsers('[1]')).toEqual({ problem: expect.stringMatching(/as strings, got 1/) });
    expect(parseProtectedUsers('alice bob')).toEqual({ problem: expect.stringMatching(/"alice bob" is not an IAM user name/) });
    expect(parseProtectedUsers('["it\'s"]')).toEqual({ problem: expect.stringMatching(/is not an IAM user name/) });
    expect(parseProtectedUsers(42)).toEqual({ problem: expect.stringMatching(/comma-separated list or a JSON array/) });
  });
});

describe('formatProtectedUsers', () => {
  it('writes the comma list when it can, and JSON when a name has a comma; both read back the same', () => {
    expect(formatProtectedUsers(['break-glass-*', 'admin'])).toBe('break-glass-*,admin');
    expect(formatProtectedUsers(['ops,admin', 'admin'])).toBe('["ops,admin","admin"]');
    expect(formatProtectedUsers([])).toBeUndefined();
    for (const names of [
      ['a', 'b'],
      ['ops,admin', 'x'],
    ])
      expect(parseProtectedUsers(formatProtectedUsers(names))).toEqual({ names });
  });
});
