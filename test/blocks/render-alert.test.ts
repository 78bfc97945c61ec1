import { acknowledgeButtonValueSchema } from '../../app/slack/payloads';
import type { AlertView } from '../../blocks/alert-view';
import { escapeText, TRUNCATION_MARKER, truncate } from '../../blocks/mrkdwn';
import { renderAlert } from '../../blocks/render-alert';
import { renderUnrecognised } from '../../blocks/render-unrecognised';
import { blockKitViolations } from '../support/block-kit-limits';

const HOSTILE = '<!channel> <@U024BE7LH> <!here|here> & <https://evil.example|click>';

function view(overrides: Partial<AlertView> = {}): AlertView {
  return {
    severity: 'high',
    title: 'Access key created',
    subject: 'mallory',
    eventName: 'CreateAccessKey',
    eventSource: 'iam.amazonaws.com',
    eventId: '3a1b2c3d-0000-4000-8000-000000000001',
    outcome: { kind: 'success' },
    actor: { typeLabel: 'IAM user', name: 'alice', arn: 'arn:aws:iam::123456789012:user/alice' },
    target: { kind: 'user', name: 'mallory' },
    parameters: [{ label: 'User', value: 'mallory' }],
    reasons: [],
    accountId: '123456789012',
    region: 'us-east-1',
    sourceIp: '203.0.113.7',
    userAgent: { raw: 'aws-cli/2.15.0', summary: 'AWS CLI', flagged: false },
    eventTime: { epochSeconds: 1700000000, iso: '2023-11-14T22:13:20Z' },
    disable: [{ role: 'target', value: { u: 'mallory', a: '123456789012', e: '3a1b2c3d-0000-4000-8000-000000000001' } }],
    ...overrides,
  };
}

/**
 * Every string Slack displays: the fallback and each `text` of every block, mrkdwn and plain_text
 * alike. Button values are not displayed (they come back to us in payloads) and are left out.
 */
function allText(message: { text: string; blocks: unknown }): string {
  const texts: string[] = [message.text];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'text' && typeof value === 'string') texts.push(value);
        else if (key !== 'value') walk(value);
      }
    }
  };
  walk(message.blocks);
  return texts.join('\n');
}

describe('escapeText', () => {
  it('escapes the three characters Slack gives meaning to', () => {
    expect(escapeText('a & <b> c')).toBe('a &amp; &lt;b&gt; c');
  });
});

describe('truncate', () => {
  it('cuts with a visible marker and never splits an entity', () => {
    const text = `${'x'.repeat(95)}&amp;${'y'.repeat(50)}`;
    const cut = truncate(text, 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(cut).not.toMatch(/&[a-z]*…/);
  });

  it('leaves short text alone', () => {
    expect(truncate('short', 100)).toBe('short');
  });
});

describe('renderAlert', () => {
  it('names the raw event, the title in words, actor, target and source IP', () => {
    const message = renderAlert(view());
    const text = allText(message);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: 'High: Access key created: mallory' } });
    for (const needle of ['CreateAccessKey', 'alice', 'mallory', '203.0.113.7', 'AWS CLI', '<!date^1700000000^']) {
      expect(text).toContain(needle);
    }
    expect(message.text).toBe('[High] Access key created: mallory (CreateAccessKey) by alice from 203.0.113.7');
    expect(blockKitViolations(message)).toEqual([]);
  });

  it('escapes mentions in user names, parameters and user agents so nobody is pinged', () => {
    const message = renderAlert(
      view({
        subject: HOSTILE,
        actor: { typeLabel: 'IAM user', name: HOSTILE, detail: HOSTILE },
        target: { kind: 'user', name: HOSTILE },
        parameters: [{ label: HOSTILE, value: HOSTILE }],
        reasons: [HOSTILE],
        requestExcerpt: HOSTILE,
        sourceIp: HOSTILE,
        userAgent: { raw: HOSTILE, summary: HOSTILE, flagged: true },
        accountAlias: HOSTILE,
        outcome: { kind: 'denied', error: HOSTILE, message: HOSTILE },
        disable: [
          { role: 'target', value: { u: HOSTILE, a: '123456789012', e: 'e1' } },
          { role: 'actor', value: { u: HOSTILE, a: '123456789012', e: 'e1' } },
        ],
      }),
    );
    const text = allText(message);
    expect(text).not.toMatch(/<!channel>|<!here|<@U024BE7LH>|<https:\/\/evil/);
    expect(text).toContain('&lt;!channel&gt;');
    expect(blockKitViolations(message)).toEqual([]);
  });

  it('keeps every Slack limit with huge values, truncating visibly', () => {
    const huge = 'A'.repeat(10_000);
    const message = renderAlert(
      view({
        title: huge,
        subject: huge,
        actor: { typeLabel: 'IAM user', name: huge, detail: huge },
        target: { kind: 'user', name: huge },
        parameters: Array.from({ length: 40 }, (_, i) => ({ label: `p${i}`, value: huge })),
        reasons: [huge, huge],
        requestExcerpt: huge,
        userAgent: { raw: huge, summary: huge, flagged: false },
        eventId: huge,
        disable: [
          { role: 'target', value: { u: 'u'.repeat(64), a: '123456789012', e: 'e'.repeat(128) } },
          { role: 'actor', value: { u: 'v'.repeat(64), a: '123456789012', e: 'e'.repeat(128) } },
        ],
      }),
    );
    expect(blockKitViolations(message)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain(TRUNCATION_MARKER);
  });

  it('offers Acknowledge always and Disable User only with a target, behind a confirm naming the user', () => {
    const withTarget = renderAlert(view());
    const actions = withTarget.blocks.find((b) => b.type === 'actions') as any;
    expect(actions.elements.map((e: any) => e.action_id)).toEqual(['iam_alerts.acknowledge', 'iam_alerts.disable_user']);
    const disable = actions.elements[1];
    expect(JSON.parse(disable.value)).toEqual({ u: 'mallory', a: '123456789012', e: '3a1b2c3d-0000-4000-8000-000000000001' });
    expect(disable.confirm.text.text).toContain('mallory');
    expect(disable.confirm.text.text).toContain('deny-all policy');
    expect(disable.style).toBe('danger');

    const withoutTarget = renderAlert(view({ disable: [] }));
    const only = withoutTarget.blocks.find((b) => b.type === 'actions') as any;
    expect(only.elements.map((e: any) => e.action_id)).toEqual(['iam_alerts.acknowledge']);
  });

  it('offers the target and the acting user each its own button and confirmation, with distinct action ids', () => {
    const message = renderAlert(
      view({
        disable: [
          { role: 'target', value: { u: 'mallory', a: '123456789012', e: 'e1' } },
          { role: 'actor', value: { u: 'alice', a: '123456789012', e: 'e1' } },
        ],
      }),
    );
    const actions = message.blocks.find((b) => b.type === 'actions') as any;
    const [, target, actor] = actions.elements;
    expect(actions.elements.map((e: any) => e.action_id)).toEqual([
      'iam_alerts.acknowledge',
      'iam_alerts.disable_user',
      'iam_alerts.disable_user.actor',
    ]);
    expect(target.text.text).toBe('Disable mallory (target)');
    expect(JSON.parse(target.value)).toEqual({ u: 'mallory', a: '123456789012', e: 'e1' });
    expect(target.confirm.text.text).toMatch(/^Disable IAM user mallory \(the user this event changed\) in account 123456789012\?/);
    expect(actor.text.text).toBe('Disable alice (who did it)');
    expect(JSON.parse(actor.value)).toEqual({ u: 'alice', a: '123456789012', e: 'e1' });
    expect(actor.confirm.text.text).toMatch(/^Disable IAM user alice \(the IAM user who made this call\) in account 123456789012\?/);
    expect(blockKitViolations(message)).toEqual([]);
  });

  it('puts only whole JSON in button values: a value that would not fit gets no button, never a cut one', () => {
    // Event IDs come from the event; a hostile one is all characters JSON has to escape.
    const message = renderAlert(
      view({
        eventId: '\u0000'.repeat(5000),
        disable: [{ role: 'target', value: { u: 'mallory', a: '123456789012', e: '"'.repeat(1990) } }],
      }),
    );
    const actions = message.blocks.find((b) => b.type === 'actions') as any;
    expect(actions.elements.map((e: any) => e.action_id)).toEqual(['iam_alerts.acknowledge']);
    const ack = JSON.parse(actions.elements[0].value);
    expect(ack).toEqual({ e: '\u0000'.repeat(128), a: '123456789012' });
    expect(blockKitViolations(message)).toEqual([]);
  });

  it('keeps the Acknowledge value readable whatever the event ID and account', () => {
    for (const [eventId, accountId] of [
      ['x'.repeat(5000), '123456789012'],
      ['3a1b2c3d', 'not-an-account'],
      ['3a1b2c3d', undefined],
    ] as const) {
      const actions = renderAlert(view({ eventId, accountId })).blocks.find((b) => b.type === 'actions') as any;
      const value = actions.elements[0].value;
      expect(value.length).toBeLessThanOrEqual(2000);
      expect(acknowledgeButtonValueSchema.safeParse(JSON.parse(value)).success).toBe(true);
    }
  });

  it('marks denied attempts with the error', () => {
    const message = renderAlert(view({ outcome: { kind: 'denied', error: 'AccessDenied', message: 'not authorized' } }));
    expect(allText(message)).toContain('Denied attempt');
    expect(allText(message)).toContain('AccessDenied');
    expect(message.text).toContain('denied attempt');
  });

  it('shows an unparseable time as text rather than a broken date token', () => {
    const message = renderAlert(view({ eventTime: { raw: 'yesterday-ish' } }));
    expect(allText(message)).toContain('yesterday-ish');
    expect(allText(message)).not.toContain('<!date^');
  });
});

describe('renderUnrecognised', () => {
  it('says why and shows an escaped excerpt within limits', () => {
    const message = renderUnrecognised({ reason: 'not a CloudTrail record', excerpt: `${HOSTILE}${'z'.repeat(5000)}` });
    expect(message.text).toContain('Unrecognised event');
    expect(allText(message)).not.toMatch(/<!channel>/);
    expect(blockKitViolations(message)).toEqual([]);
  });
});
