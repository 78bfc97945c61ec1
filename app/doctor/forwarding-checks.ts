import { type AccountClient, paginateListRegions } from '@aws-sdk/client-account';
import {
  type CloudFormationClient,
  DescribeStacksCommand,
  paginateListStackInstances,
  type StackInstanceSummary,
} from '@aws-sdk/client-cloudformation';
import { DescribeRuleCommand, type EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import * as z from 'zod';
import type { CatalogEventPattern } from '../catalog/event-patterns';
import { CENTRAL_REGION, forwarderStackName, forwardingRuleName } from '../catalog/regional-forwarding';
import { RESPONDER_ROLE_NAME } from '../containment/responder-role';
import { awsFix, type CheckResult, errorText, fail, pass, skip } from './check';

/**
 * The doctor's checks of issue 10: each region's forwarder, the regions enabled without one, and,
 * for an organization, the member StackSet's instances and each member's `IamAlertsResponder`.
 * Like `checks.ts`: one AWS call per link, never throwing, and saying what could not be checked.
 */

/** The central us-east-1 default bus of `account`, as the forwarders must target it. */
export function centralBusArn(account: string, partition = 'aws'): string {
  return `arn:${partition}:events:${CENTRAL_REGION}:${account}:event-bus/default`;
}

/** The account and partition of an ARN (`arn:aws:iam::123456789012:role/x`). */
export function arnAccount(arn: string | undefined): { account: string; partition: string } | undefined {
  const match = /^arn:(aws[a-z-]*):[^:]*:[^:]*:(\d{12}):/.exec(arn ?? '');
  return match ? { partition: match[1]!, account: match[2]! } : undefined;
}

/**
 * One region's forwarder: its stack exists, each rule the catalog needs there exists, is enabled
 * and sends to the central us-east-1 default bus with a role (DescribeStacks, DescribeRule,
 * ListTargetsByRule, in that region).
 */
export async function checkForwarderRegion(
  clients: { cloudformation: CloudFormationClient; eventbridge: EventBridgeClient },
  options: { centralStackName: string; region: string; busArn: string; patterns: readonly CatalogEventPattern[] },
): Promise<CheckResult> {
  const { region, busArn } = options;
  const stackName = forwarderStackName(options.centralStackName, region);
  const name = `Forwarder in ${region}`;
  const redeploy = `npx cdk deploy ${stackName} (or npx cdk deploy --all), with the same settings and ALERT_RULES_FILE`;
  try {
    const stack = (await clients.cloudformation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
    const status = stack?.StackStatus ?? 'UNKNOWN';
    if (!/_COMPLETE$/.test(status) || /ROLLBACK|DELETE/.test(status)) {
      return fail(
        name,
        `stack ${stackName} is ${status}`,
        `see its events in the CloudFormation console (${region}), fix the cause, then ${redeploy}`,
      );
    }
  } catch (error) {
    const { code, message } = errorText(error);
    if (code === 'ValidationError' && /does not exist/.test(message)) {
      return fail(
        name,
        `no stack ${stackName}: this region's sign-ins, Identity Center, CloudTrail, STS and root events never reach Slack`,
        redeploy,
      );
    }
    return fail(name, `cannot describe ${stackName}: ${message}`, awsFix(error, `cloudformation:DescribeStacks in ${region}`));
  }
  const problems: string[] = [];
  for (const pattern of options.patterns) {
    const ruleName = forwardingRuleName(options.centralStackName, 'fwd', pattern.id);
    try {
      const rule = await clients.eventbridge.send(new DescribeRuleCommand({ Name: ruleName }));
      if (!rule.State?.startsWith('ENABLED')) {
        problems.push(
          `${ruleName} is ${rule.State ?? 'in an unknown state'} (aws events enable-rule --region ${region} --name ${ruleName})`,
        );
        continue;
      }
      const { Targets = [] } = await clients.eventbridge.send(new ListTargetsByRuleCommand({ Rule: ruleName }));
      if (!Targets.some((t) => t.Arn === busArn && t.RoleArn)) {
        problems.push(
          `${ruleName} does not send to ${busArn} with a role (its targets: ${Targets.map((t) => t.Arn).join(', ') || 'none'})`,
        );
      }
    } catch (error) {
      if (errorText(error).code === 'ResourceNotFoundException') problems.push(`${ruleName} is missing`);
      else return fail(name, `cannot read ${ruleName}: ${errorText(error).message}`, awsFix(error, `events:DescribeRule in ${region}`));
    }
  }
  if (problems.length > 0) return fail(name, problems.join('; '), `redeploy: ${redeploy}`);
  return pass(name, `${options.patterns.length} rules enabled, sending to ${busArn}`);
}

/**
 * Every region enabled in the account has a forwarder (account:ListRegions, ENABLED and
 * ENABLED_BY_DEFAULT); us-east-1 needs none. Synth cannot look this up (it runs offline), so a
 * region enabled later, an opt-in one above all, is found here.
 */
export async function checkEnabledRegionsForwarded(account: AccountClient, forwarderRegions: readonly string[]): Promise<CheckResult> {
  const name = 'Every enabled region has a forwarder';
  const enabled: Array<{ region: string; optIn: boolean }> = [];
  try {
    for await (const page of paginateListRegions({ client: account }, { RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'] })) {
      for (const r of page.Regions ?? []) if (r.RegionName) enabled.push({ region: r.RegionName, optIn: r.RegionOptStatus === 'ENABLED' });
    }
  } catch (error) {
    const { code, message } = errorText(error);
    return skip(
      name,
      `cannot tell which regions are enabled (account:ListRegions failed: ${code}: ${message}); ${awsFix(error, 'account:ListRegions')}`,
    );
  }
  const missing = enabled.filter((e) => e.region !== CENTRAL_REGION && !forwarderRegions.includes(e.region));
  if (missing.length === 0) return pass(name, `${enabled.length} regions enabled, each with a forwarder (us-east-1: the central rules)`);
  const all = [...new Set([...forwarderRegions, ...missing.map((m) => m.region)])].sort();
  return fail(
    name,
    `enabled without a forwarder: ${missing.map((m) => (m.optIn ? `${m.region} (opt-in)` : m.region)).join(', ')}; events recorded there never reach Slack`,
    `npx cdk deploy --all -c forwarderRegions=${all.join(',')}`,
  );
}

// ---------------------------------------------------------------- Organizations

/** How the doctor reaches the member StackSet and the member accounts. */
export interface MemberCheckOptions {
  readonly stackSetName: string;
  /** `SELF` from the management account, `DELEGATED_ADMIN` from a delegated administrator. */
  readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
  /** The central Slack function's role (the stack's SlackRoleArn output). */
  readonly slackRoleArn?: string;
  readonly organizationId?: string;
}

/**
 * The member StackSet's instances per account (ListStackInstances): each account needs its
 * us-east-1 instance (the responder role, IAM's events) current and succeeded, and every other
 * instance too. Keyed by account; undefined when the StackSet cannot be read, with the reason.
 */
export async function readStackInstances(
  cloudformation: CloudFormationClient,
  options: Pick<MemberCheckOptions, 'stackSetName' | 'callAs'>,
): Promise<{ instances: Map<string, StackInstanceSummary[]> } | { result: CheckResult }> {
  const name = `StackSet ${options.stackSetName}`;
  const instances = new Map<string, StackInstanceSummary[]>();
  try {
    for await (const page of paginateListStackInstances(
      { client: cloudformation },
      { StackSetName: options.stackSetName, CallAs: options.callAs },
    )) {
      for (const s of page.Summaries ?? []) if (s.Account) instances.set(s.Account, [...(instances.get(s.Account) ?? []), s]);
    }
  } catch (error) {
    const { code, message } = errorText(error);
    if (code === 'StackSetNotFoundException') {
      return {
        result: fail(
          name,
          `not found with --call-as ${options.callAs} in this account and region`,
          'run the doctor with credentials of the management account (--call-as SELF) or of a delegated administrator (--call-as DELEGATED_ADMIN), in us-east-1; name the StackSet with --stack-set; or create it (docs/DEPLOY.md, "Deploy to an organization")',
        ),
      };
    }
    return {
      result: skip(
        name,
        `cannot read its instances (${code}: ${message}): run the doctor from the management account or a delegated administrator (--call-as DELEGATED_ADMIN) to check them`,
      ),
    };
  }
  return { instances };
}

/** One member account's StackSet instances: present in us-east-1, and every one CURRENT and SUCCEEDED. */
export function checkMemberInstances(
  account: string,
  instances: readonly StackInstanceSummary[] | undefined,
  stackSetName: string,
): CheckResult {
  const name = `Member account ${account}: StackSet instances`;
  const deploy = `aws cloudformation create-stack-instances --stack-set-name ${stackSetName} --deployment-targets OrganizationalUnitIds=<the OU of ${account}> --regions us-east-1 <and the other regions> (docs/DEPLOY.md)`;
  if (!instances || instances.length === 0)
    return fail(name, `no instance of ${stackSetName}: nothing is forwarded from ${account} and Disable User cannot act there`, deploy);
  const bad = instances.filter((i) => i.Status !== 'CURRENT' || (i.StackInstanceStatus?.DetailedStatus ?? 'SUCCEEDED') !== 'SUCCEEDED');
  const problems = [
    ...(instances.some((i) => i.Region === CENTRAL_REGION)
      ? []
      : [`no ${CENTRAL_REGION} instance (it holds IamAlertsResponder and forwards IAM's events)`]),
    ...bad.map((i) => `${i.Region}: ${i.Status}${i.StatusReason ? ` (${i.StatusReason})` : ''}`),
  ];
  if (problems.length > 0) {
    return fail(
      name,
      problems.join('; '),
      bad.length > 0
        ? `see the StackSet's operations in the CloudFormation console, fix the cause, then aws cloudformation update-stack-instances --stack-set-name ${stackSetName} --accounts ${account} --regions ${bad.map((i) => i.Region).join(' ')} (or for OUs, --deployment-targets)`
        : deploy,
    );
  }
  return pass(
    name,
    `${instances.length} instances current (${instances
      .map((i) => i.Region)
      .sort()
      .join(', ')})`,
  );
}

const trustPolicySchema = z.object({
  Statement: z
    .union([z.array(z.looseObject({})), z.looseObject({})])
    .transform((s) => (Array.isArray(s) ? s : [s]))
    .pipe(
      z.array(
        z.looseObject({
          Effect: z.string(),
          Principal: z.union([z.string(), z.looseObject({ AWS: z.union([z.string(), z.array(z.string())]).optional() })]).optional(),
          Action: z.union([z.string(), z.array(z.string())]).optional(),
          Condition: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))).optional(),
        }),
      ),
    ),
});

/**
 * The member's `IamAlertsResponder` trusts exactly the central Slack role, within the organization
 * (iam:GetRole, with credentials in the member account). What it cannot prove: that the Slack
 * function can assume the role (only that role can try; a Disable User in that account will say).
 */
export async function checkResponderTrust(
  iam: IAMClient,
  account: string,
  options: Pick<MemberCheckOptions, 'slackRoleArn' | 'organizationId' | 'stackSetName'>,
): Promise<CheckResult> {
  const name = `Member account ${account}: ${RESPONDER_ROLE_NAME} trust`;
  const update = `aws cloudformation update-stack-set --stack-set-name ${options.stackSetName} --use-previous-template --capabilities CAPABILITY_NAMED_IAM --parameters ParameterKey=CentralSlackRoleArn,ParameterValue=${options.slackRoleArn ?? '<SlackRoleArn output>'} ParameterKey=CentralAccountId,UsePreviousValue=true ParameterKey=OrganizationId,UsePreviousValue=true (add --call-as DELEGATED_ADMIN from a delegated administrator)`;
  let document: string | undefined;
  try {
    document = (await iam.send(new GetRoleCommand({ RoleName: RESPONDER_ROLE_NAME }))).Role?.AssumeRolePolicyDocument;
  } catch (error) {
    const { code, message } = errorText(error);
    if (code === 'NoSuchEntity' || code === 'NoSuchEntityException') {
      return fail(
        name,
        `${account} has no ${RESPONDER_ROLE_NAME}: Disable User cannot act there`,
        `deploy the StackSet's us-east-1 instance to ${account} (docs/DEPLOY.md, "Deploy to an organization")`,
      );
    }
    return skip(
      name,
      `cannot read the role in ${account} (${code}: ${message}): the role given with --member-role must be assumable and allow iam:GetRole`,
    );
  }
  const parsed = trustPolicySchema.safeParse(safeJson(decodeURIComponent(document ?? '')));
  if (!parsed.success) return fail(name, 'its trust policy cannot be read', update);
  const allows = parsed.data.Statement.filter((s) => s.Effect === 'Allow');
  const principals = allows.flatMap((s) => (typeof s.Principal === 'string' ? [s.Principal] : [s.Principal?.AWS ?? []].flat()));
  const problems: string[] = [];
  // IAM shows a principal whose role was deleted as its unique ID (AROA…): the Slack role was replaced.
  const stale = principals.filter((p) => /^AROA[A-Z0-9]+$/.test(p));
  if (stale.length > 0)
    problems.push(
      `it trusts ${stale.join(', ')}, the ID of a role that no longer exists: the Slack role was replaced since the StackSet ran`,
    );
  if (options.slackRoleArn && !principals.includes(options.slackRoleArn)) problems.push(`it does not trust ${options.slackRoleArn}`);
  const others = principals.filter((p) => p !== options.slackRoleArn && !stale.includes(p));
  if (options.slackRoleArn && others.length > 0) problems.push(`it also trusts ${others.join(', ')}`);
  const orgIds = allows.flatMap((s) => [s.Condition?.StringEquals?.['aws:PrincipalOrgID'] ?? []].flat());
  if (orgIds.length !== allows.length || (options.organizationId && orgIds.some((o) => o !== options.organizationId))) {
    problems.push(`not every trust statement requires aws:PrincipalOrgID ${options.organizationId ?? ''}`.trimEnd());
  }
  if (problems.length > 0) return fail(name, problems.join('; '), update);
  return pass(
    name,
    `trusts ${principals.join(', ')} within ${orgIds[0]} only (whether the Slack function can assume it, only the function can try: Disable User in ${account} is the end-to-end check)`,
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
