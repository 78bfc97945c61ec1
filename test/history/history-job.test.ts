import { toHistoryLookupError } from '../../app/history/errors';
import { buildHistoryPage, type HistoryJobPayload, historyFailureNotice } from '../../app/history/history-job';
import { renderHistory, renderHistoryNotice } from '../../blocks/render-history';
import { blockKitViolations } from '../support/block-kit-limits';

const query = { user: 'bob', sinceMinutes: 90 * 1440, limit: 20 };

describe('buildHistoryPage', () => {
  it('does not offer a More button that Slack would reject, and says why', () => {
    const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1'];
    const streams = regions.flatMap((region) =>
      (['Username', 'ResourceName'] as const).map((key) => ({ region, key, value: 'bob', token: 'T'.repeat(400), skip: 3, done: false })),
    );
    const payload: HistoryJobPayload = {
      responseUrl: 'https://hooks.slack.com/commands/T1/1/x',
      userId: 'U0VIEWER',
      query,
      cursor: { startTime: 1_787_000_000, endTime: 1_794_776_000, streams },
      page: 1,
    };

    const view = buildHistoryPage(payload, { events: [], stop: 'budget', scanned: 900, calls: 18, throttled: 0, cursor: payload.cursor });

    expect(view.moreValue).toBeUndefined();
    expect(view.moreUnavailable).toContain('narrow it');
    const message = renderHistory(view);
    expect(blockKitViolations(message)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('More cannot carry this search (4 regions)');
  });
});

describe('historyFailureNotice', () => {
  const error = (name: string, message = 'boom') => toHistoryLookupError(Object.assign(new Error(message), { name }), 'eu-west-1');

  it.each([
    [error('AccessDeniedException'), 'CloudTrail refused the search in eu-west-1 (AccessDeniedException)'],
    [error('ExpiredTokenException'), 'iam-alerts has no valid AWS credentials for CloudTrail'],
    [error('InvalidNextTokenException'), 'This search can no longer be continued'],
    [error('UnrecognizedClientException'), 'iam-alerts has no valid AWS credentials for CloudTrail'],
    [error('Error', 'getaddrinfo ENOTFOUND cloudtrail.xx-fake-1.amazonaws.com'), 'Region eu-west-1 cannot be searched'],
    [error('InvalidTimeRangeException'), 'The CloudTrail search failed in eu-west-1'],
    [new TypeError('undefined is not a function'), 'The CloudTrail search failed unexpectedly'],
  ])('gives a specific message for %s', (failure, title) => {
    const notice = historyFailureNotice(failure, query);
    expect(notice.title).toBe(title);
    expect(blockKitViolations(renderHistoryNotice(notice))).toEqual([]);
  });
});
