import type { MotoServer } from './moto-server';

/** Stops the moto server of the run. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __MOTO__?: MotoServer }).__MOTO__?.stop();
}
