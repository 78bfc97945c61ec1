/**
 * Paces LookupEvents calls: CloudTrail allows 2 requests per second per account and region, and
 * answers with ThrottlingException beyond that. Calls to one region are spaced at least
 * `1000 / ratePerSecond` ms apart; regions do not wait for each other.
 */
export interface LookupPacer {
  /** Resolves when a call to `region` may be made, and books that slot. */
  wait(region: string): Promise<void>;
}

export interface LookupPacerOptions {
  /** Requests per second per region; default 2 (CloudTrail's limit). */
  ratePerSecond?: number;
  /** Milliseconds since the epoch; injectable so tests run without real time passing. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** CloudTrail LookupEvents' documented rate: 2 requests per second per account and region. */
export const LOOKUP_EVENTS_RATE_PER_SECOND = 2;

/**
 * Creates a pacer. Share one per process (all callers in this account go through the same
 * limit); slots are booked synchronously, so concurrent callers queue instead of bursting.
 */
export function createLookupPacer(options: LookupPacerOptions = {}): LookupPacer {
  const interval = 1000 / (options.ratePerSecond ?? LOOKUP_EVENTS_RATE_PER_SECOND);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const nextSlot = new Map<string, number>();
  return {
    async wait(region) {
      const at = now();
      const slot = Math.max(at, nextSlot.get(region) ?? at);
      nextSlot.set(region, slot + interval);
      if (slot > at) await sleep(slot - at);
    },
  };
}
