import type { KnownBlock } from '@slack/types';
import * as z from 'zod';
import { renderDigest } from '../../blocks/render-digest';
import { updateWithRetry } from '../state/versioned-store';
import { readDays, readDisabledUsers } from './alert-index';
import { disabledItem, HOME_WINDOW_DAYS, openItem } from './home';
import { disabledBetween, type IndexedDay, openAlerts, summarise, utcDaysBetween } from './summary';
import { epochSeconds, type TriageDeps } from './triage-deps';
import { digestClaimKey } from './triage-keys';
import { workspaceUrl } from './workspace-links';
import { localDayString, previousDay, zonedMidnight, zonedParts } from './zoned-time';

/**
 * The daily digest (`DIGEST_AT` in `DIGEST_TIME_ZONE`): once the local time has come, one message
 * in the alert channel about the local day before. Each local day's digest is claimed in the
 * state table before it is posted, so the every-minute schedule (and two runs at once) sends it
 * once; a failed post gives the claim back and the next minute tries again. A scheduler that was
 * down at that time sends it when it is back, the same day.
 */

const claimSchema = z.strictObject({
  state: z.enum(['sending', 'sent', 'failed']),
  at: z.number().int(),
  ts: z.string().max(32).optional(),
});

/**
 * Sends the digest if it is due and not yet sent.
 * @throws the Slack error when the post fails (after giving the claim back); StateStoreError.
 */
export async function maybeSendDigest(deps: TriageDeps, channel: string): Promise<'sent' | 'not-due' | 'already' | 'off'> {
  const digest = deps.settings.digest;
  if (!digest) return 'off';
  const nowMs = deps.now();
  const local = zonedParts(nowMs, digest.timeZone);
  if (local.hour * 60 + local.minute < digest.hour * 60 + digest.minute) return 'not-due';
  const today = localDayString(local);
  const key = digestClaimKey(today);
  const now = epochSeconds(deps);
  const options = { nowSeconds: () => epochSeconds(deps), expiresAtSeconds: now + 3 * 86_400 };
  const claimed = await updateWithRetry<unknown, boolean>(deps.store, key, options, (current) => {
    const parsed = claimSchema.safeParse(current);
    if (current !== undefined && !(parsed.success && parsed.data.state === 'failed')) return { result: false };
    return { next: { state: 'sending', at: now }, result: true };
  });
  if (!claimed) return 'already';

  try {
    const yesterday = previousDay(local);
    const from = Math.floor(zonedMidnight(yesterday.year, yesterday.month, yesterday.day, digest.timeZone) / 1000);
    const to = Math.floor(zonedMidnight(local.year, local.month, local.day, digest.timeZone) / 1000);
    const windowFrom = Math.min(from, now - HOME_WINDOW_DAYS * 86_400);
    const dayNames = utcDaysBetween(windowFrom, now + 1);
    const [indexes, disabled, base] = await Promise.all([
      readDays(deps, dayNames),
      readDisabledUsers(deps),
      workspaceUrl(deps.slack, deps.logger),
    ]);
    const days: IndexedDay[] = dayNames.map((day, i) => ({ day, index: indexes[i]! }));
    const message = renderDigest({
      day: localDayString(yesterday),
      timeZone: digest.timeZone,
      counts: summarise(days, from, to),
      open: openAlerts(days)
        .filter((a) => a.postedAt < to)
        .map((a) => openItem(a, base)),
      disabled: disabledBetween(disabled, from, to).map((u) => disabledItem(u, base)),
    });
    const posted = await deps.slack.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks as KnownBlock[],
      unfurl_links: false,
    });
    await deps.store.put(
      key,
      { state: 'sent', at: now, ts: posted.ts },
      (await deps.store.get(key, now)).version,
      options.expiresAtSeconds,
    );
    deps.logger.info('sent the daily digest', { day: localDayString(yesterday), channel });
    return 'sent';
  } catch (error) {
    await updateWithRetry<unknown, void>(deps.store, key, options, () => ({ next: { state: 'failed', at: now }, result: undefined }));
    throw error;
  }
}
