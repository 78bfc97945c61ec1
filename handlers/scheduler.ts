import { loadConfig } from '../app/config';
import { createLogger } from '../app/logger';
import { runTriageSchedule, type ScheduleDeps, type ScheduleReport } from '../app/triage/run-schedule';
import { makeSchedulerDeps } from './triage-deps';

/**
 * The triage scheduler Lambda, invoked every minute by an EventBridge schedule: escalates alerts
 * nobody acknowledged, notes questions nobody answered, sends the daily digest
 * (`app/triage/run-schedule.ts`). It reads what is due from the state table, so a missed or
 * doubled invocation loses or repeats nothing. The event itself carries nothing it needs.
 */
const logger = createLogger('iam-alerts-scheduler');
let deps: Promise<ScheduleDeps> | undefined;

export async function handler(_event?: unknown): Promise<ScheduleReport> {
  deps ??= makeSchedulerDeps(loadConfig(), logger).catch((error: unknown) => {
    deps = undefined;
    throw error;
  });
  return runTriageSchedule(await deps);
}

/** Forgets the cached dependencies (tests change the environment between cases). */
export function resetSchedulerForTests(): void {
  deps = undefined;
}
