import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { type CloudTrailClient, GetTrailStatusCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, type EventBridgeClient, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, GetFunctionUrlConfigCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, type SNSClient, type Subscription } from '@aws-sdk/client-sns';
import type { WebClient } from '@slack/web-api';
import * as z from 'zod';
import { slackSecretSchema, slackSigningSecretSchema } from '../slack/credentials';
import { awsFix, type CheckResult, errorText, fail, pass, skip } from './check';
import type { TestEvent } from './sample-events';

/**
 * The doctor's checks, one small function each: every one makes the AWS or Slack call that proves
 * one link of the chain works, and says exactly what to fix when it does not. They never throw and
 * never print a secret.
 */

// ---------------------------------------------------------------- CloudFormation

/** The stack outputs the doctor reads (see infra/stacks/iam-alerts-stack.ts). */
export interface StackOutputs {
  SlackRequestUrl?: string;
  AlertTopicArn?: string;
  OpsTopicArn?: string;
  SlackSecretArn?: string;
  SlackSecretName?: string;
  SlackSigningSecretArn?: string;
  SlackSigningSecretName?: string;
  NotifierFunctionName?: string;
  SlackFunctionName?: string;
  EventRuleNames?: string;
  /** The Slack function's role: the member StackSet's CentralSlackRoleArn (issue 10). */
  SlackRoleArn?: string;
  /** Regions with a forwarder stack, comma-separated, or `none` (issue 10). */
  ForwarderRegions?: string;
  TrailName?: string;
  AlertEmailSubscription?: string;
}

/** Finds the deployed stack and reads its outputs. */
export async function checkStack(
  cloudformation: CloudFormationClient,
  stackName: string,
): Promise<{ result: CheckResult; outputs?: StackOutputs }> {
  const name = `CloudFormation stack ${stackName}`;
  try {
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (!stack) return { result: fail(name, 'not found', deployFix(stackName)) };
    const status = stack.StackStatus ?? 'UNKNOWN';
    const outputs = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])) as StackOutputs;
    if (!/_COMPLETE$/.test(status) || /ROLLBACK|DELETE/.test(status)) {
      return {
        result: fail(
          name,
          `status ${status}`,
          `see the stack's events in the CloudFormation console, fix the cause, then run npx cdk deploy`,
        ),
        outputs,
      };
    }
    return { result: pass(name, `${status}, ${Object.keys(outputs).length} outputs`), outputs };
  } catch (error) {
    const { code, message } = errorText(error);
    if (code === 'ValidationError' && /does not exist/.test(message)) {
      return { result: fail(name, 'does not exist in this account and region', deployFix(stackName)) };
    }
    return { result: fail(name, `cannot describe it: ${message}`, awsFix(error, 'cloudformation:DescribeStacks')) };
  }
}

function deployFix(stackName: string): string {
  return `deploy it with npx cdk deploy (docs/DEPLOY.md), or name your stack with --stack; check the region (AWS_REGION or --region), ${stackName} lives in us-east-1 by default`;
}

// ---------------------------------------------------------------- Secrets Manager

/** A secret's JSON value, or a failed check saying why it could not be read. */
async function readJsonSecret(
  secrets: SecretsManagerClient,
  secretId: string,
  secretName: string,
  check: { name: string; fillIn: string },
): Promise<{ value: unknown } | { result: CheckResult }> {
  let text: string | undefined;
  try {
    text = (await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    const { code, message } = errorText(error);
    if (code === 'ResourceNotFoundException' && /current version|AWSCURRENT/i.test(message)) {
      return { result: fail(check.name, `${secretName} has no value yet`, check.fillIn) };
    }
    return { result: fail(check.name, `cannot read ${secretName}: ${message}`, awsFix(error, 'secretsmanager:GetSecretValue')) };
  }
  try {
    return { value: JSON.parse(text ?? '') };
  } catch {
    return { result: fail(check.name, `${secretName} is not JSON`, check.fillIn) };
  }
}

/**
 * Reads the Slack secret (the bot token, which both functions read) and checks it is filled in;
 * hands back the tokens for the Slack checks, and whether it still holds the signing secret
 * (deployments from before the signing secret got a secret of its own).
 */
export async function checkSlackSecret(
  secrets: SecretsManagerClient,
  secretId: string,
  secretName = secretId,
): Promise<{ result: CheckResult; botToken?: string; appToken?: string; holdsSigningSecret?: boolean }> {
  const name = 'Slack secret filled in';
  const fillIn = `aws secretsmanager put-secret-value --secret-id ${secretName} --secret-string '{"SLACK_BOT_TOKEN":"xoxb-..."}' (the Bot User OAuth Token from your Slack app's OAuth & Permissions page)`;
  const read = await readJsonSecret(secrets, secretId, secretName, { name, fillIn });
  if ('result' in read) return read;
  const parsed = slackSecretSchema.safeParse(read.value);
  if (!parsed.success) {
    const keys = parsed.error.issues.map((i) => i.path.join('.') || '(value)').join(', ');
    return { result: fail(name, `${secretName} is missing or has a malformed ${keys}`, fillIn) };
  }
  return {
    result: pass(name, `${secretName} holds a bot token`),
    botToken: parsed.data.SLACK_BOT_TOKEN,
    appToken: parsed.data.SLACK_APP_TOKEN,
    holdsSigningSecret: parsed.data.SLACK_SIGNING_SECRET !== undefined,
  };
}

/**
 * Checks that the signing secret is in its own secret, which only the Slack function may read,
 * and no longer in the bot-token secret, which the notifier reads too. (The Slack function still
 * uses a signing secret left in the bot-token secret, and warns in its log; this says how to move it.)
 */
export async function checkSlackSigningSecret(
  secrets: SecretsManagerClient,
  secretId: string,
  secretName: string,
  botSecret: { secretName: string; holdsSigningSecret: boolean },
): Promise<CheckResult> {
  const name = 'Slack signing secret in its own secret';
  const fillIn = `aws secretsmanager put-secret-value --secret-id ${secretName} --secret-string '{"SLACK_SIGNING_SECRET":"..."}' (your Slack app's Basic Information page)`;
  const removeOldCopy = `aws secretsmanager put-secret-value --secret-id ${botSecret.secretName} --secret-string '{"SLACK_BOT_TOKEN":"xoxb-..."}'`;
  const read = await readJsonSecret(secrets, secretId, secretName, { name, fillIn });
  const filled = !('result' in read) && slackSigningSecretSchema.safeParse(read.value).success;
  if (filled && botSecret.holdsSigningSecret) {
    return fail(
      name,
      `the signing secret is still in ${botSecret.secretName} too, which the notifier can read`,
      `remove it: ${removeOldCopy}`,
    );
  }
  if (filled) return pass(name, `${secretName} holds it, and only the Slack function may read it`);
  if (botSecret.holdsSigningSecret) {
    return fail(
      name,
      `the signing secret is still in ${botSecret.secretName}, which the notifier can read (the Slack function uses it from there)`,
      `move it: ${fillIn}, then ${removeOldCopy} (docs/DEPLOY.md, step 6)`,
    );
  }
  if ('result' in read) return read.result;
  return fail(name, `${secretName} has no SLACK_SIGNING_SECRET: the Slack function will not start`, fillIn);
}

// ---------------------------------------------------------------- Lambda

/** The channel the deployed notifier posts to, from its environment. */
export async function readNotifierChannels(
  lambda: LambdaClient,
  functionName: string,
): Promise<{ result: CheckResult; channels: string[] }> {
  const name = 'Notifier channel configured';
  try {
    const output = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    const env = output.Environment?.Variables ?? {};
    const channels = [env.SLACK_CHANNEL_ID, ...channelsBySeverity(env.SLACK_CHANNEL_BY_SEVERITY)].filter((c): c is string => !!c);
    if (!env.SLACK_CHANNEL_ID) {
      return {
        result: fail(
          name,
          `${functionName} has no SLACK_CHANNEL_ID`,
          'redeploy with the channel: npx cdk deploy -c slackChannelId=C0123ABCD',
        ),
        channels,
      };
    }
    return { result: pass(name, `${functionName} posts to ${[...new Set(channels)].join(', ')}`), channels: [...new Set(channels)] };
  } catch (error) {
    return {
      result: fail(name, `cannot read ${functionName}: ${errorText(error).message}`, awsFix(error, 'lambda:GetFunctionConfiguration')),
      channels: [],
    };
  }
}

/**
 * Slack can reach the Slack handler: its Function URL exists, needs no AWS signature (Slack cannot
 * sign with SigV4; the handler verifies Slack's own signature instead), and is the stack's
 * SlackRequestUrl, which the Slack app's manifest must carry.
 */
export async function checkFunctionUrl(lambda: LambdaClient, functionName: string, requestUrl?: string): Promise<CheckResult> {
  const name = 'Slack request URL';
  try {
    const config = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: functionName }));
    if (config.AuthType !== 'NONE') {
      return fail(
        name,
        `${functionName}'s Function URL requires ${config.AuthType} auth: Slack's requests are refused`,
        'redeploy the stack (npx cdk deploy): the URL must allow unsigned requests, which the handler authenticates with the Slack signing secret',
      );
    }
    if (requestUrl && config.FunctionUrl && config.FunctionUrl !== requestUrl) {
      return fail(
        name,
        `the Function URL ${config.FunctionUrl} is not the stack's SlackRequestUrl ${requestUrl}`,
        'redeploy the stack: npx cdk deploy',
      );
    }
    return pass(name, `${config.FunctionUrl ?? requestUrl} (put it in the Slack app: npm run manifest, then update the app's manifest)`);
  } catch (error) {
    if (errorText(error).code === 'ResourceNotFoundException') {
      return fail(
        name,
        `${functionName} has no Function URL: Slack cannot deliver button clicks or /iam-events`,
        'redeploy the stack: npx cdk deploy',
      );
    }
    return fail(name, `cannot read it: ${errorText(error).message}`, awsFix(error, 'lambda:GetFunctionUrlConfig'));
  }
}

function channelsBySeverity(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((pair) => pair.split('=')[1]?.trim())
    .filter((c): c is string => !!c);
}

// ---------------------------------------------------------------- Slack

/** The bot token works (auth.test). */
export async function checkSlackToken(slack: WebClient): Promise<CheckResult> {
  const name = 'Slack bot token valid';
  try {
    const auth = await slack.auth.test();
    return pass(name, `signed in as ${auth.user ?? 'the bot'} in workspace ${auth.team ?? auth.team_id ?? 'unknown'}`);
  } catch (error) {
    const { code } = errorText(error);
    if (['invalid_auth', 'not_authed', 'token_revoked', 'account_inactive', 'token_expired'].includes(code)) {
      return fail(
        name,
        `Slack refused the bot token (${code})`,
        'copy the Bot User OAuth Token (xoxb-...) from your Slack app\'s "OAuth & Permissions" page; reinstall the app if it was revoked',
      );
    }
    return fail(name, `auth.test failed: ${errorText(error).message}`, 'check the network connection to slack.com and try again');
  }
}

/** The app-level token opens a Socket Mode connection (apps.connections.open), for local mode. */
export async function checkSocketModeToken(slackWithAppToken: WebClient): Promise<CheckResult> {
  const name = 'Slack app token (Socket Mode)';
  try {
    await slackWithAppToken.apps.connections.open();
    return pass(name, 'Slack accepts it for a Socket Mode connection');
  } catch (error) {
    const { code } = errorText(error);
    if (code === 'not_allowed_token_type' || code === 'invalid_auth' || code === 'not_authed') {
      return fail(
        name,
        `Slack refused SLACK_APP_TOKEN (${code})`,
        'create an app-level token with the connections:write scope ("Basic Information" → "App-Level Tokens") and put it in SLACK_APP_TOKEN (xapp-...)',
      );
    }
    if (code === 'socket_mode_not_enabled' || code === 'invalid_app') {
      return fail(
        name,
        `Socket Mode is off for this app (${code})`,
        'install the app from manifest.local.yml, or switch Socket Mode on under "Socket Mode"',
      );
    }
    return fail(
      name,
      `apps.connections.open failed: ${errorText(error).message}`,
      'check the network connection to slack.com and try again',
    );
  }
}

/** The bot is a member of the channel it posts alerts to (conversations.info). */
export async function checkBotInChannel(slack: WebClient, channelId: string): Promise<CheckResult> {
  const name = `Bot in channel ${channelId}`;
  try {
    const info = await slack.conversations.info({ channel: channelId });
    const channel = info.channel;
    if (channel?.is_archived)
      return fail(name, `#${channel.name ?? channelId} is archived`, 'unarchive it, or set SLACK_CHANNEL_ID to another channel');
    if (!channel?.is_member) {
      return fail(
        name,
        `the bot is not a member of #${channel?.name ?? channelId}`,
        `in Slack, open #${channel?.name ?? channelId} and run /invite @iam-alerts`,
      );
    }
    return pass(name, `member of #${channel.name ?? channelId}`);
  } catch (error) {
    const { code } = errorText(error);
    if (code === 'channel_not_found') {
      return fail(
        name,
        'Slack does not know this channel, or it is private and the bot is not in it',
        'copy the channel ID from the channel\'s details ("About" → Channel ID) and invite the bot: /invite @iam-alerts',
      );
    }
    if (code === 'missing_scope') {
      // manifest.yml does not ask for channels:read (the bot never needs it to post), so this is not a fault.
      return skip(
        name,
        'cannot tell: the app lacks channels:read (groups:read for a private channel); add the scope to check membership, and make sure the bot was invited (/invite @iam-alerts)',
      );
    }
    return fail(name, `conversations.info failed: ${errorText(error).message}`, 'check the network connection to slack.com and try again');
  }
}

// ---------------------------------------------------------------- CloudTrail

/** The stack's trail is logging (GetTrailStatus). */
export async function checkTrailLogging(cloudtrail: CloudTrailClient, trailName: string): Promise<CheckResult> {
  const name = `Trail ${trailName} logging`;
  try {
    const status = await cloudtrail.send(new GetTrailStatusCommand({ Name: trailName }));
    if (!status.IsLogging) {
      return fail(
        name,
        'the trail exists but is not logging',
        `aws cloudtrail start-logging --name ${trailName} (and find out who stopped it: that is an alert of its own)`,
      );
    }
    const lastError = status.LatestDeliveryError ? `; last delivery error: ${status.LatestDeliveryError}` : '';
    return pass(name, `logging${lastError}`);
  } catch (error) {
    if (errorText(error).code === 'TrailNotFoundException') return fail(name, 'no such trail', 'redeploy the stack: npx cdk deploy');
    return fail(name, `cannot read its status: ${errorText(error).message}`, awsFix(error, 'cloudtrail:GetTrailStatus'));
  }
}

/** The local poller can read CloudTrail's event history in `region` (LookupEvents, one event). */
export async function checkLookupEvents(cloudtrail: CloudTrailClient, region: string): Promise<CheckResult> {
  const name = `CloudTrail event history in ${region}`;
  try {
    const output = await cloudtrail.send(new LookupEventsCommand({ MaxResults: 1 }));
    return pass(name, output.Events?.length ? 'readable' : 'readable (no events yet)');
  } catch (error) {
    return fail(name, `LookupEvents failed: ${errorText(error).message}`, awsFix(error, 'cloudtrail:LookupEvents'));
  }
}

// ---------------------------------------------------------------- EventBridge

/**
 * The rule is enabled and its pattern matches the events it exists for (DescribeRule, then
 * TestEventPattern with each of `events`, from `testEventsFor`).
 */
export async function checkRule(eventbridge: EventBridgeClient, ruleName: string, events: readonly TestEvent[]): Promise<CheckResult> {
  const name = `EventBridge rule ${ruleName}`;
  let pattern: string | undefined;
  try {
    const rule = await eventbridge.send(new DescribeRuleCommand({ Name: ruleName }));
    // ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS is enabled too (and sees read-only calls).
    if (!rule.State?.startsWith('ENABLED')) {
      return fail(name, `state ${rule.State ?? 'unknown'}`, `aws events enable-rule --name ${ruleName}`);
    }
    pattern = rule.EventPattern;
  } catch (error) {
    if (errorText(error).code === 'ResourceNotFoundException') return fail(name, 'no such rule', 'redeploy the stack: npx cdk deploy');
    return fail(name, `cannot describe it: ${errorText(error).message}`, awsFix(error, 'events:DescribeRule'));
  }
  if (!pattern) return fail(name, 'has no event pattern', 'redeploy the stack: npx cdk deploy');
  if (events.length === 0) return pass(name, 'enabled (no sample event to test its pattern with)');
  const missed: string[] = [];
  for (const { event, description } of events) {
    try {
      const { Result } = await eventbridge.send(new TestEventPatternCommand({ EventPattern: pattern, Event: JSON.stringify(event) }));
      if (!Result) missed.push(description);
    } catch (error) {
      return fail(name, `enabled; TestEventPattern failed: ${errorText(error).message}`, awsFix(error, 'events:TestEventPattern'));
    }
  }
  if (missed.length > 0) {
    return fail(
      name,
      `enabled, but its pattern does not match ${missed.join(', ')}: those alerts never reach Slack`,
      'the pattern was changed by hand or comes from another catalog: redeploy the stack (npx cdk deploy) with the same ALERT_RULES_FILE',
    );
  }
  return pass(name, `enabled; matches ${events.map((e) => e.description).join(', ')}`);
}

// ---------------------------------------------------------------- SNS

const topicPolicySchema = z.looseObject({
  Statement: z
    .union([z.array(z.looseObject({})), z.looseObject({})])
    .transform((s) => (Array.isArray(s) ? s : [s]))
    .pipe(
      z.array(
        z.looseObject({
          Effect: z.string().optional(),
          Principal: z.unknown().optional(),
          Action: z.union([z.string(), z.array(z.string())]).optional(),
        }),
      ),
    ),
});

/** The topic's policy lets EventBridge publish to it (and the topic's key, when it has one, is noted). */
export async function checkTopicPolicy(sns: SNSClient, topicArn: string): Promise<CheckResult> {
  const name = 'Alert topic lets EventBridge publish';
  let attributes: Record<string, string>;
  try {
    attributes = (await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes ?? {};
  } catch (error) {
    return fail(name, `cannot read ${topicArn}: ${errorText(error).message}`, awsFix(error, 'sns:GetTopicAttributes'));
  }
  const parsed = topicPolicySchema.safeParse(safeJson(attributes.Policy));
  const allows =
    parsed.success &&
    parsed.data.Statement.some(
      (s) => s.Effect === 'Allow' && principalIncludes(s.Principal, 'events.amazonaws.com') && actionIncludes(s.Action, 'sns:Publish'),
    );
  if (!allows) {
    return fail(
      name,
      'no statement in the topic policy allows events.amazonaws.com to sns:Publish: EventBridge drops every alert',
      'redeploy the stack (npx cdk deploy) to restore the topic policy',
    );
  }
  const key = attributes.KmsMasterKeyId
    ? ` (encrypted with ${attributes.KmsMasterKeyId}: its key policy must also allow events.amazonaws.com)`
    : '';
  return pass(name, `the topic policy allows events.amazonaws.com to publish${key}`);
}

function principalIncludes(principal: unknown, service: string): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  const value = (principal as { Service?: unknown }).Service;
  return value === service || (Array.isArray(value) && value.includes(service));
}

function actionIncludes(action: string | string[] | undefined, wanted: string): boolean {
  const actions = Array.isArray(action) ? action : action ? [action] : [];
  return actions.some((a) => a === '*' || a.toLowerCase() === wanted.toLowerCase() || a.toLowerCase() === 'sns:*');
}

/**
 * Every subscription of the topic is confirmed (the email one included), and the notifier is one
 * of them (ListSubscriptionsByTopic).
 */
export async function checkSubscriptions(sns: SNSClient, topicArn: string, notifierFunctionName?: string): Promise<CheckResult> {
  const topicName = topicArn.split(':').pop() ?? topicArn;
  const name = `Subscriptions of ${topicName} confirmed`;
  const subscriptions: Subscription[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }));
      subscriptions.push(...(page.Subscriptions ?? []));
      token = page.NextToken;
    } while (token);
  } catch (error) {
    return fail(name, `cannot list them: ${errorText(error).message}`, awsFix(error, 'sns:ListSubscriptionsByTopic'));
  }
  const pending = subscriptions.filter((s) => s.SubscriptionArn === 'PendingConfirmation');
  if (pending.length > 0) {
    const who = pending.map((s) => `${s.Protocol} ${s.Endpoint}`).join(', ');
    const email = pending.find((s) => s.Protocol === 'email' || s.Protocol === 'email-json');
    return fail(
      name,
      `waiting for confirmation: ${who}`,
      email
        ? `open the "AWS Notification - Subscription Confirmation" email sent to ${email.Endpoint} (check spam) and click "Confirm subscription"; if it expired (after 3 days), redeploy or run aws sns subscribe again`
        : 'confirm the pending subscriptions, or redeploy the stack',
    );
  }
  if (notifierFunctionName) {
    const notifier = subscriptions.some((s) => s.Protocol === 'lambda' && s.Endpoint?.split(':')[6] === notifierFunctionName);
    if (!notifier) {
      return fail(
        name,
        `the notifier ${notifierFunctionName} is not subscribed: no alert reaches Slack`,
        'redeploy the stack: npx cdk deploy',
      );
    }
  }
  const kinds = subscriptions.map((s) => s.Protocol).join(', ') || 'none';
  return pass(name, `${subscriptions.length} confirmed (${kinds})`);
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}
