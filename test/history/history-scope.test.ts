import { DEFAULT_RULES } from '../../app/catalog/default-catalog';
import { loadConfig } from '../../app/config';
import { catalogEventSources, historyEventSources } from '../../app/history/history-scope';

describe('the event sources /iam-events may search', () => {
  it("are the default catalog's identity-plane sources when the stack names none", () => {
    const sources = historyEventSources(loadConfig({}));

    expect(sources).toEqual(catalogEventSources(DEFAULT_RULES));
    for (const source of [
      'iam.amazonaws.com',
      'signin.amazonaws.com',
      'sts.amazonaws.com',
      'cloudtrail.amazonaws.com',
      'sso.amazonaws.com',
    ]) {
      expect(sources).toContain(source);
    }
    expect(sources).not.toContain('s3.amazonaws.com');
  });

  it('follow HISTORY_EVENT_SOURCES, and refuse a value that is not a service host', () => {
    expect(historyEventSources(loadConfig({ HISTORY_EVENT_SOURCES: 'iam.amazonaws.com, kms.amazonaws.com' }))).toEqual([
      'iam.amazonaws.com',
      'kms.amazonaws.com',
    ]);
    expect(() => loadConfig({ HISTORY_EVENT_SOURCES: 'iam' })).toThrow(/HISTORY_EVENT_SOURCES: expected service hosts/);
  });
});
