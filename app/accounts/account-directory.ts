import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { Logger } from '../logger';

/**
 * Account names: `ACCOUNT_ALIASES` first, then, where this function may call it, Organizations'
 * `ListAccounts` (the names the organization gave its accounts). The listing is read page by page,
 * cached in the container for {@link ACCOUNT_LISTING_TTL_MS}, and also tells which accounts are in
 * the organization. When AWS refuses the call (not the management or a delegated administrator
 * account, no permission, no organization) names fall back quietly to the aliases and IDs: that is
 * logged once, and the call is not tried again in this container.
 */

/** How long a listing is used before it is read again. */
export const ACCOUNT_LISTING_TTL_MS = 15 * 60_000;
/** After a failure other than a refusal (throttling, network), how long to wait before trying again. */
export const ACCOUNT_LISTING_RETRY_MS = 60_000;
/** A listing older than this is read again before an account is called "not in the organization". */
export const MEMBERSHIP_RECHECK_MS = 60_000;

export interface AccountDirectory {
  /**
   * Account ID → name for every account known: the organization's names under `ACCOUNT_ALIASES`.
   * Never throws. With `waitMs`, a listing that takes longer is not waited for (it is still cached
   * for the next call): alerts go out with the names known so far.
   */
  names(options?: { waitMs?: number }): Promise<Readonly<Record<string, string>>>;
  /** The name of one account, or `undefined`. Never throws. */
  nameOf(accountId: string): Promise<string | undefined>;
  /**
   * An account ID for what a user typed: 12 digits as they are, else an alias or an organization
   * account name (case-insensitively); `undefined` when nothing matches. Never throws.
   */
  resolve(reference: string): Promise<string | undefined>;
  /**
   * Whether the organization lists `accountId`: `unknown` when there is no listing (single-account,
   * or ListAccounts not permitted). Never throws.
   */
  membership(accountId: string): Promise<'member' | 'not-member' | 'unknown'>;
}

export interface AccountDirectoryOptions {
  /** `ACCOUNT_ALIASES`: they win over the organization's names. */
  aliases: Readonly<Record<string, string>>;
  /** The Organizations client; absent: no listing (single-account mode). */
  organizations?: () => Promise<OrganizationsClient>;
  logger?: Logger;
  /** Epoch milliseconds. */
  now?: () => number;
}

interface Listing {
  at: number;
  /** Account ID → name as the organization lists it. */
  accounts: Map<string, string>;
}

/** Error names meaning "you may not list this organization's accounts": no retry in this container. */
const REFUSED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'AWSOrganizationsNotInUseException',
  'AccessDeniedForDependencyException',
]);

/**
 * The account ID for what a user typed, when the settings alone say it: 12 digits as they are, or
 * an `ACCOUNT_ALIASES` alias (case-insensitively); `undefined` otherwise.
 */
export function accountIdFromAliases(reference: string, aliases: Readonly<Record<string, string>>): string | undefined {
  const wanted = reference.trim();
  if (/^\d{12}$/.test(wanted)) return wanted;
  const lower = wanted.toLowerCase();
  return Object.entries(aliases).find(([, alias]) => alias.toLowerCase() === lower)?.[0];
}

/** Creates the directory; one per container (its cache is the point). */
export function createAccountDirectory(options: AccountDirectoryOptions): AccountDirectory {
  const now = options.now ?? Date.now;
  const aliases = options.aliases;
  let listing: Listing | undefined;
  let pending: Promise<Listing | undefined> | undefined;
  let refused = false;
  let retryAfter = 0;

  const read = async (): Promise<Listing | undefined> => {
    const client = await options.organizations!();
    const { paginateListAccounts } = await import('@aws-sdk/client-organizations');
    const accounts = new Map<string, string>();
    for await (const page of paginateListAccounts({ client }, {})) {
      for (const account of page.Accounts ?? []) if (account.Id) accounts.set(account.Id, account.Name ?? '');
    }
    return { at: now(), accounts };
  };

  /** The listing, read again when stale or when `force`d; `undefined` when there is none to be had. */
  const load = (force = false): Promise<Listing | undefined> => {
    if (!options.organizations || refused) return Promise.resolve(undefined);
    if (listing && !force && now() - listing.at < ACCOUNT_LISTING_TTL_MS) return Promise.resolve(listing);
    // Shortly after a failure, make do with what there is (a stale listing, or none).
    if (now() < retryAfter) return Promise.resolve(listing);
    pending ??= read()
      .then((fresh) => {
        listing = fresh;
        return fresh;
      })
      .catch((error: unknown) => {
        const name = (error as { name?: string }).name ?? 'Error';
        if (REFUSED.has(name)) {
          refused = true;
          listing = undefined;
          options.logger?.info('organizations:ListAccounts is not permitted here: accounts are named from ACCOUNT_ALIASES only', {
            error: name,
          });
          return undefined;
        }
        retryAfter = now() + ACCOUNT_LISTING_RETRY_MS;
        options.logger?.warn('could not list the organization’s accounts; using the names known so far', {
          error: name,
          message: (error as Error).message,
        });
        // A stale listing is better than none.
        return listing;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };

  const merged = (found: Listing | undefined): Record<string, string> => {
    const names: Record<string, string> = {};
    for (const [id, name] of found?.accounts ?? []) if (name) names[id] = name;
    return { ...names, ...aliases };
  };

  return {
    async names({ waitMs } = {}) {
      const loading = load();
      if (waitMs === undefined) return merged(await loading);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<Listing | undefined>((resolve) => {
        timer = setTimeout(() => resolve(listing), waitMs);
      });
      try {
        return merged(await Promise.race([loading, late]));
      } finally {
        clearTimeout(timer);
      }
    },
    async nameOf(accountId) {
      if (aliases[accountId]) return aliases[accountId];
      return (await load())?.accounts.get(accountId) || undefined;
    },
    async resolve(reference) {
      const known = accountIdFromAliases(reference, aliases);
      if (known) return known;
      const lower = reference.trim().toLowerCase();
      for (const [id, name] of (await load())?.accounts ?? []) if (name.toLowerCase() === lower) return id;
      return undefined;
    },
    async membership(accountId) {
      let found = await load();
      if (!found) return 'unknown';
      if (found.accounts.has(accountId)) return 'member';
      // An account added since the listing was read: read it again before refusing.
      if (now() - found.at >= MEMBERSHIP_RECHECK_MS) {
        found = await load(true);
        if (!found) return 'unknown';
        if (found.accounts.has(accountId)) return 'member';
      }
      return 'not-member';
    },
  };
}
