/**
 * A tiny key-value store with optimistic concurrency, the only thing dedupe and burst grouping
 * need from storage. Every write names the version it read (0: "the key must not exist"), so two
 * Lambda containers racing on one key cannot both win: one write succeeds, the other gets
 * `false` and re-reads. Items carry an expiry (epoch seconds) that DynamoDB's TTL acts on; readers
 * treat an expired item as absent because TTL deletion can lag by up to two days.
 *
 * Implementations: {@link ./dynamodb-store} (Lambda), {@link ./memory-store} (tests, local mode),
 * {@link ./file-store} (local mode across runs).
 */

/** What a read returns: the value (absent or expired: `undefined`) and the version to write against. */
export interface Versioned<T> {
  value: T | undefined;
  /** 0 when the key does not exist; pass it back to {@link VersionedStore.put}. */
  version: number;
}

export interface VersionedStore {
  /** Strongly consistent read of one key. */
  get<T>(key: string, nowSeconds: number): Promise<Versioned<T>>;
  /**
   * Writes `value` if the stored version is still `expectedVersion` (0: the key must not exist).
   * @returns false when another writer got there first; re-read and decide again.
   */
  put<T>(key: string, value: T, expectedVersion: number, expiresAtSeconds: number): Promise<boolean>;
}

/** A storage call failed for a reason other than a lost race (throttling, permissions, network). */
export class StateStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateStoreError';
  }
}

/**
 * Reads, changes and writes one key until the write wins the race.
 * `change` returns the new value, or `undefined` to leave the item as it is.
 * @returns what `change` returned last, and the value that was read.
 */
export async function updateWithRetry<T, R>(
  store: VersionedStore,
  key: string,
  options: { nowSeconds: () => number; expiresAtSeconds: number; maxAttempts?: number },
  change: (current: T | undefined) => { next?: T; result: R },
): Promise<R> {
  const maxAttempts = options.maxAttempts ?? 200;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const read = await store.get<T>(key, options.nowSeconds());
    const { next, result } = change(read.value);
    if (next === undefined) return result;
    if (await store.put(key, next, read.version, options.expiresAtSeconds)) return result;
    // Lost a race: back off a little (jittered) so hundreds of containers do not stampede.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, attempt * 5)));
  }
  throw new StateStoreError(`gave up updating ${key} after ${maxAttempts} conflicting writes`);
}
