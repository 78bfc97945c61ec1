import type { SlackAppDeps } from '../slack-deps';
import { indexAcknowledgement, indexDisabledUser, indexReenabledUser } from './alert-index';
import { triageDepsOf } from './triage-deps';

/**
 * What responders did, noted in the alert index (`./alert-index.ts`) for the Home tab and the
 * digest: called by the Acknowledge listener and the Disable User and Re-enable jobs once the
 * alert's own state has it. Best effort: the alert's state is the record, and a failure here only
 * leaves the Home tab behind, so it is logged and never thrown.
 */

type Deps = Pick<SlackAppDeps, 'store' | 'slack' | 'logger' | 'clock' | 'config'>;

export async function noteAcknowledged(deps: Deps, ref: { channel: string; ts: string }, ack: { userId: string; epochSeconds: number }) {
  await bestEffort(deps, 'acknowledgement', () => indexAcknowledgement(triageDepsOf(deps), ref, ack));
}

export async function noteDisabled(
  deps: Deps,
  entry: { user: string; accountId: string; by: string; at: number; alert: { channel: string; ts: string } },
) {
  await bestEffort(deps, 'disabled user', () =>
    indexDisabledUser(triageDepsOf(deps), {
      u: entry.user,
      a: entry.accountId,
      by: entry.by,
      at: entry.at,
      c: entry.alert.channel,
      t: entry.alert.ts,
    }),
  );
}

export async function noteReenabled(deps: Deps, entry: { user: string; accountId: string; by: string; at: number }) {
  await bestEffort(deps, 're-enabled user', () =>
    indexReenabledUser(triageDepsOf(deps), { u: entry.user, a: entry.accountId, by: entry.by, at: entry.at }),
  );
}

async function bestEffort(deps: Pick<Deps, 'logger'>, what: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    deps.logger.warn('could not note this in the alert index (the Home tab and digest may miss it)', {
      what,
      error: (error as Error).message,
    });
  }
}
