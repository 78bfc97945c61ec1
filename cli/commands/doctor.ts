import { resolve } from 'node:path';
import { AccountClient } from '@aws-sdk/client-account';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
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

Then each region's forwarder (its stack, every rule enabled and sending to the us-east-1 default
bus), the regions enabled in the account without a forwarder (account:ListRegions), and, for an
organization, each member account: its StackSet instances (ListStackInstances, from the management
account or a delegated administrator) and, with --member-role, the trust of its IamAlertsResponder
(iam:GetRole through that role). What it cannot check, it says, with why.

Local (--local, or by default when SLACK_APP_TOKEN is set and --stack is not given): checks the
bot token, the app-level token (Socket Mode), the bot's channel membership, CloudTrail event
history (LookupEvents) in HISTORY_REGIONS, and the local state file.

Options:
  --stack <name>     the deployed stack (default ${DEFAULT_STACK_NAME})
  --local            check local mode instead
  --region <region>  AWS region of the stack (default: AWS_REGION or your profile's)
  --member-accounts <ids>  member accounts to check, comma-separated (default: the Slack
                     function's MEMBER_ACCOUNT_IDS)
  --member-role <name>     a role your credentials may assume in each member account (e.g.
                     OrganizationAccountAccessRole), to read its IamAlertsResponder
  --stack-set <name> the member StackSet (default <stack>-member)
  --call-as <who>    SELF (management account, default) or DELEGATED_ADMIN
  -h, --help         show this help

AWS credentials come from the default chain. Read-only: nothing is changed.

Exit codes: 0 every check passed, 1 at least one failed, 2 wrong usage.
`;

/** Builds the SDK and Slack clients the checks use; `memberRole` lets it read IAM in member accounts. */
export function makeDoctorClients(config: Config, region?: string, memberRole?: string): DoctorClients {
  const options = region ? { region } : {};
  const perRegion = <T>(make: (region: string) => T) => {
    const made = new Map<string, T>();
    return (r: string): T => {
      if (!made.has(r)) made.set(r, make(r));
      return made.get(r)!;
    };
  };
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
    cloudformationIn: perRegion((r) => new CloudFormationClient({ region: r })),
    eventbridgeIn: perRegion((r) => new EventBridgeClient({ region: r })),
    // Account Management is a global API served from us-east-1.
    account: new AccountClient({ region: 'us-east-1' }),
    iamInAccount: memberRole
      ? (account) =>
          new IAMClient({
            region: 'us-east-1',
            credentials: fromTemporaryCredentials({
              params: { RoleArn: `arn:aws:iam::${account}:role/${memberRole}`, RoleSessionName: 'iam-alerts-doctor' },
            }),
          })
      : undefined,
  };
}

/** `iam-alerts doctor`: every link from CloudTrail to Slack, checked. */
export const doctorCommand: CliCommand = {
  summary: 'check the deployed stack (or local mode) end to end and say what to fix',
  help: HELP,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      stack: { type: 'string' },
      local: { type: 'boolean' },
      region: { type: 'string' },
      'member-accounts': { type: 'string' },
      'member-role': { type: 'string' },
      'stack-set': { type: 'string' },
      'call-as': { type: 'string' },
    });
    if (values.local && values.stack) throw new UsageError('--local and --stack exclude each other');
    const memberAccounts = (values['member-accounts'] ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    const bad = memberAccounts.filter((a) => !/^\d{12}$/.test(a));
    if (bad.length > 0) throw new UsageError(`--member-accounts takes 12-digit account IDs, comma-separated; not ${bad.join(', ')}`);
    const callAs = values['call-as'] ?? 'SELF';
    if (callAs !== 'SELF' && callAs !== 'DELEGATED_ADMIN') throw new UsageError('--call-as is SELF or DELEGATED_ADMIN');
    if (values.local && (memberAccounts.length > 0 || values['member-role'])) {
      throw new UsageError('--member-accounts and --member-role check a deployed stack, not --local');
    }
    const config = loadConfig(io.env);
    const local = values.local === true || (values.stack === undefined && config.slack.appToken !== undefined);
    const clients = makeDoctorClients(config, values.region, values['member-role']);
    const context = {
      config,
      catalog: loadCatalog(config.alertRulesFile),
      samples: loadSamples(),
      statePath: resolve(io.cwd, config.localStateFile ?? DEFAULT_STATE_FILE),
      onResult: (result: CheckResult) => io.stdout.write(formatResult(result, io.stdout)),
      organization: {
        memberAccounts,
        stackSetName: values['stack-set'] ?? `${values.stack ?? DEFAULT_STACK_NAME}-member`,
        callAs: callAs as 'SELF' | 'DELEGATED_ADMIN',
      },
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
