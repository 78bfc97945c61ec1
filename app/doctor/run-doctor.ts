import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import type { AccountClient } from '@aws-sdk/client-account';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { WebClient } from '@slack/web-api';
import type { Catalog } from '../catalog/catalog-config';
import { type CatalogEventPattern, eventPatternsFor } from '../catalog/event-patterns';
import { regionalEventPatternsFor } from '../catalog/regional-forwarding';
import type { Config } from '../config';
import { fileStateStore } from '../local/state-file';
import { type CheckResult, fail, pass, skip } from './check';
import {
  checkBotInChannel,
  checkFunctionUrl,
  checkLookupEvents,
  checkRule,
  checkSlackSecret,
  checkSlackSigningSecret,
  checkSlackToken,
  checkSocketModeToken,
  checkStack,
  checkSubscriptions,
  checkTopicPolicy,
  checkTrailLogging,
  readNotifierChannels,
  type StackOutputs,
} from './checks';
import {
  arnAccount,
  centralBusArn,
  checkEnabledRegionsForwarded,
  checkForwarderRegion,
  checkMemberInstances,
  checkResponderTrust,
  type MemberCheckOptions,
  readStackInstances,
} from './forwarding-checks';
import { type NamedSample, testEventsFor } from './sample-events';

/**
 * Runs the doctor's checks in order, for a deployed stack or for local mode. Each check's result is
 * reported as soon as it is known; a check whose prerequisite failed is skipped with the reason.
 */

/** The clients the checks call; built by the CLI, mocked at the SDK layer in tests. */
export interface DoctorClients {
  cloudformation: CloudFormationClient;
  cloudtrail: (region?: string) => CloudTrailClient;
  eventbridge: EventBridgeClient;
  sns: SNSClient;
  secrets: SecretsManagerClient;
  lambda: LambdaClient;
  /** A Slack Web API client for a token (bot `xoxb-` or app-level `xapp-`). */
  slack: (token: string) => WebClient;
  /** CloudFormation and EventBridge in another region (the forwarders'). */
  cloudformationIn: (region: string) => CloudFormationClient;
  eventbridgeIn: (region: string) => EventBridgeClient;
  /** Account Management (ListRegions). */
  account: AccountClient;
  /** IAM in a member account, through the role given with `--member-role`; undefined without one. */
  iamInAccount?: (account: string) => IAMClient;
}

export interface DoctorContext {
  config: Config;
  catalog: Catalog;
  samples: readonly NamedSample[];
  /** Local mode's state file. */
  statePath: string;
  /** Called with each result as soon as it is known. */
  onResult?: (result: CheckResult) => void;
  /** Member accounts to check (`--member-accounts`; else the Slack function's MEMBER_ACCOUNT_IDS) and how. */
  organization?: Pick<MemberCheckOptions, 'stackSetName' | 'callAs'> & { memberAccounts?: readonly string[] };
}

/** Checks a deployed stack, from its outputs: Slack, trail, rules, topic, subscriptions, secret. */
export async function runDeployedChecks(stackName: string, clients: DoctorClients, context: DoctorContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const report = (result: CheckResult) => {
    results.push(result);
    context.onResult?.(result);
  };

  const stack = await checkStack(clients.cloudformation, stackName);
  report(stack.result);
  const outputs = stack.outputs;
  if (!outputs) return results;

  // Slack: the secret, the token in it, and the channels the notifier posts to.
  let botToken: string | undefined;
  if (outputs.SlackSecretArn) {
    const secret = await checkSlackSecret(clients.secrets, outputs.SlackSecretArn, outputs.SlackSecretName);
    report(secret.result);
    botToken = secret.botToken;
    const botSecret = { secretName: outputs.SlackSecretName ?? outputs.SlackSecretArn, holdsSigningSecret: !!secret.holdsSigningSecret };
    report(
      outputs.SlackSigningSecretArn
        ? await checkSlackSigningSecret(
            clients.secrets,
            outputs.SlackSigningSecretArn,
            outputs.SlackSigningSecretName ?? outputs.SlackSigningSecretArn,
            botSecret,
          )
        : fail(
            'Slack signing secret in its own secret',
            'the stack has no SlackSigningSecretArn output',
            'redeploy with this version (npx cdk deploy), then follow docs/DEPLOY.md step 6',
          ),
    );
  } else {
    report(fail('Slack secret filled in', 'the stack has no SlackSecretArn output', 'redeploy with this version: npx cdk deploy'));
  }
  const channels = outputs.NotifierFunctionName ? await readNotifierChannels(clients.lambda, outputs.NotifierFunctionName) : undefined;
  if (channels) report(channels.result);
  if (botToken) {
    const slack = clients.slack(botToken);
    const token = await checkSlackToken(slack);
    report(token);
    for (const channel of channels?.channels ?? []) {
      report(token.ok ? await checkBotInChannel(slack, channel) : skip(`Bot in channel ${channel}`, 'needs a valid bot token'));
    }
  } else {
    report(skip('Slack bot token valid', 'needs the Slack secret filled in'));
  }
  if (outputs.SlackFunctionName) report(await checkFunctionUrl(clients.lambda, outputs.SlackFunctionName, outputs.SlackRequestUrl));

  // CloudTrail → EventBridge.
  if (outputs.TrailName) {
    report(await checkTrailLogging(clients.cloudtrail(), outputs.TrailName));
  } else {
    report(skip('Trail logging', 'the stack uses a trail of your own (no TrailName output): make sure it records management events'));
  }
  const ruleNames = (outputs.EventRuleNames ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const patterns = eventPatternsFor(context.catalog);
  const covered = new Set<string>();
  for (const ruleName of ruleNames) {
    const pattern = patternForRule(ruleName, stackName, patterns);
    if (pattern) covered.add(pattern.id);
    const events = pattern ? testEventsFor(pattern, context.catalog, context.samples) : [];
    report(await checkRule(clients.eventbridge, ruleName, events));
  }
  const missing = patterns.filter((p) => !covered.has(p.id));
  report(
    missing.length === 0
      ? pass('EventBridge rules cover the catalog', `${ruleNames.length} rules for ${patterns.length} catalog patterns`)
      : fail(
          'EventBridge rules cover the catalog',
          `no deployed rule for ${missing.map((p) => p.id).join(', ')}`,
          'the catalog changed since the last deploy (or ALERT_RULES_FILE differs): run npx cdk deploy',
        ),
  );

  // EventBridge → SNS → notifier (and email).
  if (outputs.AlertTopicArn) {
    report(await checkTopicPolicy(clients.sns, outputs.AlertTopicArn));
    report(await checkSubscriptions(clients.sns, outputs.AlertTopicArn, outputs.NotifierFunctionName));
  } else {
    report(
      fail('Alert topic lets EventBridge publish', 'the stack has no AlertTopicArn output', 'redeploy with this version: npx cdk deploy'),
    );
  }
  if (outputs.OpsTopicArn) report(await checkSubscriptions(clients.sns, outputs.OpsTopicArn));

  // Other regions and member accounts (issue 10).
  await runForwardingChecks(stackName, outputs, clients, context, report);
  return results;
}

/** The forwarders of every region, the regions enabled without one, then the member accounts. */
async function runForwardingChecks(
  stackName: string,
  outputs: StackOutputs,
  clients: DoctorClients,
  context: DoctorContext,
  report: (result: CheckResult) => void,
): Promise<void> {
  const home = arnAccount(outputs.SlackRoleArn);
  if (outputs.ForwarderRegions === undefined || !home) {
    report(
      fail(
        'Regional forwarders',
        'the stack has no ForwarderRegions or SlackRoleArn output: it predates regional forwarding, so only events recorded in us-east-1 alert (most IAM users sign in elsewhere)',
        'redeploy with this version: npx cdk deploy --all',
      ),
    );
  } else {
    const regions = outputs.ForwarderRegions === 'none' ? [] : outputs.ForwarderRegions.split(',').filter(Boolean);
    const patterns = regionalEventPatternsFor(context.catalog);
    const busArn = centralBusArn(home.account, home.partition);
    for (const region of regions) {
      const regional = { cloudformation: clients.cloudformationIn(region), eventbridge: clients.eventbridgeIn(region) };
      report(await checkForwarderRegion(regional, { centralStackName: stackName, region, busArn, patterns }));
    }
    report(
      regions.length > 0
        ? await checkEnabledRegionsForwarded(clients.account, regions)
        : skip(
            'Every enabled region has a forwarder',
            "forwarderRegions=none: this account's other regions are watched only if the member StackSet is deployed to them",
          ),
    );
  }

  const { organizationId, memberAccountIds } = await readSlackOrganization(clients.lambda, outputs.SlackFunctionName);
  const members = context.organization?.memberAccounts?.length ? context.organization.memberAccounts : memberAccountIds;
  if (members.length === 0) {
    if (organizationId) {
      report(
        skip(
          'Member accounts',
          `the stack serves organization ${organizationId}, but no member account was named: pass --member-accounts 111111111111,222222222222 to check their StackSet instances and responder roles`,
        ),
      );
    }
    return;
  }
  const options: MemberCheckOptions = {
    stackSetName: context.organization?.stackSetName ?? `${stackName}-member`,
    callAs: context.organization?.callAs ?? 'SELF',
    slackRoleArn: outputs.SlackRoleArn,
    organizationId,
  };
  const instances = await readStackInstances(clients.cloudformation, options);
  if ('result' in instances) report(instances.result);
  for (const account of members) {
    if ('instances' in instances) report(checkMemberInstances(account, instances.instances.get(account), options.stackSetName));
    const iam = clients.iamInAccount?.(account);
    report(
      iam
        ? await checkResponderTrust(iam, account, options)
        : skip(
            `Member account ${account}: IamAlertsResponder trust`,
            `not checked: reading IAM in ${account} needs credentials there. Pass --member-role with a role your credentials may assume in member accounts (e.g. OrganizationAccountAccessRole)`,
          ),
    );
  }
}

/** The organization and allow-list the deployed Slack function was given (empty when unreadable). */
async function readSlackOrganization(
  lambda: LambdaClient,
  functionName: string | undefined,
): Promise<{ organizationId?: string; memberAccountIds: string[] }> {
  if (!functionName) return { memberAccountIds: [] };
  try {
    const env = (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }))).Environment?.Variables ?? {};
    return {
      organizationId: env.ORGANIZATION_ID || undefined,
      memberAccountIds: (env.MEMBER_ACCOUNT_IDS ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    };
  } catch {
    // The Slack function's own checks report why it cannot be read.
    return { memberAccountIds: [] };
  }
}

/** The catalog pattern a deployed rule was built from: its name is `<prefix>-<pattern id>`, cut to 64 characters. */
function patternForRule(ruleName: string, prefix: string, patterns: readonly CatalogEventPattern[]): CatalogEventPattern | undefined {
  return (
    patterns.find((p) => `${prefix}-${p.id}`.slice(0, 64) === ruleName) ??
    patterns.filter((p) => ruleName.endsWith(`-${p.id}`)).sort((a, b) => b.id.length - a.id.length)[0]
  );
}

/** Checks local mode: Slack tokens and channel, CloudTrail event history, the state file. */
export async function runLocalChecks(clients: DoctorClients, context: DoctorContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const report = (result: CheckResult) => {
    results.push(result);
    context.onResult?.(result);
  };
  const { config } = context;
  const { botToken, appToken, channelId } = config.slack;

  if (botToken) {
    const slack = clients.slack(botToken);
    const token = await checkSlackToken(slack);
    report(token);
    const channels = [...new Set([channelId, ...Object.values(config.slack.channelBySeverity)].filter((c): c is string => !!c))];
    if (channels.length === 0) {
      report(fail('Alert channel', 'SLACK_CHANNEL_ID is not set', 'put the channel ID in .env: SLACK_CHANNEL_ID=C0123ABCD'));
    }
    for (const channel of channels) {
      report(token.ok ? await checkBotInChannel(slack, channel) : skip(`Bot in channel ${channel}`, 'needs a valid bot token'));
    }
  } else {
    report(
      fail(
        'Slack bot token valid',
        'SLACK_BOT_TOKEN is not set',
        'put the Bot User OAuth Token in .env: SLACK_BOT_TOKEN=xoxb-... (README "Local mode")',
      ),
    );
  }
  report(
    appToken
      ? await checkSocketModeToken(clients.slack(appToken))
      : fail(
          'Slack app token (Socket Mode)',
          'SLACK_APP_TOKEN is not set',
          'create an app-level token with connections:write and put it in .env: SLACK_APP_TOKEN=xapp-...',
        ),
  );

  for (const region of config.historyRegions) {
    report(await checkLookupEvents(clients.cloudtrail(region), region));
  }
  report(checkStateFile(context.statePath));
  return results;
}

/** The state file can be read (or does not exist yet) and its folder written. */
export function checkStateFile(path: string): CheckResult {
  const name = 'Local state file';
  try {
    const state = fileStateStore(path).load();
    accessSync(dirname(path), constants.W_OK);
    return pass(
      name,
      state.polledUntil
        ? `${path}: polled until ${state.polledUntil.toISOString()}, ${state.seen.size} recent events remembered`
        : `${path}: not created yet (the first run starts 15 minutes back)`,
    );
  } catch (error) {
    return fail(name, (error as Error).message, `fix the file's permissions, move the file away, or set LOCAL_STATE_FILE to another path`);
  }
}
