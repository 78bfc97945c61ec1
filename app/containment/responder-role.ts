/**
 * The name of the role every member account holds for iam-alerts (the member-account stack
 * creates it). The central Slack function assumes `arn:<partition>:iam::<account>:role/` + this
 * name to disable and re-enable users there and to read that account's CloudTrail history. The
 * infrastructure (trust policy, StackSet template, the Slack role's `sts:AssumeRole` grant) and
 * the application build the ARN from this one constant.
 */
export const RESPONDER_ROLE_NAME = 'IamAlertsResponder';
