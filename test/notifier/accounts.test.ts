import { loadConfig } from '../../app/config';
import { channelFor, processNotifierInput } from '../../app/notifier/notify';
import { MemoryStore } from '../../app/state/memory-store';
import { createUserEvent, installSlackLedger, type SlackLedger } from '../../bench/burst-workload';
import { loadCloudTrailCorpus, toEventBridge, toSnsEvent } from '../support/corpus';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { container } from './containers';

/**
 * The notifier in an organization: each account's alerts routed to its channel under the severity
 * channels, account names beside the IDs, and the account and region taken from the CloudTrail
 * record (never the envelope), so that an event forwarded from a member account's region, or
 * delivered twice in two shapes, posts once and says where it happened.
 */

const HOME = '123456789012';
const PROD = '222222222222';
const SANDBOX = '333333333333';

/** The record as CloudTrail writes it in `account` and `region` (every ARN and account field moved there). */
function inAccount(record: Record<string, unknown>, account: string, region: string): Record<string, unknown> {
  const moved = JSON.parse(JSON.stringify(record).replaceAll(HOME, account)) as Record<string, unknown>;
  return { ...moved, recipientAccountId: account, awsRegion: region };
}

/** The SNS delivery of an EventBridge event with the given envelope (`account`, `region`, `id`). */
function delivered(record: Record<string, unknown>, envelope: { account: string; region: string; id: string }) {
  return toSnsEvent({ ...toEventBridge(record), ...envelope });
}

/** A ConsoleLogin without MFA by IAM user anaya: AWS's own example record (CloudTrail User Guide). */
function signInWithoutMfa(account: string, region: string): Record<string, unknown> {
  const found = loadCloudTrailCorpus().find((r) => r.key === 'awsdocs-cloudtrail-user-guide:1')!.value;
  const moved = JSON.parse(JSON.stringify(found).replaceAll('111122223333', account)) as Record<string, unknown>;
  return { ...moved, recipientAccountId: account, awsRegion: region };
}

function deps(slack: FakeSlack, env: Record<string, string>, store = new MemoryStore()) {
  const config = loadConfig({ SLACK_CHANNEL_ID: 'C0ALERTS', ...env });
  return { ...container(slack.apiUrl, { store }), config };
}

describe('channelFor', () => {
  const config = loadConfig({
    SLACK_CHANNEL_ID: 'C0ALERTS',
    SLACK_CHANNEL_BY_SEVERITY: 'critical=C0ONCALL',
    SLACK_CHANNEL_BY_ACCOUNT: `${PROD}=C0PROD`,
  });

  it('gives a severity’s own channel first, then the account’s, then SLACK_CHANNEL_ID', () => {
    expect(channelFor(config, 'critical', PROD)).toBe('C0ONCALL');
    expect(channelFor(config, 'high', PROD)).toBe('C0PROD');
    expect(channelFor(config, 'high', SANDBOX)).toBe('C0ALERTS');
    expect(channelFor(config, 'high', undefined)).toBe('C0ALERTS');
  });

  it('needs no SLACK_CHANNEL_ID for an account that has its own channel', () => {
    const accountsOnly = loadConfig({ SLACK_CHANNEL_BY_ACCOUNT: `${PROD}=C0PROD` });

    expect(channelFor(accountsOnly, 'medium', PROD)).toBe('C0PROD');
    expect(() => channelFor(accountsOnly, 'medium', SANDBOX)).toThrow(/SLACK_CHANNEL_ID is not set/);
  });
});

describe('notifier: per-account routing', () => {
  let slack: FakeSlack;
  let ledger: SlackLedger;
  beforeEach(async () => {
    slack = await startFakeSlack();
    ledger = installSlackLedger(slack, { intervalMs: 0, retryAfterSeconds: 0 });
  });
  afterEach(() => slack.close());

  it('posts each account’s alerts to its channel, and critical ones to the on-call channel whatever the account', async () => {
    const d = deps(slack, {
      SLACK_CHANNEL_BY_SEVERITY: 'critical=C0ONCALL',
      SLACK_CHANNEL_BY_ACCOUNT: `${PROD}=C0PROD,${SANDBOX}=C0SANDBOX`,
    });
    const rootKey = inAccount(
      { ...createUserEvent('root-1', 'ci', 'x'), userIdentity: { type: 'Root', arn: `arn:aws:iam::${HOME}:root`, accountId: HOME } },
      PROD,
      'us-east-1',
    );

    const outcomes = [
      ...(await processNotifierInput(toSnsEvent(toEventBridge(inAccount(createUserEvent('prod-1', 'ci', 'u1'), PROD, 'us-east-1'))), d)),
      ...(await processNotifierInput(toSnsEvent(toEventBridge(inAccount(createUserEvent('sbx-1', 'ci', 'u2'), SANDBOX, 'us-east-1'))), d)),
      ...(await processNotifierInput(toSnsEvent(toEventBridge(createUserEvent('home-1', 'ci', 'u3'))), d)),
      ...(await processNotifierInput(toSnsEvent(toEventBridge(rootKey)), d)),
    ];

    expect(outcomes.map((o) => ['eventId' in o ? o.eventId : undefined, 'channel' in o ? o.channel : undefined, o.status])).toEqual([
      ['prod-1', 'C0PROD', 'posted'],
      ['sbx-1', 'C0SANDBOX', 'posted'],
      ['home-1', 'C0ALERTS', 'posted'],
      ['root-1', 'C0ONCALL', 'posted'],
    ]);
  });

  it('groups a burst and paces it in the channel the account routes to', async () => {
    const store = new MemoryStore();
    const d = deps(slack, { SLACK_CHANNEL_BY_ACCOUNT: `${PROD}=C0PROD` }, store);
    const prodEvents = ['p-1', 'p-2', 'p-3'].map((id, i) => inAccount(createUserEvent(id, 'terraform', `u${i}`), PROD, 'us-east-1'));

    const outcomes = (await Promise.all(prodEvents.map((r) => processNotifierInput(toSnsEvent(toEventBridge(r)), d)))).flat();
    await processNotifierInput(toSnsEvent(toEventBridge(createUserEvent('h-1', 'terraform', 'u9'))), d);

    expect(outcomes.filter((o) => o.status === 'posted')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'grouped')).toHaveLength(2);
    const prodMessages = ledger.accepted.filter((m) => m.channel === 'C0PROD');
    expect(prodMessages.filter((m) => !m.threadTs)).toHaveLength(1);
    expect(prodMessages.filter((m) => m.threadTs).every((m) => m.threadTs === prodMessages.find((p) => !p.threadTs)!.ts)).toBe(true);
    // The home account's event by the same role name is its own alert, in the default channel.
    expect(ledger.accepted.filter((m) => m.channel === 'C0ALERTS' && !m.threadTs)).toHaveLength(1);
    expect((await store.get('pace#C0PROD', 0)).value).toBeDefined();
    expect((await store.get('pace#C0ALERTS', 0)).value).toBeDefined();
  });
});

describe('notifier: where the event happened', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startFakeSlack();
  });
  afterEach(() => slack.close());

  it('names the account (with its name) and region of the CloudTrail record, not of the envelope', async () => {
    const d = {
      ...deps(slack, { ACCOUNT_ALIASES: `${HOME}=security` }),
      accounts: { names: async () => ({ [PROD]: 'production', [HOME]: 'security' }) },
    };
    // The envelope says the central account and us-east-1, as a rewritten forward might.
    const event = delivered(signInWithoutMfa(PROD, 'eu-north-1'), { account: HOME, region: 'us-east-1', id: 'eb-rewritten' });

    const [outcome] = await processNotifierInput(event, d);

    expect(outcome).toMatchObject({ status: 'posted', eventName: 'ConsoleLogin' });
    const body = slack.callsTo('chat.postMessage')[0]!.body as { text: string; blocks: unknown[] };
    const shown = JSON.stringify(body.blocks);
    expect(shown).toContain(`*Account*\\n\`${PROD}\` (production)`);
    expect(shown).toContain('*Region*\\neu-north-1');
    expect(shown).not.toContain(HOME);
    expect(shown).toContain('https://eu-north-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-north-1#/events/');
    // Disable User acts in the member account the record names.
    expect(shown).toContain(`\\"a\\":\\"${PROD}\\"`);
  });

  it('posts once for one event delivered in two shapes: forwarded from its region, and with an envelope rewritten', async () => {
    const store = new MemoryStore();
    const record = signInWithoutMfa(PROD, 'eu-north-1');
    const forwarded = delivered(record, { account: PROD, region: 'eu-north-1', id: 'eb-forwarded-by-eu-north-1' });
    const rewritten = delivered(record, { account: HOME, region: 'us-east-1', id: 'eb-matched-by-another-rule' });

    const first = await processNotifierInput(forwarded, deps(slack, {}, store));
    const second = await processNotifierInput(rewritten, deps(slack, {}, store));
    const bare = await processNotifierInput({ ...toEventBridge(record), id: 'eb-direct' }, deps(slack, {}, store));

    expect(first).toMatchObject([{ status: 'posted', eventId: '3fcfb182-98f8-4744-bd45-10a395ab61cb' }]);
    expect(second).toMatchObject([{ status: 'duplicate', eventId: '3fcfb182-98f8-4744-bd45-10a395ab61cb' }]);
    expect(bare).toMatchObject([{ status: 'duplicate' }]);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('still posts events of two accounts that share a sharedEventID: CloudTrail gives each account’s copy its own eventID', async () => {
    const store = new MemoryStore();
    const callerCopy = { ...signInWithoutMfa(PROD, 'eu-north-1'), eventID: 'copy-in-prod', sharedEventID: 'shared-1' };
    const otherCopy = { ...signInWithoutMfa(SANDBOX, 'eu-north-1'), eventID: 'copy-in-sandbox', sharedEventID: 'shared-1' };

    await processNotifierInput(toSnsEvent(toEventBridge(callerCopy)), deps(slack, {}, store));
    await processNotifierInput(toSnsEvent(toEventBridge(otherCopy)), deps(slack, {}, store));

    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
  });
});
