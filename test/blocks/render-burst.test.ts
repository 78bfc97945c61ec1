import { MAX_EVENTS_PER_REPLY, renderBurstParent, renderBurstReply } from '../../blocks/render-burst';
import { blockKitViolations } from '../support/block-kit-limits';

describe('burst blocks', () => {
  it('keeps a full thread reply of the longest lines within Block Kit limits, listing every line', () => {
    const lines = Array.from({ length: MAX_EVENTS_PER_REPLY }, (_, i) => `${String(i).padStart(3, '0')} ${'x'.repeat(396)}`);

    const reply = renderBurstReply(lines, 'Assumed role terraform');

    expect(blockKitViolations(reply as unknown as { text: string; blocks: Array<Record<string, unknown>> })).toEqual([]);
    const text = reply.blocks.map((b) => (b.type === 'section' ? (b.text?.text ?? '') : '')).join('\n');
    for (const line of lines) expect(text).toContain(line);
    expect(reply.text).toBe(`${MAX_EVENTS_PER_REPLY} more events by Assumed role terraform`);
  });

  it('adds one running-count line to the parent, replacing the previous one', () => {
    const parent = {
      text: 'Medium: IAM user created',
      blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'alert' } }],
    };

    const once = renderBurstParent(parent, 3, 'Assumed role <ci>');
    const twice = renderBurstParent(once, 7, 'Assumed role <ci>');

    expect(twice.blocks).toHaveLength(2);
    expect(JSON.stringify(twice.blocks[1])).toContain('7 more events');
    expect(JSON.stringify(twice.blocks[1])).toContain('&lt;ci&gt;');
    expect(twice.text).toContain('(+7 more events');
  });
});
