import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ManifestError, requestUrlFromOutputsFile, setRequestUrls } from '../../scripts/write-manifest';

const manifest = readFileSync(join(__dirname, '../../manifest.yml'), 'utf8');
const URL = 'https://abc123example.lambda-url.us-east-1.on.aws/';

describe('setRequestUrls', () => {
  it('points interactivity and every slash command at the request URL', () => {
    const { text, changed } = setRequestUrls(manifest, URL);

    const parsed = parse(text);
    expect(parsed.settings.interactivity.request_url).toBe(URL);
    for (const command of parsed.features.slash_commands) expect(command.url).toBe(URL);
    expect(changed).toContain('settings.interactivity.request_url');
  });

  it('points the Events API (the Home tab) at the request URL too', () => {
    const { text, changed } = setRequestUrls(manifest, URL);

    expect(parse(text).settings.event_subscriptions.request_url).toBe(URL);
    expect(changed).toContain('settings.event_subscriptions.request_url');
  });

  it('changes nothing but the URLs: comments and folded text stay as written', () => {
    const { text } = setRequestUrls(manifest, URL);

    const before = manifest.split('\n');
    const after = text.split('\n');
    expect(after).toHaveLength(before.length);
    const differing = before.filter((line, i) => line !== after[i]);
    expect(differing.length).toBeGreaterThan(0);
    for (const line of differing) expect(line).toMatch(/^\s+(request_url|url): /);
  });

  it('is idempotent', () => {
    const once = setRequestUrls(manifest, URL).text;
    const twice = setRequestUrls(once, URL);
    expect(twice.text).toBe(once);
    expect(twice.changed).toEqual([]);
  });

  it('refuses a URL that is not https, or the placeholder', () => {
    expect(() => setRequestUrls(manifest, 'http://abc.lambda-url.us-east-1.on.aws/')).toThrow(ManifestError);
    expect(() => setRequestUrls(manifest, 'https://REPLACE-WITH-SlackRequestUrl.lambda-url.us-east-1.on.aws/')).toThrow(/placeholder/);
  });
});

describe('requestUrlFromOutputsFile', () => {
  it('reads the stack output that cdk deploy --outputs-file wrote', () => {
    const file = JSON.stringify({
      IamAlerts: { SlackRequestUrl: URL, AlertTopicArn: 'arn:aws:sns:us-east-1:123456789012:IamAlerts-alerts' },
    });
    expect(requestUrlFromOutputsFile(file, 'IamAlerts')).toBe(URL);
  });

  it('names the stack when the output is missing', () => {
    expect(() => requestUrlFromOutputsFile(JSON.stringify({ Other: {} }), 'IamAlerts')).toThrow(/no SlackRequestUrl for stack IamAlerts/);
  });
});
