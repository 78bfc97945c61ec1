import { loadCatalog } from '../../app/catalog/catalog-config';
import { loadConfig } from '../../app/config';
import { MAX_SINCE_MINUTES } from '../../app/history/query';
import { type LookupProgress, lookupAttributesForCatalog, lookupWindow } from '../../app/local/lookup-window';
import { previewValues } from '../../app/local/preview';
import { createLogger } from '../../app/logger';
import { processNotifierInput } from '../../app/notifier/notify';
import { makeNotifierDeps } from '../../handlers/deps';
import { type CliCommand, type CliIo, EXIT, parseCommandArgs, parseDuration, UsageError } from '../command';
import { abortableSleep, makeCloudTrailReader } from '../local-bot';
import { writePrepared } from './preview';

const HELP = `Usage: iam-alerts replay --since <duration> [options]

Reads CloudTrail's event history (LookupEvents, up to 90 days back) for the events the alert
catalog watches, and posts an alert to Slack for each one that matches, oldest first, the way the
notifier would have. With --dry-run it prints the alerts here instead and needs no Slack token.

LookupEvents allows 2 requests per second per region: a long window takes a while, and progress is
shown as it goes. AWS credentials come from the default chain (AWS_PROFILE, SSO, environment...).

Options:
  --since <duration>   how far back: 30m, 24h, 7d (required; at most 90d)
  --dry-run            print the alerts instead of posting them
  --region <list>      comma-separated regions (default: HISTORY_REGIONS, else us-east-1)
  --no-link            with --dry-run: leave out the Block Kit Builder links
  -h, --help           show this help

Posting needs SLACK_BOT_TOKEN (or SLACK_SECRET_ARN) and SLACK_CHANNEL_ID. Replay does not consult
the local state file: events already posted are posted again.

Examples:
  iam-alerts replay --since 24h --dry-run
  iam-alerts replay --since 7d --region us-east-1,eu-west-1

Exit codes: 0 done, 1 CloudTrail or Slack failed (the message says why), 2 wrong usage.
`;

/** `iam-alerts replay`: LookupEvents → alerts, for catching up or trying the catalog on real history. */
export const replayCommand: CliCommand = {
  summary: 'read CloudTrail event history (LookupEvents) and post, or print with --dry-run, the alerts',
  help: HELP,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      since: { type: 'string' },
      'dry-run': { type: 'boolean' },
      region: { type: 'string' },
      'no-link': { type: 'boolean' },
    });
    if (values.since === undefined) throw new UsageError('--since is required, e.g. --since 24h');
    const sinceMs = parseDuration(values.since, '--since');
    if (sinceMs > MAX_SINCE_MINUTES * 60_000)
      throw new UsageError('--since reaches back at most 90d (CloudTrail keeps 90 days of event history)');
    const config = loadConfig(io.env);
    const regions = values.region
      ? values.region
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean)
      : [...config.historyRegions];
    if (regions.some((r) => !/^[a-z]{2}(-[a-z]+)+-\d$/.test(r)))
      throw new UsageError(`--region expects region names like us-east-1, got "${values.region}"`);
    const dryRun = values['dry-run'] === true;
    const logger = createLogger('iam-alerts-cli');
    const catalog = loadCatalog(config.alertRulesFile);
    // Resolve Slack settings before the long read, so a missing token fails at once.
    const notifierDeps = dryRun ? undefined : await makeNotifierDeps(config, logger);

    const end = new Date();
    const start = new Date(end.getTime() - sinceMs);
    const attributes = lookupAttributesForCatalog(catalog);
    io.stderr.write(`Reading CloudTrail from ${start.toISOString()} to ${end.toISOString()} in ${regions.join(', ')}...\n`);
    const progress = progressReporter(io);
    const reader = makeCloudTrailReader(io.time);
    const events = await lookupWindow(
      { start, end, regions, attributes },
      {
        ...reader,
        now: io.time?.now ?? Date.now,
        sleep: (ms) => (io.time?.sleep ?? abortableSleep)(ms, io.signal),
        logger,
        signal: io.signal,
        onProgress: progress.update,
      },
    );
    progress.done(events.length);
    if (io.signal.aborted) {
      io.stderr.write('Interrupted: nothing was posted.\n');
      return EXIT.failure;
    }

    if (!notifierDeps) {
      const prepared = previewValues(
        events.map((e) => e.record),
        { catalog, accountAliases: config.accountAliases },
      );
      writePrepared(prepared, io, { json: false, builderLink: values['no-link'] !== true, all: false });
      return EXIT.ok;
    }
    let posted = 0;
    let skipped = 0;
    for (const [i, event] of events.entries()) {
      if (io.signal.aborted) {
        io.stderr.write(`Interrupted after ${posted} alerts.\n`);
        return EXIT.failure;
      }
      for (const outcome of await processNotifierInput(event.record, { ...notifierDeps, catalog })) {
        if (outcome.status === 'ignored') skipped++;
        else posted++;
      }
      if (io.stderr.isTTY) io.stderr.write(`\rPosting: ${i + 1}/${events.length} events, ${posted} alerts`);
    }
    if (io.stderr.isTTY) io.stderr.write('\n');
    io.stdout.write(`${events.length} events read: ${posted} alerts posted, ${skipped} not in the catalog.\n`);
    return EXIT.ok;
  },
};

/** Progress on stderr: one rewritten line on a terminal, a line per step otherwise (CI logs). */
function progressReporter(io: CliIo): { update: (p: LookupProgress) => void; done: (found: number) => void } {
  const tty = io.stderr.isTTY === true;
  let shown = false;
  return {
    update(p) {
      const line = `Read ${p.scanned} events (${p.found} distinct) in ${p.calls} LookupEvents calls`;
      io.stderr.write(tty ? `\r${line}` : `${line}\n`);
      shown = true;
    },
    done(found) {
      if (tty && shown) io.stderr.write('\n');
      io.stderr.write(`Found ${found} events.\n`);
    },
  };
}
