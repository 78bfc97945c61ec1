import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readSettings } from './settings';
import { IamAlertsStack, type IamAlertsStackProps } from './stacks/iam-alerts-stack';

/** Options of {@link createIamAlertsApp}. */
export interface IamAlertsAppOptions extends AppProps {
  /** Environment to read settings from when the context lacks them (the CLI passes `process.env`). */
  readonly env?: Record<string, string | undefined>;
  /** Passed to the stack (tests pin the project root or the stack's environment). */
  readonly stackProps?: Omit<IamAlertsStackProps, 'settings'>;
}

/**
 * Builds the CDK app the way `cdk synth` does: settings from context then environment, one
 * environment-agnostic stack (so synth needs no account, region, lookups or Docker), and cdk-nag's
 * AWS Solutions pack as a policy-validation plugin, so that an unacknowledged finding stops synth.
 * Acknowledgements sit beside the resource they concern, each with its reason.
 */
export function createIamAlertsApp(options: IamAlertsAppOptions = {}): { app: App; stack: IamAlertsStack } {
  const { env, stackProps, ...appProps } = options;
  const app = new App(appProps);
  const settings = readSettings((key) => app.node.tryGetContext(key), env);
  const stack = new IamAlertsStack(app, settings.stackName, {
    description: 'iam-alerts: Slack alerts for IAM and sign-in activity (CloudTrail, EventBridge, SNS, Lambda)',
    ...stackProps,
    settings,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
