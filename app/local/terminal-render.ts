import type { KnownBlock } from '@slack/types';
import type { PreparedItem } from '../notifier/prepare';

/**
 * Shows a prepared alert in a terminal, from the very blocks Slack would receive, so that what the
 * preview prints is what the channel would show: severity, title, who/what/where, the buttons,
 * and a link that opens the message in Slack's Block Kit Builder.
 */

/** Where the Block Kit Builder lives; the message goes in the URL fragment, which is never sent to a server. */
export const BLOCK_KIT_BUILDER_URL = 'https://app.slack.com/block-kit-builder/#';

/** A link that opens `blocks` in Slack's Block Kit Builder. */
export function blockKitBuilderUrl(blocks: readonly KnownBlock[]): string {
  return BLOCK_KIT_BUILDER_URL + encodeURIComponent(JSON.stringify({ blocks }));
}

export interface TerminalStyle {
  /** ANSI colours and bold; only when writing to a TTY. */
  colour: boolean;
  /** Print the Block Kit Builder link under each alert (default true). */
  builderLink?: boolean;
}

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  blue: '\u001b[34m',
  magenta: '\u001b[35m',
  cyan: '\u001b[36m',
} as const;

const SEVERITY_COLOUR = { critical: ANSI.red, high: ANSI.magenta, medium: ANSI.yellow, low: ANSI.blue } as const;

/** Emoji the renderer uses, as terminal-friendly words or symbols (anything else is dropped). */
const EMOJI: Record<string, string> = {
  red_circle: '●',
  large_orange_circle: '●',
  large_yellow_circle: '●',
  large_blue_circle: '●',
  no_entry: '⛔',
  warning: '⚠',
  rotating_light: '(!)',
  white_check_mark: '✔',
  heavy_check_mark: '✔',
  x: '✘',
  grey_question: '?',
  ballot_box_with_check: '☑',
  lock: '🔒',
  unlock: '🔓',
  hourglass: '⌛',
  information_source: 'ℹ',
  mag: '🔍',
  snail: '🐌',
};

/** Formats one prepared item for the terminal: several lines, ending with a newline. */
export function formatPreparedItem(prepared: PreparedItem, style: TerminalStyle): string {
  const paint = painter(style.colour);
  switch (prepared.kind) {
    case 'ignored':
      return `${paint(ANSI.dim, `· ignored ${sanitise(prepared.eventName)} (${sanitise(prepared.reason)})`)}\n`;
    case 'rejected':
    case 'alert': {
      const lines = formatBlocks(prepared.message.blocks, style.colour, prepared.severity);
      if (style.builderLink !== false) {
        lines.push(`${paint(ANSI.dim, 'Open in Block Kit Builder:')} ${blockKitBuilderUrl(prepared.message.blocks)}`);
      }
      return `${lines.join('\n')}\n`;
    }
  }
}

/** Renders Block Kit blocks as readable terminal lines (header, sections, fields, context, buttons). */
export function formatBlocks(blocks: readonly KnownBlock[], colour: boolean, severity?: keyof typeof SEVERITY_COLOUR): string[] {
  const paint = painter(colour);
  const lines: string[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'header': {
        const bar = severity ? paint(SEVERITY_COLOUR[severity], '■') : '■';
        lines.push(`${bar} ${paint(ANSI.bold, sanitise(unescapeEntities(block.text.text)))}`);
        break;
      }
      case 'section': {
        if (block.text) lines.push(...indent(mrkdwnToTerminal(block.text.text, colour)));
        if (block.fields) {
          for (const field of block.fields) {
            // Fields are "*Label*\nvalue": one line each, "Label: value".
            const [label = '', ...rest] = field.text.split('\n');
            const value = mrkdwnToTerminal(rest.join(' '), colour);
            lines.push(`  ${paint(ANSI.bold, `${mrkdwnToTerminal(label, false)}:`)} ${value}`);
          }
        }
        break;
      }
      case 'context':
        for (const element of block.elements) {
          if ('text' in element && typeof element.text === 'string')
            lines.push(`  ${paint(ANSI.dim, mrkdwnToTerminal(element.text, false))}`);
        }
        break;
      case 'actions': {
        const buttons = block.elements.map((element) => {
          const text = 'text' in element && element.text && typeof element.text === 'object' ? element.text.text : element.type;
          const label = `[ ${sanitise(unescapeEntities(text))} ]`;
          const style = 'style' in element ? element.style : undefined;
          return style === 'danger' ? paint(ANSI.red, label) : style === 'primary' ? paint(ANSI.cyan, label) : label;
        });
        lines.push(`  ${buttons.join(' ')}`);
        break;
      }
      default:
        break;
    }
  }
  return lines;
}

/**
 * Turns Slack mrkdwn into plain terminal text: links become "label (url)", date tokens their
 * fallback, known emoji a symbol, `*bold*` bold on a TTY; `&lt;` and friends become the literal
 * characters Slack would display. Control characters from event data are removed so an event
 * cannot drive the terminal (ANSI escape injection).
 */
export function mrkdwnToTerminal(text: string, colour: boolean): string {
  const paint = painter(colour);
  let out = sanitise(text)
    // <!date^epoch^format|fallback>
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    // <url|label> and <url>
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]*)>/g, '$2 ($1)')
    .replace(/<((?:https?|mailto):[^>]+)>/g, '$1')
    .replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? (name in EMOJI ? '' : whole))
    .replace(/\n?```([\s\S]*?)```/g, (_, code: string) => `\n${code.trim()}`);
  out = out.replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;])/g, (_, before: string, inner: string) => before + paint(ANSI.bold, inner));
  out = out.replace(/`([^`\n]*)`/g, (_, code: string) => paint(ANSI.cyan, code));
  return unescapeEntities(out);
}

/** Undoes Slack's three entities; `&amp;` last so `&amp;lt;` stays `&lt;`. */
export function unescapeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Removes C0/C1 control characters but newline; runs before any colour of ours is added. */
function sanitise(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '');
}

function indent(text: string): string[] {
  return text.split('\n').map((line) => `  ${line}`);
}

function painter(colour: boolean): (code: string, text: string) => string {
  return (code, text) => (colour ? `${code}${text}${ANSI.reset}` : text);
}
