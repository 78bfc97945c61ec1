import { AccessDeniedException, ListAccountsCommand, OrganizationsClient, TooManyRequestsException } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ACCOUNT_LISTING_RETRY_MS,
  ACCOUNT_LISTING_TTL_MS,
  createAccountDirectory,
  MEMBERSHIP_RECHECK_MS,
} from '../../app/accounts/account-directory';

/**
 * Account names from ACCOUNT_ALIASES and Organizations' ListAccounts (aws-sdk-client-mock at the SDK
 * layer: moto's Organizations would need the whole organization built first, and the behaviour
 * under test is the paging, the cache and the fallback).
 */

const organizations = mockClient(OrganizationsClient);

function logger() {
  const calls: Array<{ level: string; message: string }> = [];
  const log = (level: string) => (message: string) => {
    calls.push({ level, message });
  };
  return { calls, logger: { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') } as any };
}

function clock(start = 1_800_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const twoPages = () => {
  organizations
    .on(ListAccountsCommand, { NextToken: undefined })
    .resolves({
      Accounts: [
        { Id: '111111111111', Name: 'security' },
        { Id: '222222222222', Name: 'Production' },
      ],
      NextToken: 'page-2',
    })
    .on(ListAccountsCommand, { NextToken: 'page-2' })
    .resolves({ Accounts: [{ Id: '333333333333', Name: 'sandbox' }] });
};

beforeEach(() => organizations.reset());

describe('createAccountDirectory', () => {
  it('names accounts from every page of ListAccounts, with ACCOUNT_ALIASES winning', async () => {
    twoPages();
    const directory = createAccountDirectory({
      aliases: { '222222222222': 'prod' },
      organizations: async () => new OrganizationsClient({}),
    });

    expect(await directory.names()).toEqual({ '111111111111': 'security', '222222222222': 'prod', '333333333333': 'sandbox' });
    expect(await directory.nameOf('333333333333')).toBe('sandbox');
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(2);
  });

  it('reads the listing once per TTL, then again', async () => {
    twoPages();
    const time = clock();
    const directory = createAccountDirectory({ aliases: {}, organizations: async () => new OrganizationsClient({}), now: time.now });

    await directory.names();
    time.advance(ACCOUNT_LISTING_TTL_MS - 1);
    await directory.nameOf('111111111111');
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(2);

    time.advance(1);
    await directory.names();
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(4);
  });

  it('falls back quietly to aliases and IDs when ListAccounts is refused, logs it once and never asks again', async () => {
    organizations.on(ListAccountsCommand).rejects(new AccessDeniedException({ message: 'not the management account', $metadata: {} }));
    const { calls, logger: log } = logger();
    const time = clock();
    const directory = createAccountDirectory({
      aliases: { '222222222222': 'prod' },
      organizations: async () => new OrganizationsClient({}),
      logger: log,
      now: time.now,
    });

    expect(await directory.names()).toEqual({ '222222222222': 'prod' });
    time.advance(ACCOUNT_LISTING_TTL_MS * 3);
    expect(await directory.nameOf('333333333333')).toBeUndefined();
    expect(await directory.membership('333333333333')).toBe('unknown');

    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(1);
    expect(calls).toEqual([{ level: 'info', message: expect.stringMatching(/ListAccounts is not permitted/) }]);
  });

  it('keeps the last listing through a throttled refresh, and tries again after a pause', async () => {
    twoPages();
    const time = clock();
    const { calls, logger: log } = logger();
    const directory = createAccountDirectory({
      aliases: {},
      organizations: async () => new OrganizationsClient({}),
      now: time.now,
      logger: log,
    });
    await directory.names();
    organizations.reset();
    organizations.on(ListAccountsCommand).rejects(new TooManyRequestsException({ message: 'slow down', $metadata: {} }));
    time.advance(ACCOUNT_LISTING_TTL_MS);

    expect(await directory.nameOf('333333333333')).toBe('sandbox');
    expect(await directory.nameOf('333333333333')).toBe('sandbox');
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(1);
    expect(calls.map((c) => c.level)).toEqual(['warn']);

    time.advance(ACCOUNT_LISTING_RETRY_MS);
    await directory.names();
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(2);
  });

  it('makes no call without an organization (single-account mode)', async () => {
    const directory = createAccountDirectory({ aliases: { '111111111111': 'home' } });

    expect(await directory.names()).toEqual({ '111111111111': 'home' });
    expect(await directory.membership('222222222222')).toBe('unknown');
    expect(organizations.calls()).toEqual([]);
  });

  it('does not hold up alerts for a slow listing (waitMs), and has the names for the next ones', async () => {
    let release: () => void = () => undefined;
    organizations.on(ListAccountsCommand).callsFake(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ Accounts: [{ Id: '333333333333', Name: 'sandbox' }] });
        }),
    );
    const directory = createAccountDirectory({
      aliases: { '111111111111': 'home' },
      organizations: async () => new OrganizationsClient({}),
    });

    expect(await directory.names({ waitMs: 5 })).toEqual({ '111111111111': 'home' });
    release();
    expect(await directory.names({ waitMs: 5 })).toEqual({ '111111111111': 'home', '333333333333': 'sandbox' });
  });

  it('resolves IDs, aliases and organization names (case-insensitively) to account IDs', async () => {
    twoPages();
    const directory = createAccountDirectory({
      aliases: { '444444444444': 'Staging' },
      organizations: async () => new OrganizationsClient({}),
    });

    expect(await directory.resolve('555555555555')).toBe('555555555555');
    expect(await directory.resolve('staging')).toBe('444444444444');
    expect(await directory.resolve('PRODUCTION')).toBe('222222222222');
    expect(await directory.resolve('nowhere')).toBeUndefined();
  });

  it('tells members from outsiders, reading a listing older than a minute again before calling an account an outsider', async () => {
    twoPages();
    const time = clock();
    const directory = createAccountDirectory({ aliases: {}, organizations: async () => new OrganizationsClient({}), now: time.now });

    expect(await directory.membership('222222222222')).toBe('member');
    expect(await directory.membership('999999999999')).toBe('not-member');
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(2);

    // The account joined the organization after the listing was read.
    organizations.reset();
    organizations.on(ListAccountsCommand).resolves({ Accounts: [{ Id: '999999999999', Name: 'new' }] });
    time.advance(MEMBERSHIP_RECHECK_MS);
    expect(await directory.membership('999999999999')).toBe('member');
  });
});
