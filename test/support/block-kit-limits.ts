import { SLACK_LIMITS } from '../../blocks/limits';

/**
 * Lists every way a posted message breaks Slack's Block Kit limits (empty when it fits).
 * Used on every message the tests see Slack receive.
 */
export function blockKitViolations(message: { text?: unknown; blocks?: unknown }, options: { maxBlocks?: number } = {}): string[] {
  const maxBlocks = options.maxBlocks ?? SLACK_LIMITS.blocksPerMessage;
  const problems: string[] = [];
  const text = message.text;
  if (typeof text !== 'string' || text.length === 0) problems.push('no text fallback');
  else if (text.length > SLACK_LIMITS.fallbackText) problems.push(`text fallback is ${text.length} chars`);
  const blocks = (message.blocks ?? []) as Array<Record<string, any>>;
  if (!Array.isArray(blocks)) return [...problems, 'blocks is not an array'];
  if (blocks.length > maxBlocks) problems.push(`${blocks.length} blocks`);
  blocks.forEach((block, i) => {
    const where = `block ${i} (${block.type})`;
    const check = (value: unknown, max: number, what: string) => {
      if (typeof value === 'string' && value.length > max) problems.push(`${where}: ${what} is ${value.length} > ${max}`);
      if (typeof value === 'string' && value.length === 0) problems.push(`${where}: ${what} is empty`);
    };
    if (block.block_id) check(block.block_id, SLACK_LIMITS.blockId, 'block_id');
    switch (block.type) {
      case 'header':
        check(block.text?.text, SLACK_LIMITS.headerText, 'header text');
        if (block.text?.type !== 'plain_text') problems.push(`${where}: header must be plain_text`);
        break;
      case 'section':
        if (!block.text && !block.fields) problems.push(`${where}: section with neither text nor fields`);
        check(block.text?.text, SLACK_LIMITS.sectionText, 'section text');
        if (block.fields) {
          if (block.fields.length > SLACK_LIMITS.sectionFields) problems.push(`${where}: ${block.fields.length} fields`);
          for (const f of block.fields) check(f.text, SLACK_LIMITS.sectionFieldText, 'field');
        }
        break;
      case 'context':
        if (block.elements.length > SLACK_LIMITS.contextElements) problems.push(`${where}: ${block.elements.length} elements`);
        for (const e of block.elements) check(e.text, SLACK_LIMITS.contextText, 'context element');
        break;
      case 'actions':
        if (block.elements.length > SLACK_LIMITS.actionsElements) problems.push(`${where}: too many elements`);
        for (const e of block.elements) {
          check(e.action_id, SLACK_LIMITS.actionId, 'action_id');
          if (e.type === 'button') {
            check(e.text?.text, SLACK_LIMITS.buttonText, 'button text');
            if (e.value !== undefined) check(e.value, SLACK_LIMITS.buttonValue, 'button value');
            if (e.confirm) {
              check(e.confirm.title?.text, SLACK_LIMITS.confirmTitle, 'confirm title');
              check(e.confirm.text?.text, SLACK_LIMITS.confirmText, 'confirm text');
              check(e.confirm.confirm?.text, SLACK_LIMITS.confirmButton, 'confirm button');
              check(e.confirm.deny?.text, SLACK_LIMITS.confirmButton, 'deny button');
            }
          }
        }
        break;
      case 'divider':
      case 'rich_text':
      case 'image':
      case 'input':
      case 'file':
      case 'video':
        break;
      default:
        problems.push(`${where}: unknown block type`);
    }
  });
  return problems;
}
