import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handler, resetNotifierForTests } from '../../handlers/notifier';
import { blockKitViolations } from '../support/block-kit-limits';
import { loadCatalogTestRecords, toEventBridge, toSnsEvent } from '../support/corpus';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

/**
 * Every real record in test/fixtures/cloudtrail, and every record written for this project in
 * test/fixtures/cloudtrail-written, goes through the real notifier handler, wrapped as EventBridge
 * delivers it to SNS, and the real @slack/web-api client posts to a local Slack fake.
 */
interface Expectation {
  outcome: 'alert' | 'ignored' | 'rejected';
  eventName?: string;
  rule?: string;
  severity?: string;
  /** For a near-miss of a rule: what the reason it was ignored must say. */
  reasonContains?: string;
  /** The IAM users offered for Disable User: the user the event changed and the IAM user who made the call. */
  disable?: { target?: string; actor?: string };
}
const expectations = JSON.parse(readFileSync(join(__dirname, '../fixtures/corpus-expectations.json'), 'utf8')).records as Record<
  string,
  Expectation
>;
const corpus = loadCatalogTestRecords();

describe('notifier over the CloudTrail corpus', () => {
  let slack: FakeSlack;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    slack = await startFakeSlack();
    Object.assign(process.env, { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_CHANNEL_ID: 'C0ALERTS', SLACK_API_URL: slack.apiUrl });
    resetNotifierForTests();
  });
  afterAll(async () => {
    process.env = savedEnv;
    resetNotifierForTests();
    await slack.close();
  });

  it('has an expectation for every record, and the corpus is all there', () => {
    expect(corpus.filter((r) => !r.key.startsWith('written/')).length).toBeGreaterThanOrEqual(190);
    expect(corpus.map((r) => r.key).sort()).toEqual(Object.keys(expectations).sort());
  });

  it.each(corpus.map((r) => [r.key, r] as const))('%s', async (key, record) => {
    const expected = expectations[key];
    if (!expected) throw new Error(`no expectation for ${key}`);
    const before = slack.calls.length;

    const { outcomes } = await handler(toSnsEvent(toEventBridge(record.value)));

    expect(outcomes).toHaveLength(1);
    const [outcome] = outcomes;
    const posted = slack.calls.slice(before);
    if (expected.outcome === 'ignored') {
      expect(outcome).toMatchObject({ status: 'ignored', eventName: expected.eventName });
      expect(outcome?.status === 'ignored' && outcome.reason.length).toBeGreaterThan(5);
      if (expected.reasonContains) expect(outcome?.status === 'ignored' && outcome.reason).toContain(expected.reasonContains);
      expect(posted).toHaveLength(0);
      return;
    }
    expect(outcome).toMatchObject({ status: 'posted', eventName: expected.eventName, severity: expected.severity });
    expect(posted).toHaveLength(1);
    const message = posted[0]!.body as { text: string; blocks: Array<Record<string, any>>; channel: string };
    expect(message.channel).toBe('C0ALERTS');
    expect(blockKitViolations(message)).toEqual([]);
    // The raw event name is searchable in the alert, beside the title in words.
    expect(JSON.stringify(message.blocks)).toContain(expected.eventName);
    const actions = message.blocks.find((b) => b.type === 'actions');
    const disables = (actions?.elements ?? []).filter((e: { action_id: string }) => e.action_id.startsWith('iam_alerts.disable_user'));
    // Each offered user has its own button, and its confirmation names that user and why it is offered.
    const offered = Object.fromEntries(
      disables.map((button: { value: string; confirm: { text: { text: string } } }) => {
        const { u } = JSON.parse(button.value);
        expect(button.confirm.text.text).toContain(`Disable IAM user ${u} (`);
        return [/who made this call/.test(button.confirm.text.text) ? 'actor' : 'target', u];
      }),
    );
    expect(offered).toEqual(expected.disable);
    expect(disables.map((b: { action_id: string }) => b.action_id)).toEqual(
      ['iam_alerts.disable_user', 'iam_alerts.disable_user.actor'].slice(0, disables.length),
    );
    expect(actions?.elements[0].action_id).toBe('iam_alerts.acknowledge');
  });
});
