import { resolve } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { loadCatalog } from '../../app/catalog/catalog-config';
import { type Config, loadConfig } from '../../app/config';
import type { CheckResult } from '../../app/doctor/check';
import { type DoctorClients, runDeployedChecks, runLocalChecks } from '../../app/doctor/run-doctor';
import { loadSamples } from '../../app/local/preview';
import { DEFAULT_STATE_FILE } from '../../app/local/state-file';
import { createSlackClient } from '../../app/slack/web-client';
import { type CliCommand, type CliOutput, EXIT, parseCommandArgs, UsageError } from '../command';

/** The stack name `npx cdk deploy` uses by default (infra/bin/iam-alerts.ts). */
export const DEFAULT_STACK_NAME = 'IamAlerts';

const HELP = `Usage: iam-alerts doctor [options]

Checks the whole chain and says exactly what to fix.

Deployed (default, or --stack NAME): reads the stack's outputs, then checks that the Slack secret is
filled in, the bot token is valid and the bot is in the alert channel(s), the trail is logging,
every EventBridge rule is enabled and its pattern matches sample events (TestEventPattern), the
rules cover the catalog, the topic policy lets EventBridge publish, and every subscription of the
topics is confirmed (the email one included).

Local (--local, or by default when SLACK_APP_TOKEN is set and --stack is not given): checks the
bot token, the app-level token (Socket Mode), the bot's channel membership, CloudTrail event
history (LookupEvents) in HISTORY_REGIONS, and the local state file.

Options:
  --stack <name>     the deployed stack (default ${DEFAULT_STACK_NAME})
  --local            check local mode instead
  --region <region>  AWS region of the stack (default: AWS_REGION or your profile's)
  -h, --help         show this help

AWS credentials come from the default chain. Read-only: nothing is changed.

Exit codes: 0 every check passed, 1 at least one failed, 2 wrong usage.
`;

/** Builds the SDK and Slack clients the checks use. */
export function makeDoctorClients(config: Config, region?: string): DoctorClients {
  const options = region ? { region } : {};
  const cloudtrail = new Map<string, CloudTrailClient>();
  return {
    cloudformation: new CloudFormationClient(options),
    cloudtrail: (r = region) => {
      const key = r ?? '';
      if (!cloudtrail.has(key)) cloudtrail.set(key, new CloudTrailClient(r ? { region: r } : {}));
      return cloudtrail.get(key)!;
    },
    eventbridge: new EventBridgeClient(options),
    sns: new SNSClient(options),
    secrets: new SecretsManagerClient(options),
    lambda: new LambdaClient(options),
    // One quick attempt: the doctor reports a failure rather than retrying for a minute.
    slack: (token) => createSlackClient(token, { apiUrl: config.slack.apiUrl, retries: 1, timeoutMs: 5_000 }),
  };
}

/** `iam-alerts doctor`: every link from CloudTrail to Slack, checked. */
export const doctorCommand: CliCommand = {
  summary: 'check the deployed stack (or local mode) end to end and say what to fix',
  help: HELP,
  async run(args, io) {
    const { values } = parseCommandArgs(args, { stack: { type: 'string' }, local: { type: 'boolean' }, region: { type: 'string' } });
    if (values.local && values.stack) throw new UsageError('--local and --stack exclude each other');
    const config = loadConfig(io.env);
    const local = values.local === true || (values.stack === undefined && config.slack.appToken !== undefined);
    const clients = makeDoctorClients(config, values.region);
    const context = {
      config,
      catalog: loadCatalog(config.alertRulesFile),
      samples: loadSamples(),
      statePath: resolve(io.cwd, config.localStateFile ?? DEFAULT_STATE_FILE),
      onResult: (result: CheckResult) => io.stdout.write(formatResult(result, io.stdout)),
    };
    const stackName = values.stack ?? DEFAULT_STACK_NAME;
    io.stdout.write(
      local ? 'Checking local mode (Socket Mode + CloudTrail poller)...\n\n' : `Checking the deployed stack ${stackName}...\n\n`,
    );
    const results = local ? await runLocalChecks(clients, context) : await runDeployedChecks(stackName, clients, context);
    const failed = results.filter((r) => !r.ok);
    const skipped = results.filter((r) => r.skipped);
    const passed = results.length - failed.length - skipped.length;
    io.stdout.write(
      `\n${passed} passed, ${failed.length} failed${skipped.length ? `, ${skipped.length} skipped` : ''}.${failed.length ? ' Fix the first failure first: later ones often follow from it.' : ''}\n`,
    );
    return failed.length > 0 ? EXIT.failure : EXIT.ok;
  },
};

/** One check as a line (plus a "fix:" line when it failed); symbols and colour on a TTY only. */
export function formatResult(result: CheckResult, out: CliOutput): string {
  const tty = out.isTTY === true;
  const colour = (code: string, text: string) => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);
  const mark = result.skipped
    ? colour('2', tty ? '–' : 'SKIP')
    : result.ok
      ? colour('32', tty ? '✔' : 'PASS')
      : colour('31', tty ? '✘' : 'FAIL');
  const line = `${mark} ${result.name}: ${result.detail}\n`;
  return result.ok || !result.fix ? line : `${line}    ${colour('33', 'fix:')} ${result.fix}\n`;
}
