#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readSettings } from '../settings';
import { IamAlertsStack } from '../stacks/iam-alerts-stack';

/**
 * The CDK app: `npx cdk deploy` (settings by `-c key=value` or the environment, see
 * docs/DEPLOY.md). The stack is environment-agnostic, so `cdk synth` needs no account, region,
 * lookups or Docker; the template itself refuses any region but us-east-1.
 *
 * This deploy-time program is the one place besides app/config.ts that reads `process.env`: it
 * is not part of the Lambda runtime, whose settings the stack passes as function environment.
 */
const app = new App();
const settings = readSettings((key) => app.node.tryGetContext(key), process.env);
new IamAlertsStack(app, settings.stackName, {
  settings,
  description: 'iam-alerts: Slack alerts for IAM and sign-in activity (CloudTrail, EventBridge, SNS, Lambda)',
});
// cdk-nag's AWS Solutions pack on every synth (cdk-nag 3 is a CDK policy-validation plugin): an
// unacknowledged finding stops `cdk synth`. Acknowledgements sit beside the resource, with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
