import { runTriageSchedule, type ScheduleDeps, type ScheduleReport } from './run-schedule';

/** The scheduler's rate: every minute, as the deployed EventBridge schedule. */
export const TRIAGE_INTERVAL_MS = 60_000;

/**
 * The local bot's stand-in for the scheduler Lambda: runs the same schedule
 * (`runTriageSchedule`) every `intervalMs` over the same state, until `signal` aborts. A failed
 * run is logged and the next one starts where it stopped (the cursor is in the state).
 */
export async function runTriageTimer(
  deps: ScheduleDeps,
  signal: AbortSignal,
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
  options: { intervalMs?: number; onRun?: (report: ScheduleReport) => void } = {},
): Promise<void> {
  const intervalMs = options.intervalMs ?? TRIAGE_INTERVAL_MS;
  while (!signal.aborted) {
    const began = deps.now();
    try {
      // Not inside `onRun?.(…)`: an optional call skips evaluating its arguments when there is no onRun.
      const report = await runTriageSchedule(deps);
      options.onRun?.(report);
    } catch (error) {
      deps.logger.error('triage schedule run failed; the next one starts where it stopped', { error });
    }
    await sleep(Math.max(0, intervalMs - (deps.now() - began)), signal);
  }
}
