/**
 * A clock that only moves when someone sleeps on it: pacing and backoff run instantly and
 * deterministically, and the test can read when each call happened.
 */
export interface VirtualTime {
  now: () => number;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Every sleep requested, in ms. */
  sleeps: number[];
  advance: (ms: number) => void;
}

export function virtualTime(startIso = '2026-11-22T06:00:00Z'): VirtualTime {
  let t = Date.parse(startIso);
  const sleeps: number[] = [];
  return {
    now: () => t,
    clock: () => new Date(t),
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
    advance: (ms) => {
      t += ms;
    },
  };
}
