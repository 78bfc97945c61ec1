import type { Severity } from '../../blocks/alert-view';
import { renderDigest } from '../../blocks/render-digest';
import { duration, HOME_LIST_LIMIT, HOME_MAX_BLOCKS, type HomeView, renderHome, renderHomeRefused } from '../../blocks/render-home';
import { blockKitViolations } from '../support/block-kit-limits';

const NOW = { epochSeconds: 1714557600, iso: '2024-05-01T10:00:00.000Z' };
const counts = (overrides: Partial<HomeView['counts']> = {}): HomeView['counts'] => ({
  total: 7,
  bySeverity: { critical: 1, high: 2, medium: 3, low: 1 },
  byRule: [
    { rule: 'iam-create-user', title: 'IAM user created', count: 3 },
    { rule: 'root-console-sign-in', title: 'Root console sign-in', count: 1 },
  ],
  posted: 5,
  acknowledged: 3,
  medianAckSeconds: 754,
  beyondIndex: 0,
  ...overrides,
});
const view = (overrides: Partial<HomeView> = {}): HomeView => ({
  now: NOW,
  windowDays: 7,
  open: [
    {
      severity: 'critical',
      raised: true,
      headline: 'Access key created: mallory',
      actor: 'IAM user christophe',
      postedAt: NOW.epochSeconds - 60,
      link: 'https://fake.slack.com/archives/C0ALERTS/p1714557540000100',
    },
    { severity: 'high', raised: false, headline: 'Trust policy updated: admin', postedAt: NOW.epochSeconds - 3600 },
  ],
  counts: counts(),
  disabled: [
    {
      user: 'mallory',
      accountId: '123456789012',
      by: 'U0RESPONDER',
      at: NOW.epochSeconds - 120,
      link: 'https://fake.slack.com/archives/C0ALERTS/p1',
    },
  ],
  ...overrides,
});
const text = (blocks: unknown) => JSON.stringify(blocks);

describe('renderHome', () => {
  it('shows open alerts with links, the week by severity and rule, the median time to acknowledge, and who is still disabled', () => {
    const home = renderHome(view());

    expect(home.type).toBe('home');
    const all = text(home.blocks);
    expect(all).toContain('Open alerts (2)');
    expect(all).toContain(
      ':red_circle: *<https://fake.slack.com/archives/C0ALERTS/p1714557540000100|Access key created: mallory>* · IAM user christophe',
    );
    expect(all).toContain('_raised: the actor said it was not them_');
    expect(all.indexOf('Access key created')).toBeLessThan(all.indexOf('Trust policy updated'));
    expect(all).toContain('*7 alerts*');
    expect(all).toContain('*Critical:* 1');
    expect(all).toContain('*Medium:* 3');
    expect(all).toContain('3 × IAM user created `iam-create-user`');
    expect(all).toContain('Median time to acknowledge: *13 min* (3 of 5 top-level alerts acknowledged)');
    expect(all).toContain('Disabled and not re-enabled (1)');
    expect(all).toContain(':lock: `mallory` in `123456789012` by <@U0RESPONDER>');
    expect(blockKitViolations({ text: 'home', blocks: home.blocks }, { maxBlocks: HOME_MAX_BLOCKS })).toEqual([]);
  });

  it('says so when nothing is open, nothing was acknowledged and nobody is disabled', () => {
    const all = text(renderHome(view({ open: [], disabled: [], counts: counts({ medianAckSeconds: undefined, acknowledged: 0 }) })).blocks);

    expect(all).toContain('Nothing open');
    expect(all).toContain('None of the 5 top-level alerts was acknowledged.');
    expect(all).toContain('No IAM user disabled through iam-alerts is still disabled.');
  });

  it('escapes what events control, and keeps a hostile headline from breaking its link', () => {
    const all = text(
      renderHome(
        view({
          open: [
            {
              severity: 'high',
              raised: false,
              headline: '<!channel> | <https://evil.example|x> & co',
              actor: 'IAM user <@U0BOSS>',
              postedAt: 1,
              link: 'https://fake.slack.com/archives/C0A/p1',
            },
          ],
        }),
      ).blocks,
    );

    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<@U0BOSS>');
    expect(all).not.toContain('<https://evil');
    expect(all).toContain('<https://fake.slack.com/archives/C0A/p1|&lt;!channel&gt; ¦ &lt;https://evil.example¦x&gt; &amp; co>');
  });

  it('stays within 100 blocks and Slack’s text limits however much there is, and counts what it leaves out', () => {
    const severities: Severity[] = ['critical', 'high', 'medium', 'low'];
    const open = Array.from({ length: 900 }, (_, i) => ({
      severity: severities[i % 4]!,
      raised: i % 7 === 0,
      headline: `Alert ${i} ${'x'.repeat(300)}`,
      actor: `IAM user ${'y'.repeat(200)}`,
      postedAt: NOW.epochSeconds - i,
      link: `https://fake.slack.com/archives/C0ALERTS/p${1714557600000000 + i}`,
    }));
    const byRule = Array.from({ length: 300 }, (_, i) => ({ rule: `rule-${i}`, title: 't'.repeat(250), count: 300 - i }));
    const disabled = Array.from({ length: 200 }, (_, i) => ({ user: `user-${i}`, accountId: '123456789012', by: 'U0RESPONDER', at: i }));

    const home = renderHome(view({ open, disabled, counts: counts({ byRule, beyondIndex: 12 }) }));

    expect(home.blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
    expect(blockKitViolations({ text: 'home', blocks: home.blocks }, { maxBlocks: HOME_MAX_BLOCKS })).toEqual([]);
    const all = text(home.blocks);
    expect(all).toContain(`…and ${900 - HOME_LIST_LIMIT} more open alerts`);
    expect(all).toContain('…and 285 more rules');
    expect(all).toContain(`…and ${200 - HOME_LIST_LIMIT} more users`);
    expect(all).toContain('12 alerts beyond the index');
  });

  it('tells someone who may not see it who may, and nothing else', () => {
    const home = renderHomeRefused('Only responders see this.');

    expect(text(home.blocks)).toContain('Only responders see this.');
    expect(text(home.blocks)).not.toContain('Open alerts');
  });
});

describe('renderDigest', () => {
  it('is one message within Slack’s limits, with the day, its counts, what is open and who was disabled', () => {
    const message = renderDigest({
      day: '2024-04-30',
      timeZone: 'Europe/Berlin',
      counts: counts(),
      open: view().open,
      disabled: [{ user: 'mallory', accountId: '123456789012', by: 'U0R', at: 5, reenabled: { by: 'U0S', at: 9 } }],
    });

    expect(message.text).toBe('iam-alerts digest for 2024-04-30: 7 alerts, 2 still open, 1 users disabled');
    const all = text(message.blocks);
    expect(all).toContain('iam-alerts daily digest: 2024-04-30');
    expect(all).toContain('Europe/Berlin');
    expect(all).toContain('Still open (2)');
    expect(all).toContain('re-enabled by <@U0S>');
    expect(blockKitViolations(message)).toEqual([]);
  });

  it('stays within 50 blocks with long lists', () => {
    const open = Array.from({ length: 500 }, (_, i) => ({
      severity: 'high' as const,
      raised: false,
      headline: `A ${i} ${'z'.repeat(500)}`,
      postedAt: i,
    }));
    const message = renderDigest({ day: '2024-04-30', timeZone: 'UTC', counts: counts(), open, disabled: [] });

    expect(blockKitViolations(message)).toEqual([]);
    expect(text(message.blocks)).toContain('…and 485 more open alerts');
  });
});

describe('duration', () => {
  it.each([
    [30, '30 s'],
    [754, '13 min'],
    [3 * 3600 + 300, '3 h 5 min'],
    [3 * 86400 + 4 * 3600, '3 d 4 h'],
  ])('%i s reads %s', (seconds, words) => {
    expect(duration(seconds)).toBe(words);
  });
});
