import { toHistoryEvent } from '../../app/history/history-event';
import { buildHistoryPage, type HistoryJobPayload } from '../../app/history/history-job';
import { toHistoryEntryView } from '../../app/history/history-view';
import { ACTION_IDS } from '../../blocks/ids';
import {
  type HistoryEntryView,
  type HistoryPageView,
  renderHistory,
  renderHistoryHelp,
  renderHistoryNotice,
  renderHistoryPending,
} from '../../blocks/render-history';
import { blockKitViolations } from '../support/block-kit-limits';
import { loadCloudTrailCorpus } from '../support/corpus';

const entry = (overrides: Partial<HistoryEntryView> = {}): HistoryEntryView => ({
  epochSeconds: 1_795_000_000,
  eventName: 'CreateAccessKey',
  actor: { typeLabel: 'IAM user', name: 'alice' },
  target: 'user bob',
  sourceIp: '203.0.113.7',
  outcome: { kind: 'success' },
  region: 'us-east-1',
  ...overrides,
});

const page = (overrides: Partial<HistoryPageView> = {}): HistoryPageView => ({
  filters: 'since:24h limit:20',
  window: { start: 1_794_913_600, end: 1_795_000_000 },
  regions: ['us-east-1'],
  entries: [entry()],
  scanned: 42,
  page: 1,
  end: 'exhausted',
  budgetSeconds: 20,
  ...overrides,
});

function allText(message: { text: string; blocks: unknown[] }): string {
  return JSON.stringify(message);
}

describe('renderHistory', () => {
  it('shows time, event, actor → target, source IP and result on one line, with a summary', () => {
    const message = renderHistory(page());
    const json = allText(message);
    expect(json).toContain('<!date^1795000000^{date_short} {time_secs}|2026-11-18T');
    expect(json).toContain('*CreateAccessKey*');
    expect(json).toContain('alice _(IAM user)_ → user bob');
    expect(json).toContain('`203.0.113.7`');
    expect(json).toContain(':white_check_mark:');
    expect(message.text).toContain('1 IAM event for since:24h limit:20');
    expect(json).toContain('42 events read from CloudTrail');
    expect(blockKitViolations(message)).toEqual([]);
  });

  it('escapes every string from an event, so a user named <!channel> mentions nobody', () => {
    const hostile = '<!channel> & <https://evil.example|click>';
    const message = renderHistory(
      page({
        filters: 'user:<!here>',
        entries: [entry({ eventName: hostile, actor: { typeLabel: hostile, name: hostile }, target: hostile, sourceIp: hostile })],
      }),
    );
    const json = allText(message);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<!here>');
    expect(json).not.toContain('<https://evil');
    expect(json).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
  });

  it('marks denied and failed calls with their error', () => {
    const json = allText(
      renderHistory(
        page({
          entries: [
            entry({ outcome: { kind: 'denied', error: 'AccessDenied' } }),
            entry({ outcome: { kind: 'failed', error: 'Failure' } }),
          ],
        }),
      ),
    );
    expect(json).toContain(':no_entry: AccessDenied');
    expect(json).toContain(':x: Failure');
  });

  it('offers More with the given value, and says why the page stopped', () => {
    const budget = renderHistory(page({ end: 'budget', moreValue: '{"v":1}' }));
    const actions = budget.blocks.find((b) => b.type === 'actions') as any;
    expect(actions.elements[0]).toMatchObject({ type: 'button', action_id: ACTION_IDS.historyMore, value: '{"v":1}' });
    expect(allText(budget)).toContain('20s search budget; press *More* to keep searching');

    const throttled = renderHistory(page({ end: 'throttled', entries: [], moreValue: '{"v":1}' }));
    expect(allText(throttled)).toContain('CloudTrail is throttling lookups');
    expect(allText(throttled)).toContain('No IAM events');

    const done = renderHistory(page({ end: 'exhausted' }));
    expect(done.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('says clearly when nothing matched, and how to widen the search', () => {
    const message = renderHistory(page({ entries: [], scanned: 0 }));
    expect(message.text).toBe('No IAM events matched since:24h limit:20');
    expect(allText(message)).toContain('Widen it with `since:7d`');
    expect(blockKitViolations(message)).toEqual([]);
  });

  it('fits 100 long entries within Block Kit limits', () => {
    const long = 'x'.repeat(300);
    const message = renderHistory(
      page({
        entries: Array.from({ length: 100 }, () => entry({ eventName: long, actor: { typeLabel: 'IAM user', name: long }, target: long })),
        moreValue: 'v'.repeat(2000),
        end: 'limit',
        page: 7,
      }),
    );
    expect(blockKitViolations(message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
  });
});

describe('renderHistoryHelp, renderHistoryNotice and renderHistoryPending', () => {
  it('explain the syntax and each failure within limits', () => {
    const help = renderHistoryHelp({
      regions: ['us-east-1'],
      eventSources: ['iam.amazonaws.com', 'signin.amazonaws.com'],
      viewerUserGroupId: 'S0VIEWERS',
      searchEnabled: true,
    });
    for (const key of ['user:', 'event:', 'actor:', 'ip:', 'since:', 'limit:']) expect(allText(help)).toContain(key);
    expect(allText(help)).toContain('only the services iam-alerts watches: iam, signin');
    expect(allText(help)).toContain('*Who may search:* the responders and members of the user group `S0VIEWERS`');
    expect(allText(help)).not.toContain('<!subteam');
    const notice = renderHistoryNotice({ emoji: ':lock:', title: 'CloudTrail refused <!channel>', lines: ['`user:<!here>`'] });
    expect(allText(notice)).not.toContain('<!');
    const pending = renderHistoryPending('user:<!here>');
    expect(allText(pending)).not.toContain('<!here>');
    for (const message of [help, notice, pending]) expect(blockKitViolations(message)).toEqual([]);
  });

  it('says in help when nobody may search yet, and how an admin turns it on', () => {
    const help = renderHistoryHelp({ regions: ['us-east-1'], eventSources: ['iam.amazonaws.com'], searchEnabled: false });

    expect(allText(help)).toContain('nobody yet');
    expect(allText(help)).toContain('HISTORY_VIEWER_USERGROUP_ID');
  });
});

describe('history pages over the CloudTrail corpus', () => {
  const records = loadCloudTrailCorpus();

  it('renders every real record as a history line, escaped and within limits, 100 per page', () => {
    expect(records.length).toBeGreaterThan(100);
    const events = records.map((r, i) => {
      const detail = (r.value.detail as Record<string, unknown> | undefined) ?? r.value;
      return toHistoryEvent(
        {
          EventId: String(detail.eventID ?? `corpus-${i}`),
          EventName: String(detail.eventName ?? ''),
          EventSource: String(detail.eventSource ?? ''),
          CloudTrailEvent: JSON.stringify(detail),
        },
        'us-east-1',
      );
    });
    const payload: HistoryJobPayload = {
      responseUrl: 'https://hooks.slack.com/commands/T1/1/x',
      userId: 'U0VIEWER',
      query: { sinceMinutes: 1440, limit: 100 },
      cursor: {
        startTime: 1,
        endTime: 2,
        streams: [{ region: 'us-east-1', key: 'EventSource', value: 'iam.amazonaws.com', skip: 0, done: false }],
      },
      page: 1,
    };
    for (let i = 0; i < events.length; i += 100) {
      const slice = events.slice(i, i + 100);
      const view = buildHistoryPage(payload, {
        events: slice,
        stop: 'limit',
        scanned: slice.length,
        calls: 1,
        throttled: 0,
        cursor: payload.cursor,
      });
      const message = renderHistory(view);
      expect(blockKitViolations(message)).toEqual([]);
      expect(view.moreValue).toBeDefined();
      expect(view.entries.map((e) => e.eventName)).toEqual(slice.map((e) => e.eventName));
    }
    // Every actor is described by the shared identity code, never left blank.
    for (const event of events) expect(toHistoryEntryView(event).actor.name).not.toBe('');
  });
});
