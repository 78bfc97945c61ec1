import { loadCatalog } from '../../app/catalog/catalog-config';
import { loadConfig } from '../../app/config';
import { loadSamples, previewValues, SAMPLES_DIR } from '../../app/local/preview';
import { type CliCommand, EXIT, parseCommandArgs } from '../command';
import { runLocalBot } from '../local-bot';
import { writePrepared } from './preview';

const HELP = `Usage: iam-alerts start [options]     (also: npm start)

Without Slack tokens: renders the bundled sample events (samples/) as the alerts iam-alerts would
post, with links that open each in Slack's Block Kit Builder. No credentials, no network.

With SLACK_BOT_TOKEN, SLACK_APP_TOKEN and SLACK_CHANNEL_ID set (in .env or the environment) and AWS
credentials from the default chain: runs the Slack app in Socket Mode (buttons and /iam-events,
jobs in-process) and polls CloudTrail LookupEvents for new IAM and sign-in events every
POLL_INTERVAL_SECONDS (default 60) in HISTORY_REGIONS (default us-east-1), posting alerts to
SLACK_CHANNEL_ID. What was posted is remembered in LOCAL_STATE_FILE (default
.iam-alerts-state.json), so a restart neither reposts nor skips. Stop with Ctrl-C.

Options:
  --samples       render the samples even when Slack tokens are set
  --no-link       leave out the Block Kit Builder links
  -h, --help      show this help

Exit codes: 0 done (or stopped with Ctrl-C), 1 failed, 2 wrong usage.
`;

/** `iam-alerts start` / `npm start`: the offline sample preview, or the local Socket Mode bot. */
export const startCommand: CliCommand = {
  summary: 'show alerts for the bundled samples, or run locally (Socket Mode + poller) when Slack tokens are set',
  help: HELP,
  async run(args, io) {
    const { values } = parseCommandArgs(args, { samples: { type: 'boolean' }, 'no-link': { type: 'boolean' } });
    const config = loadConfig(io.env);
    const { botToken, appToken, channelId } = config.slack;
    if (botToken && appToken && channelId && values.samples !== true) {
      return runLocalBot(config, io);
    }
    const samples = loadSamples();
    const prepared = previewValues(
      samples.map((s) => s.value),
      { catalog: loadCatalog(config.alertRulesFile), accountAliases: config.accountAliases },
    );
    io.stdout.write(`iam-alerts: ${samples.length} sample events from ${SAMPLES_DIR}, rendered as Slack would show them.\n\n`);
    writePrepared(prepared, io, {
      json: false,
      builderLink: values['no-link'] !== true,
      all: true,
      onboarding: { settings: config.onboarding, accountAliases: config.accountAliases },
    });
    io.stdout.write(
      '\nTo go live: put SLACK_BOT_TOKEN, SLACK_APP_TOKEN and SLACK_CHANNEL_ID in .env (README: "Run it locally") and run npm start again.\n',
    );
    return EXIT.ok;
  },
};
