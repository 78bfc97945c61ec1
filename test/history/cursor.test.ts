import { decodeMoreButton, encodeMoreButton, startHistoryCursor } from '../../app/history/cursor';
import { HistoryCursorError } from '../../app/history/errors';

describe('history cursor', () => {
  const now = new Date('2026-11-22T06:00:00.750Z');

  it('fixes the window in whole seconds when a search starts, one stream per attribute and region', () => {
    const cursor = startHistoryCursor({ sinceMinutes: 60, limit: 20 }, ['us-east-1', 'eu-west-1'], now);
    expect(cursor.endTime).toBe(Date.parse('2026-11-22T06:00:00Z') / 1000);
    expect(cursor.endTime - cursor.startTime).toBe(3600);
    expect(cursor.streams.map((s) => `${s.region}/${s.key}=${s.value}`)).toEqual([
      'us-east-1/EventSource=iam.amazonaws.com',
      'us-east-1/EventSource=signin.amazonaws.com',
      'eu-west-1/EventSource=iam.amazonaws.com',
      'eu-west-1/EventSource=signin.amazonaws.com',
    ]);
  });

  it('round-trips through the More button value within 2,000 characters, NextTokens included', () => {
    const query = { user: 'alice', ip: '203.0.113.7', sinceMinutes: 90 * 1440, limit: 100 };
    const cursor = startHistoryCursor(query, ['us-east-1'], now);
    const token = 'A'.repeat(400);
    const state = { query, cursor: { ...cursor, streams: cursor.streams.map((s) => ({ ...s, token, skip: 17 })) }, page: 4 };

    const value = encodeMoreButton(state);

    expect(value.length).toBeLessThanOrEqual(2000);
    expect(decodeMoreButton(value, ['us-east-1'])).toEqual(state);
  });

  it('carries the account searched in the cursor and the More button, as its ID', () => {
    const query = { sinceMinutes: 60, limit: 20, account: 'prod' };
    const cursor = startHistoryCursor(query, ['us-east-1', 'eu-north-1'], now, '222222222222');

    const value = encodeMoreButton({ query, cursor, page: 2 });
    const back = decodeMoreButton(value, ['us-east-1', 'eu-north-1']);

    expect(cursor.account).toBe('222222222222');
    expect(back.cursor.account).toBe('222222222222');
    expect(back.query.account).toBe('222222222222');
    expect(JSON.parse(value).a).toBe('222222222222');
    expect(startHistoryCursor(query, ['us-east-1'], now)).not.toHaveProperty('account');
    expect(() => decodeMoreButton(value.replace('"a":"222222222222"', '"a":"22"'), ['us-east-1', 'eu-north-1'])).toThrow(
      HistoryCursorError,
    );
  });

  it('leaves finished streams out of the button', () => {
    const query = { sinceMinutes: 60, limit: 20 };
    const cursor = startHistoryCursor(query, ['us-east-1'], now);
    const [iam, signin] = cursor.streams;
    const state = {
      query,
      cursor: {
        ...cursor,
        streams: [
          { ...iam!, token: 'abc', skip: 2 },
          { ...signin!, done: true },
        ],
      },
      page: 2,
    };

    const decoded = decodeMoreButton(encodeMoreButton(state), ['us-east-1']);

    expect(decoded.cursor.streams).toEqual([{ ...iam!, token: 'abc', skip: 2 }]);
  });

  it('refuses a value naming a region outside HISTORY_REGIONS', () => {
    const cursor = startHistoryCursor({ sinceMinutes: 60, limit: 20 }, ['ap-south-1'], now);
    const value = encodeMoreButton({ query: { sinceMinutes: 60, limit: 20 }, cursor, page: 2 });
    expect(() => decodeMoreButton(value, ['us-east-1'])).toThrow(HistoryCursorError);
  });

  it.each(['', 'not json', '{"v":2}', JSON.stringify({ v: 1, q: ['', '', '', '', 60, 20], w: [10, 5], s: [], p: 2 })])(
    'refuses a value it did not write: %s',
    (value) => {
      expect(() => decodeMoreButton(value, ['us-east-1'])).toThrow(HistoryCursorError);
    },
  );
});
