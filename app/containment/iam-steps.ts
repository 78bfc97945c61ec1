import type { StepView } from '../../blocks/render-containment';

/** True for IAM's "no such entity" (the login profile, policy or key is not there). */
export function isNoSuchEntity(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'NoSuchEntityException' || name === 'NoSuchEntity';
}

/** An AWS error as shown to responders: its name and message, never a stack. */
export function awsError(error: unknown): { name: string; message: string } {
  const e = error as { name?: string; message?: string } | undefined;
  return { name: e?.name ?? 'Error', message: (e?.message ?? String(error)).slice(0, 500) };
}

/**
 * Runs one containment step; an exception becomes a `failed` step carrying the AWS error, so one
 * failing step never stops the others.
 */
export async function runStep(label: string, work: () => Promise<Omit<StepView, 'label'>>): Promise<StepView> {
  try {
    return { label, ...(await work()) };
  } catch (error) {
    return { label, status: 'failed', error: awsError(error) };
  }
}

/** Deactivates (or reactivates) each listed credential; reports done / already so / failed. */
export async function setStatuses(
  what: string,
  items: ReadonlyArray<{ id: string; status?: string }>,
  wanted: 'Active' | 'Inactive',
  update: (id: string) => Promise<unknown>,
): Promise<Omit<StepView, 'label'> & { changed: string[] }> {
  const toChange = items.filter((i) => i.status !== wanted);
  if (toChange.length === 0) {
    const detail = items.length === 0 ? `no ${what}` : `${items.length} ${what}, none ${wanted === 'Inactive' ? 'active' : 'inactive'}`;
    return { status: 'already', detail, changed: [] };
  }
  const changed: string[] = [];
  const failures: string[] = [];
  let firstError: unknown;
  for (const item of toChange) {
    try {
      await update(item.id);
      changed.push(item.id);
    } catch (error) {
      firstError ??= error;
      failures.push(item.id);
    }
  }
  const verb = wanted === 'Inactive' ? 'deactivated' : 'reactivated';
  const done = changed.length > 0 ? `${verb} ${changed.join(', ')}` : `${verb} none`;
  if (failures.length > 0) {
    return { status: 'failed', detail: `${done}; could not change ${failures.join(', ')}`, error: awsError(firstError), changed };
  }
  return { status: 'done', detail: done, changed };
}

/** The overall outcome from the steps: all fine, some failed, or all failed. */
export function outcomeOf<T extends string>(steps: StepView[], ok: T): T | 'partial' | 'failed' {
  const failed = steps.filter((s) => s.status === 'failed').length;
  if (failed === 0) return ok;
  return failed === steps.length ? 'failed' : 'partial';
}
