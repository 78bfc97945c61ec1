import { isSlackResponseUrl } from '../../app/slack/response-url';

describe('isSlackResponseUrl', () => {
  it.each([
    'https://hooks.slack.com/actions/T0123/456789/AbCdEf',
    'https://hooks.slack.com/commands/T0123/456789/AbCdEf',
    'https://HOOKS.slack.com/actions/T0123/1/x',
    'https://hooks.slack.com:443/actions/T0123/1/x',
  ])('accepts Slack’s %s', (url) => {
    expect(isSlackResponseUrl(url)).toBe(true);
  });

  it.each([
    ['plain http', 'http://hooks.slack.com/actions/T0123/1/x'],
    ['another host', 'https://attacker.example/actions/T0123/1/x'],
    ['a look-alike host', 'https://hooks.slack.com.attacker.example/actions/x'],
    ['a subdomain', 'https://evil.hooks.slack.com/actions/x'],
    ['credentials in the URL', 'https://user:pass@hooks.slack.com/actions/x'],
    ['another port', 'https://hooks.slack.com:8443/actions/x'],
    ['no path', 'https://hooks.slack.com/'],
    ['the instance metadata service', 'http://169.254.169.254/latest/meta-data/'],
    ['not a URL', 'hooks.slack.com/actions/x'],
  ])('refuses %s', (_why, url) => {
    expect(isSlackResponseUrl(url)).toBe(false);
  });

  it('accepts the origin of a configured SLACK_API_URL (a local Slack fake), and only that one', () => {
    const apiUrl = 'http://127.0.0.1:40123/api/';

    expect(isSlackResponseUrl('http://127.0.0.1:40123/actions/T1/1/x', apiUrl)).toBe(true);
    expect(isSlackResponseUrl('http://127.0.0.1:40124/actions/T1/1/x', apiUrl)).toBe(false);
    expect(isSlackResponseUrl('https://hooks.slack.com/actions/T1/1/x', apiUrl)).toBe(true);
  });
});
