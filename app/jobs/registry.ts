import { disableUserJob } from '../containment/disable-user-job';
import { reenableUserJob } from '../containment/reenable-user-job';
import { historyJob } from '../history/history-job';
import { onboardUserJob } from '../onboarding/onboard-user-job';
import type { SlackAppDeps } from '../slack-deps';
import { InvalidJobPayloadError, UnknownJobError } from './errors';
import type { JobHandler } from './types';

/**
 * Every kind of deferred job the Slack handler runs. Listeners defer by `kind`; the asynchronous
 * path (Lambda self-invocation, or in-process locally) finds the handler here.
 */
// Each handler validates its own payload type with its schema, hence `any` here.
export const JOB_HANDLERS: JobHandler<any>[] = [disableUserJob, reenableUserJob, historyJob, onboardUserJob];

/** A job as it travels: its kind and its (not yet validated) payload. */
export interface JobRequest {
  kind: string;
  payload: unknown;
}

/**
 * Runs one job: finds its handler, validates the payload with the handler's zod schema, runs it.
 * The handler tells the Slack user itself when the work fails.
 * @throws UnknownJobError when no handler has that kind; InvalidJobPayloadError when the payload
 *   fails the schema; whatever the handler throws after it has told the user.
 */
export async function runJob(job: JobRequest, deps: SlackAppDeps, handlers: readonly JobHandler<unknown>[] = JOB_HANDLERS): Promise<void> {
  const handler = handlers.find((h) => h.kind === job.kind);
  if (!handler) throw new UnknownJobError(`no job handler for kind "${job.kind}"`);
  const parsed = handler.schema.safeParse(job.payload);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
    throw new InvalidJobPayloadError(`invalid payload for job "${job.kind}": ${problems}`, { cause: parsed.error });
  }
  await handler.run(parsed.data, deps);
}
