import type { DescribeStacksCommandOutput, Stack } from '@aws-sdk/client-cloudformation';

export const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:iam-alerts-alerts';
export const OPS_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:iam-alerts-ops';
export const SLACK_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:iam-alerts/slack-AbCdEf';
export const SLACK_ROLE_ARN = 'arn:aws:iam::123456789012:role/IamAlerts-SlackServiceRole-AbC123';
export const CENTRAL_BUS_ARN = 'arn:aws:events:us-east-1:123456789012:event-bus/default';
export const SIGNING_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:iam-alerts/slack-signing-secret-GhIjKl';

/** The statement the stack gives the alert topic (aws-cdk-lib's addToResourcePolicy output). */
export const TOPIC_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: TOPIC_ARN,
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:events:us-east-1:123456789012:rule/IamAlerts-*' } },
    },
  ],
};

/** An AWS SDK error as the SDK throws it (its `name` is the error code). */
export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

/** DescribeStacks output of a deployed IamAlerts stack. */
export function deployedStack(overrides: Partial<Stack> = {}, outputs: Record<string, string> = {}): DescribeStacksCommandOutput {
  const values: Record<string, string> = {
    SlackRequestUrl: 'https://abc.lambda-url.us-east-1.on.aws/',
    AlertTopicArn: TOPIC_ARN,
    OpsTopicArn: OPS_TOPIC_ARN,
    SlackSecretArn: SLACK_SECRET_ARN,
    SlackSecretName: 'iam-alerts/slack',
    SlackSigningSecretArn: SIGNING_SECRET_ARN,
    SlackSigningSecretName: 'iam-alerts/slack-signing-secret',
    NotifierFunctionName: 'IamAlerts-Notifier',
    SlackFunctionName: 'IamAlerts-Slack',
    EventRuleNames: 'IamAlerts-api-calls-iam,IamAlerts-root-console-sign-in',
    TrailName: 'iam-alerts-trail',
    SlackRoleArn: SLACK_ROLE_ARN,
    ForwarderRegions: 'eu-north-1',
    ...outputs,
  };
  return {
    $metadata: {},
    Stacks: [
      {
        StackName: 'IamAlerts',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date('2026-11-01T00:00:00Z'),
        Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        ...overrides,
      },
    ],
  };
}
