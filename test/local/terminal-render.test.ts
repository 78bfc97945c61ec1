import type { KnownBlock } from '@slack/types';
import { DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { loadSamples, previewValues } from '../../app/local/preview';
import { blockKitBuilderUrl, formatPreparedItem, mrkdwnToTerminal } from '../../app/local/terminal-render';

const [rootSignIn, accessKey] = previewValues(
  loadSamples()
    .slice(0, 2)
    .map((s) => s.value),
  { catalog: DEFAULT_CATALOG },
);

describe('formatPreparedItem', () => {
  it('shows severity, title, who/what/where and the buttons', () => {
    const text = formatPreparedItem(accessKey!, { colour: false, builderLink: false });
    expect(text.split('\n').slice(0, 4)).toEqual([
      '■ Critical: Access key created: malicious-iam-user',
      '  ● Access key created: malicious-iam-user  CreateAccessKey',
      '  Who: IAM user christophe',
      '  Target: user malicious-iam-user',
    ]);
    expect(text).toContain('  Source IP: 075.050.255.67');
    expect(text).toContain('  Region: ap-isob-central-3r');
    expect(text).toContain('  When: 2024-08-01T13:33:28Z');
    expect(text).toContain('  [ Acknowledge ] [ Disable malicious-iam-user (target) ] [ Disable christophe (who did it) ]');
  });

  it('turns Slack links into "label (url)" and shows the MFA warning as a symbol', () => {
    const text = formatPreparedItem(rootSignIn!, { colour: false, builderLink: false });
    expect(text).toContain('View in CloudTrail (https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/');
    expect(text).toContain('MFA: ⚠ No');
  });

  it('ends with a Block Kit Builder link that carries exactly the message blocks', () => {
    const text = formatPreparedItem(accessKey!, { colour: false });
    const link = /Open in Block Kit Builder: (\S+)/.exec(text)![1]!;
    expect(link.startsWith('https://app.slack.com/block-kit-builder/#')).toBe(true);
    const decoded = JSON.parse(decodeURIComponent(link.slice(link.indexOf('#') + 1)));
    expect(decoded).toEqual({ blocks: accessKey!.kind === 'alert' ? accessKey!.message.blocks : [] });
  });

  it('colours only when asked (a TTY)', () => {
    expect(formatPreparedItem(accessKey!, { colour: false })).not.toContain('\u001b[');
    expect(formatPreparedItem(accessKey!, { colour: true })).toContain('\u001b[31m');
  });
});

describe('mrkdwnToTerminal', () => {
  it('shows escaped text as Slack would display it', () => {
    expect(mrkdwnToTerminal('user `&lt;!channel&gt; &amp;lt;`', false)).toBe('user <!channel> &lt;');
  });

  it('uses the fallback of date tokens', () => {
    expect(mrkdwnToTerminal('<!date^1452018087^{date_short_pretty} {time_secs}|2016-01-05T18:21:27Z>', false)).toBe('2016-01-05T18:21:27Z');
  });

  it('removes control characters from event text, so an event cannot drive the terminal', () => {
    expect(mrkdwnToTerminal('evil\u001b[2J\u0007name\u009b', false)).toBe('evil[2Jname');
    expect(mrkdwnToTerminal('*bold*', true)).toBe('\u001b[1mbold\u001b[0m');
  });
});

describe('blockKitBuilderUrl', () => {
  it('puts the blocks, URI-encoded, in the fragment', () => {
    const blocks: KnownBlock[] = [{ type: 'divider' }];
    expect(blockKitBuilderUrl(blocks)).toBe(
      `https://app.slack.com/block-kit-builder/#${encodeURIComponent('{"blocks":[{"type":"divider"}]}')}`,
    );
  });
});
