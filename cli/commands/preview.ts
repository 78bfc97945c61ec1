import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadCatalog } from '../../app/catalog/catalog-config';
import { loadConfig, type OnboardingSettings } from '../../app/config';
import { onboardingPreview } from '../../app/local/onboarding-preview';
import { previewValues, readEventValues } from '../../app/local/preview';
import { formatBlocks, formatPreparedItem } from '../../app/local/terminal-render';
import type { PreparedItem } from '../../app/notifier/prepare';
import { type CliCommand, type CliIo, EXIT, parseCommandArgs, UsageError } from '../command';

const HELP = `Usage: iam-alerts preview <file|-> [options]

Renders the alerts iam-alerts would post for CloudTrail records or EventBridge events, without
posting anything and without any network call. Reads JSON (one event, an array, a CloudTrail log
file {"Records": [...]}, or \`aws cloudtrail lookup-events\` output) or JSON Lines; "-" reads stdin.

Options:
  --json          print the Slack messages as JSON (one per line) instead of terminal text
  --no-link       leave out the Block Kit Builder links
  --all           also list events that raise no alert, with the reason
  -h, --help      show this help

Uses ALERT_RULES_FILE and ACCOUNT_ALIASES when set, like the notifier. Under a CreateUser alert it
also shows the onboarding DM the new user's owner would get (ONBOARDING_*), without any password.

Examples:
  iam-alerts preview samples/05-create-user.json
  aws cloudtrail lookup-events --max-results 20 | iam-alerts preview -

Exit codes: 0 rendered, 1 input unreadable, 2 wrong usage.
`;

/** `iam-alerts preview`: events in, rendered alerts out, offline. */
export const previewCommand: CliCommand = {
  summary: 'render the alerts for CloudTrail/EventBridge events from a file or stdin (offline)',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { json: { type: 'boolean' }, 'no-link': { type: 'boolean' }, all: { type: 'boolean' } },
      true,
    );
    if (positionals.length !== 1) throw new UsageError('expected exactly one input: a file path, or - for stdin');
    const input = positionals[0] as string;
    const text = input === '-' ? await readStream(io.stdin) : await readFile(resolve(io.cwd, input), 'utf8');
    const config = loadConfig(io.env);
    const prepared = previewValues(readEventValues(text, input === '-' ? 'stdin' : input), {
      catalog: loadCatalog(config.alertRulesFile),
      accountAliases: config.accountAliases,
    });
    writePrepared(prepared, io, {
      json: values.json === true,
      builderLink: values['no-link'] !== true,
      all: values.all === true,
      onboarding: { settings: config.onboarding, accountAliases: config.accountAliases },
    });
    return EXIT.ok;
  },
};

export interface WriteOptions {
  json: boolean;
  builderLink: boolean;
  all: boolean;
  /** Show, under each CreateUser alert, the onboarding DM its user's owner would get (terminal text only). */
  onboarding?: { settings: OnboardingSettings; accountAliases?: Readonly<Record<string, string>> };
}

/** Prints prepared items (alerts, rejections, and ignored events when asked) and a summary line. */
export function writePrepared(prepared: readonly PreparedItem[], io: CliIo, options: WriteOptions): void {
  const colour = io.stdout.isTTY === true;
  for (const item of prepared) {
    if (item.kind === 'ignored' && !options.all) continue;
    if (options.json) {
      if (item.kind !== 'ignored') io.stdout.write(`${JSON.stringify({ kind: item.kind, severity: item.severity, ...item.message })}\n`);
      continue;
    }
    io.stdout.write(`${formatPreparedItem(item, { colour, builderLink: options.builderLink })}\n`);
    const dm =
      options.onboarding && onboardingPreview(item, options.onboarding.settings, { accountAliases: options.onboarding.accountAliases });
    if (dm)
      io.stdout.write(
        `  ↳ ${dm.note}\n${formatBlocks(dm.message.blocks, colour)
          .map((line) => `  ${line}`)
          .join('\n')}\n\n`,
      );
  }
  const alerts = prepared.filter((p) => p.kind === 'alert').length;
  const ignored = prepared.filter((p) => p.kind === 'ignored').length;
  const rejected = prepared.filter((p) => p.kind === 'rejected').length;
  const summary = `${prepared.length} event${prepared.length === 1 ? '' : 's'}: ${alerts} alert${alerts === 1 ? '' : 's'}, ${ignored} not in the catalog, ${rejected} unrecognised\n`;
  (options.json ? io.stderr : io.stdout).write(summary);
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
