import type { Versioned, VersionedStore } from './versioned-store';

interface Stored {
  value: unknown;
  version: number;
  expiresAtSeconds: number;
}

/**
 * An in-process {@link VersionedStore}: local mode, tests and benchmarks. Share one instance
 * between several notifier deps objects to model containers sharing one table.
 */
export class MemoryStore implements VersionedStore {
  protected readonly items = new Map<string, Stored>();

  async get<T>(key: string, nowSeconds: number): Promise<Versioned<T>> {
    const item = this.items.get(key);
    if (!item) return { value: undefined, version: 0 };
    const live = item.expiresAtSeconds >= nowSeconds;
    // Values are copied so callers can never change the stored item without a put.
    return { value: live ? (structuredClone(item.value) as T) : undefined, version: item.version };
  }

  async put<T>(key: string, value: T, expectedVersion: number, expiresAtSeconds: number): Promise<boolean> {
    const current = this.items.get(key)?.version ?? 0;
    if (current !== expectedVersion) return false;
    this.items.set(key, { value: structuredClone(value), version: current + 1, expiresAtSeconds });
    this.changed();
    return true;
  }

  /** How many keys are stored (tests, diagnostics). */
  get size(): number {
    return this.items.size;
  }

  /** Called after every successful write; the file store persists here. */
  protected changed(): void {}
}
