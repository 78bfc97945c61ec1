import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { z } from 'zod';

/**
 * `npm run manifest`: writes the deployed stack's Slack request URL into `manifest.yml`
 * (interactivity and every slash command), keeping the file's comments and layout.
 *
 * Where the URL comes from, first found wins:
 *   --url https://…                     given directly
 *   --outputs cdk.out/outputs.json      the file `npx cdk deploy --outputs-file …` wrote (default path)
 *   --stack IamAlerts                   the stack's outputs, read with CloudFormation DescribeStacks
 */

export const DEFAULT_OUTPUTS_FILE = 'cdk.out/outputs.json';
const OUTPUT_KEY = 'SlackRequestUrl';

const requestUrlSchema = z
  .url({ protocol: /^https$/, error: 'the Slack request URL must be an https:// URL' })
  .refine((u) => !u.includes('REPLACE-WITH'), 'that is the placeholder, not a deployed URL');

/** What went wrong, in words for the operator. */
export class ManifestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ManifestError';
  }
}

/**
 * Returns the manifest text with `settings.interactivity.request_url`, each
 * `features.slash_commands[].url` and (when the manifest subscribes to events)
 * `settings.event_subscriptions.request_url` set to `url`; comments and everything else unchanged.
 * @throws ManifestError when the URL is not https or the manifest lacks those keys.
 */
export function setRequestUrls(manifestText: string, url: string): { text: string; changed: string[] } {
  const checked = requestUrlSchema.safeParse(url);
  if (!checked.success) throw new ManifestError(checked.error.issues.map((i) => i.message).join('; '));
  const doc = parseDocument(manifestText);
  if (doc.errors.length > 0) throw new ManifestError(`manifest.yml is not valid YAML: ${doc.errors[0]!.message}`);
  if (!isMap(doc.getIn(['settings', 'interactivity']))) throw new ManifestError('manifest.yml has no settings.interactivity');
  const paths: (string | number)[][] = [['settings', 'interactivity', 'request_url']];
  // The Events API (the Home tab's app_home_opened) goes to the same Function URL.
  if (isMap(doc.getIn(['settings', 'event_subscriptions']))) paths.push(['settings', 'event_subscriptions', 'request_url']);
  const commands = doc.getIn(['features', 'slash_commands']);
  if (isSeq(commands)) for (let i = 0; i < commands.items.length; i++) paths.push(['features', 'slash_commands', i, 'url']);

  // Replace each URL in the source text itself, so that comments, folded text and layout stay
  // byte for byte (re-serializing the document would re-wrap them).
  const edits: Array<{ start: number; end: number }> = [];
  const changed: string[] = [];
  for (const path of paths) {
    const node = doc.getIn(path, true);
    if (!isScalar(node) || !node.range) throw new ManifestError(`manifest.yml has no ${path.join('.')} to set`);
    if (node.value !== url) changed.push(path.join('.'));
    edits.push({ start: node.range[0], end: node.range[1] });
  }
  let text = manifestText;
  for (const { start, end } of edits.sort((x, y) => y.start - x.start)) text = text.slice(0, start) + url + text.slice(end);
  return { text, changed };
}

const outputsFileSchema = z.record(z.string(), z.record(z.string(), z.string()));

/** The request URL from a `cdk deploy --outputs-file` JSON file (`{ "<stack>": { "SlackRequestUrl": … } }`). */
export function requestUrlFromOutputsFile(text: string, stackName: string): string {
  const parsed = outputsFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new ManifestError('the outputs file is not what `cdk deploy --outputs-file` writes');
  const url = parsed.data[stackName]?.[OUTPUT_KEY];
  if (!url) throw new ManifestError(`the outputs file has no ${OUTPUT_KEY} for stack ${stackName}`);
  return url;
}

async function requestUrlFromStack(stackName: string): Promise<string> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient({});
  const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  const url = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === OUTPUT_KEY)?.OutputValue;
  if (!url) throw new ManifestError(`stack ${stackName} has no ${OUTPUT_KEY} output: is it deployed in this region?`);
  return url;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      outputs: { type: 'string' },
      stack: { type: 'string', default: 'IamAlerts' },
      manifest: { type: 'string', default: 'manifest.yml' },
    },
  });
  const stackName = values.stack!;
  const outputsFile = values.outputs ?? (existsSync(DEFAULT_OUTPUTS_FILE) ? DEFAULT_OUTPUTS_FILE : undefined);
  const url =
    values.url ??
    (outputsFile ? requestUrlFromOutputsFile(readFileSync(outputsFile, 'utf8'), stackName) : await requestUrlFromStack(stackName));
  const path = resolve(values.manifest!);
  const { text, changed } = setRequestUrls(readFileSync(path, 'utf8'), url);
  writeFileSync(path, text);
  console.log(
    changed.length > 0
      ? `${path}: set ${changed.join(', ')} to ${url}.\nNow update the Slack app: api.slack.com/apps → your app → App Manifest → paste, or "Create New App → From an app manifest".`
      : `${path} already points at ${url}.`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof ManifestError ? `npm run manifest: ${error.message}` : error);
    process.exitCode = 1;
  });
}
