import { BootstraplessSynthesizer, CfnOutput, DefaultStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Catalog } from '../../app/catalog/catalog-config';
import { CENTRAL_REGION, regionalEventPatternsFor } from '../../app/catalog/regional-forwarding';
import { centralEventBusArn, ForwardingRole, ForwardingRules } from '../constructs/forwarding-rules';

/** Props of {@link ForwarderStack}. */
export interface ForwarderStackProps extends StackProps {
  /** The region this forwarder watches (never us-east-1: the central rules are there). */
  readonly region: string;
  /** The effective catalog (the operator's rules file applied), as the central stack uses it. */
  readonly catalog: Pick<Catalog, 'rules'>;
  /** Prefix of the rule names: the central stack's name. */
  readonly namePrefix: string;
}

/**
 * The us-east-1 bootstrap roles, whatever the stack's region: `cdk deploy` then needs CDK's
 * bootstrap in us-east-1 only (where the central stack needs it anyway), not in every forwarder
 * region. `${AWS::AccountId}`, `${AWS::Partition}` and `${Qualifier}` are filled in by the CLI.
 */
function centralRegionRole(arnTemplate: string): string {
  // The synthesizer's own placeholder, replaced here by a fixed region (not a JS template literal).
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CDK synthesizer placeholder
  return arnTemplate.replace('${AWS::Region}', CENTRAL_REGION);
}

/**
 * One region's forwarder: EventBridge rules on its default bus carrying every catalog pattern that
 * can occur there (sign-in, Identity Center, CloudTrail, STS, root activity) to the central
 * us-east-1 default bus of the same account, through a role that may put events on that bus only.
 *
 * It has no assets and is synthesized with the `BootstraplessSynthesizer` pointed at the us-east-1
 * bootstrap roles, so `npx cdk deploy --all` needs no `cdk bootstrap` in its region. (That
 * synthesizer uploads nothing: the template goes to CloudFormation inline, which keeps it under
 * 51,200 bytes; a test holds it there.)
 */
export class ForwarderStack extends Stack {
  readonly rules: ForwardingRules;

  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    const { region, catalog, namePrefix, ...stackProps } = props;
    if (region === CENTRAL_REGION) throw new Error(`no forwarder in ${CENTRAL_REGION}: the central stack's rules are there`);
    super(scope, id, {
      description: `iam-alerts forwarder: ${region}'s sign-in, Identity Center, CloudTrail, STS and root events to the ${CENTRAL_REGION} default bus`,
      ...stackProps,
      env: { ...stackProps.env, region },
      synthesizer: new BootstraplessSynthesizer({
        deployRoleArn: centralRegionRole(DefaultStackSynthesizer.DEFAULT_DEPLOY_ROLE_ARN),
        cloudFormationExecutionRoleArn: centralRegionRole(DefaultStackSynthesizer.DEFAULT_CLOUDFORMATION_ROLE_ARN),
      }),
    });
    const targetBusArn = centralEventBusArn();
    const role = new ForwardingRole(this, 'ForwardRole', { targetBusArn });
    this.rules = new ForwardingRules(this, 'ForwardRules', {
      namePrefix,
      infix: 'fwd',
      patterns: regionalEventPatternsFor(catalog),
      targetBusArn,
      role,
    });
    new CfnOutput(this, 'ForwardRuleNames', {
      value: this.rules.rules.map((r) => r.name!).join(','),
      description: `EventBridge rules sending this region's watched events to the ${CENTRAL_REGION} default bus`,
    });
    new CfnOutput(this, 'CentralEventBusArn', { value: targetBusArn, description: 'Where the forwarding rules send' });
  }
}
