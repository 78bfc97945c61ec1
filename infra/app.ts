import { App, type AppProps, Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { forwarderStackName } from '../app/catalog/regional-forwarding';
import { forwarderRegionsOf, readSettings } from './settings';
import { ForwarderStack } from './stacks/forwarder-stack';
import { IamAlertsStack, type IamAlertsStackProps } from './stacks/iam-alerts-stack';
import { MemberAccountStack } from './stacks/member-account-stack';

/**
 * The stage holding the member-account template. Stacks inside a stage are synthesized (to
 * `cdk.out/assembly-<stage>/`, cdk-nag included) but not deployed by `npx cdk deploy --all`, which
 * deploys the top-level stacks only: StackSets deploy this template (docs/DEPLOY.md).
 */
export const MEMBER_TEMPLATE_STAGE = 'OrgMember';

/** The member-account stack's name, and so its template's: `<stack>-member`. */
export function memberStackName(centralStackName: string): string {
  return `${centralStackName}-member`;
}

/** Options of {@link createIamAlertsApp}. */
export interface IamAlertsAppOptions extends AppProps {
  /** Environment to read settings from when the context lacks them (the CLI passes `process.env`). */
  readonly env?: Record<string, string | undefined>;
  /** Passed to the stack (tests pin the project root or the stack's environment). */
  readonly stackProps?: Omit<IamAlertsStackProps, 'settings'>;
}

/**
 * Builds the CDK app the way `cdk synth` does: settings from context then environment; the central
 * stack, environment-agnostic (so synth needs no account, region, lookups or Docker; it refuses any
 * region but us-east-1 at deploy time); one forwarder stack per forwarder region (pinned to its
 * region, no assets, no bootstrap there); the member-account template in its own stage; and cdk-nag's
 * AWS Solutions pack as a policy-validation plugin, so that an unacknowledged finding stops synth.
 * Acknowledgements sit beside the resource they concern, each with its reason.
 */
export function createIamAlertsApp(options: IamAlertsAppOptions = {}): {
  app: App;
  stack: IamAlertsStack;
  forwarders: ForwarderStack[];
  member: MemberAccountStack;
} {
  const { env, stackProps, ...appProps } = options;
  const app = new App(appProps);
  const settings = readSettings((key) => app.node.tryGetContext(key), env);
  const stack = new IamAlertsStack(app, settings.stackName, {
    description: 'iam-alerts: Slack alerts for IAM and sign-in activity (CloudTrail, EventBridge, SNS, Lambda)',
    ...stackProps,
    settings,
  });
  const forwarders = forwarderRegionsOf(settings).map((region) => {
    const name = forwarderStackName(settings.stackName, region);
    const forwarder = new ForwarderStack(app, name, { region, catalog: stack.forwarderCatalog, namePrefix: settings.stackName });
    // Deployed after the central stack: forwarded events then always find its rules.
    forwarder.addStackDependency(stack);
    return forwarder;
  });
  const member = new MemberAccountStack(new Stage(app, MEMBER_TEMPLATE_STAGE), memberStackName(settings.stackName), {
    catalog: stack.catalog,
    namePrefix: settings.stackName,
    protectedUsers: settings.protectedIamUsers,
    legacyDenyPolicyRemoval: settings.legacyDenyPolicyRemoval,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack, forwarders, member };
}
