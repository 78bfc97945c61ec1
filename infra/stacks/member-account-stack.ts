import {
  Aws,
  BootstraplessSynthesizer,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  type CfnResource,
  Fn,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { ArnPrincipal, PolicyDocument, Role } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { Catalog } from '../../app/catalog/catalog-config';
import { CENTRAL_REGION, globalServiceEventPatternsFor, regionalEventPatternsFor } from '../../app/catalog/regional-forwarding';
import { RESPONDER_ROLE_NAME } from '../../app/containment/responder-role';
import { CONTAINMENT_NAG_ACKNOWLEDGEMENTS, containmentStatements } from '../constructs/containment-policy';
import { centralEventBusArn, ForwardingRole, ForwardingRules } from '../constructs/forwarding-rules';

/** Props of {@link MemberAccountStack}. */
export interface MemberAccountStackProps extends StackProps {
  /** The effective catalog (the operator's rules file applied), as the central stack uses it. */
  readonly catalog: Pick<Catalog, 'rules'>;
  /** Prefix of the rule names: the central stack's name. */
  readonly namePrefix: string;
  /** IAM users the responder role must never touch (the central `protectedIamUsers`). */
  readonly protectedUsers: readonly string[];
  /** The central `legacyDenyPolicyRemoval`: the responder role gets exactly the Slack role's grant. */
  readonly legacyDenyPolicyRemoval: boolean;
}

/** The template's parameters, as `create-stack-set --parameters` names them. */
export const MEMBER_TEMPLATE_PARAMETERS = {
  centralAccountId: 'CentralAccountId',
  centralSlackRoleArn: 'CentralSlackRoleArn',
  organizationId: 'OrganizationId',
} as const;

/**
 * What every member account of an organization holds, deployed with a service-managed StackSet to
 * every (account, region) of the chosen OUs. One template for all of them, so it decides by
 * CloudFormation conditions where it is:
 *
 * - **every region** (`ForwardRegionalPatterns`): rules for the patterns that can occur anywhere
 *   (sign-in, Identity Center, CloudTrail, STS, root) to the central account's us-east-1 default
 *   bus, cross-account and (outside us-east-1) cross-region; not in the central account's
 *   us-east-1, whose own rules see those events (forwarding there would loop to its own bus).
 * - **us-east-1** (`ForwardGlobalServicePatterns`): besides, the patterns of the services recorded
 *   in us-east-1 only (IAM's calls, offensive tools against IAM), so that us-east-1 forwards every
 *   catalog pattern; again not in the central account.
 * - **us-east-1** (`InCentralRegion`): the `IamAlertsResponder` role. IAM is global, so one
 *   instance creates it. It trusts only the central Slack function's role, and only while that
 *   role is in the organization (`aws:PrincipalOrgID`); it may do exactly what the Slack role may
 *   do in its own account (the same {@link containmentStatements}), protected users denied.

 * StackSets deploy plain templates: no assets, no bootstrap, no CDK bootstrap-version rule
 * (`BootstraplessSynthesizer`, which also refuses assets). The rules are named `<prefix>-org-…`
 * and `<prefix>-org-global-…` so that they never collide with the `<prefix>-fwd-…` rules of a
 * forwarder stack in the central account.
 */
export class MemberAccountStack extends Stack {
  constructor(scope: Construct, id: string, props: MemberAccountStackProps) {
    const { catalog, namePrefix, protectedUsers, legacyDenyPolicyRemoval, ...stackProps } = props;
    super(scope, id, {
      description:
        'iam-alerts member account: forwards IAM, sign-in, Identity Center, CloudTrail, STS and root events to the central account, and holds the IamAlertsResponder role (deploy with a service-managed StackSet)',
      ...stackProps,
      synthesizer: new BootstraplessSynthesizer(),
    });

    const centralAccountId = new CfnParameter(this, MEMBER_TEMPLATE_PARAMETERS.centralAccountId, {
      type: 'String',
      allowedPattern: '^\\d{12}$',
      description: 'The account of the central iam-alerts stack (its us-east-1 default bus receives the events)',
    });
    const centralSlackRoleArn = new CfnParameter(this, MEMBER_TEMPLATE_PARAMETERS.centralSlackRoleArn, {
      type: 'String',
      allowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$',
      description: "The central stack's SlackRoleArn output: the only principal that may assume IamAlertsResponder",
    });
    const organizationId = new CfnParameter(this, MEMBER_TEMPLATE_PARAMETERS.organizationId, {
      type: 'String',
      allowedPattern: '^o-[a-z0-9]{10,32}$',
      description: 'The organization (o-…): IamAlertsResponder trusts the Slack role only while it belongs to it',
    });

    const inCentralRegion = new CfnCondition(this, 'InCentralRegion', { expression: Fn.conditionEquals(Aws.REGION, CENTRAL_REGION) });
    const isCentralAccount = new CfnCondition(this, 'IsCentralAccount', {
      expression: Fn.conditionEquals(Aws.ACCOUNT_ID, centralAccountId.valueAsString),
    });
    // Everywhere but the central account's us-east-1, whose own rules see its events already
    // (forwarding there would send its events to its own bus).
    const forwardRegional = new CfnCondition(this, 'ForwardRegionalPatterns', {
      expression: Fn.conditionNot(Fn.conditionAnd(inCentralRegion, isCentralAccount)),
    });
    const forwardGlobal = new CfnCondition(this, 'ForwardGlobalServicePatterns', {
      expression: Fn.conditionAnd(inCentralRegion, Fn.conditionNot(isCentralAccount)),
    });

    const targetBusArn = centralEventBusArn(centralAccountId.valueAsString);
    const role = new ForwardingRole(this, 'ForwardRole', { targetBusArn, condition: forwardRegional });
    new ForwardingRules(this, 'ForwardRegional', {
      namePrefix,
      infix: 'org',
      patterns: regionalEventPatternsFor(catalog),
      targetBusArn,
      role,
      condition: forwardRegional,
    });
    new ForwardingRules(this, 'ForwardGlobalServices', {
      namePrefix,
      infix: 'org-global',
      patterns: globalServiceEventPatternsFor(catalog),
      targetBusArn,
      role,
      condition: forwardGlobal,
    });

    const responder = new Role(this, 'Responder', {
      roleName: RESPONDER_ROLE_NAME,
      description: 'iam-alerts: Disable User, Re-enable and /iam-events in this account, for the central Slack function only',
      assumedBy: new ArnPrincipal(centralSlackRoleArn.valueAsString).withConditions({
        StringEquals: { 'aws:PrincipalOrgID': organizationId.valueAsString },
      }),
      inlinePolicies: {
        Containment: new PolicyDocument({ statements: containmentStatements(this, { protectedUsers, legacyDenyPolicyRemoval }) }),
      },
    });
    (responder.node.defaultChild as CfnResource).cfnOptions.condition = inCentralRegion;
    for (const acknowledgement of CONTAINMENT_NAG_ACKNOWLEDGEMENTS) Validations.of(responder).acknowledge(acknowledgement);

    new CfnOutput(this, 'ResponderRoleArn', {
      value: responder.roleArn,
      condition: inCentralRegion,
      description: 'The role the central Slack function assumes for Disable User, Re-enable and /iam-events here',
    });
  }
}
