/**
 * How the default catalog covers the SigmaHQ CloudTrail rules in `test/fixtures/sigma/`
 * (SigmaHQ/sigma @ 8eaafff, Detection Rule License 1.1: each rule's id and author are kept).
 * `docs/ALERTS.md` is generated from this list and the catalog; a test fails when a Sigma rule in
 * `test/fixtures/sigma/` has no entry here, or when an entry names a rule that does not exist.
 */
export interface SigmaCoverage {
  file: string;
  id: string;
  title: string;
  author: string;
  verdict: 'covered' | 'partly covered' | 'not covered';
  /** Catalog rule IDs that implement it. */
  rules: string[];
  why: string;
}

export const SIGMA_COVERAGE: SigmaCoverage[] = [
  {
    file: 'aws_cloudtrail_console_login_failed_authentication.yml',
    id: '6393e346-1977-46ef-8987-ad414a145fad',
    title: 'AWS ConsoleLogin Failed Authentication',
    author: 'Ivan Saakov, Nasreddine Bencherchali',
    verdict: 'covered',
    rules: ['iam-user-sign-in-failed', 'root-console-sign-in'],
    why: 'Every failed console sign-in of an IAM user or root alerts. Nobody is offered for Disable User: the user named is the victim of the guessing.',
  },
  {
    file: 'aws_cloudtrail_console_login_success_from_susp_locations.yml',
    id: '313e72de-0c0d-4d65-8c95-87f4d546eceb',
    title: 'AWS Console Login Monitoring',
    author: 'Ivan Saakov',
    verdict: 'partly covered',
    rules: ['root-console-sign-in', 'iam-user-sign-in-without-mfa'],
    why: 'The rule needs a list of legitimate countries and IP ranges that only the operator knows. Root and no-MFA sign-ins alert with their source IP; a mute by account or actor can quiet known-good sign-ins.',
  },
  {
    file: 'aws_cloudtrail_console_login_success_without_mfa.yml',
    id: '77caf516-34e5-4df9-b4db-20744fea0a60',
    title: 'AWS Successful Console Login Without MFA',
    author: 'Thuya@Hacktilizer, Ivan Saakov',
    verdict: 'covered',
    rules: ['iam-user-sign-in-without-mfa', 'root-console-sign-in'],
    why: 'IAM users signing in without MFA alert (CloudTrail writes "No"; the Sigma rule says "NO"). Federated and SSO sessions are excluded: MFA happens at their identity provider.',
  },
  {
    file: 'aws_cloudtrail_pua_trufflehog.yml',
    id: 'a840e606-7c8c-4684-9bc1-eb6b6155127f',
    title: 'PUA - AWS TruffleHog Execution',
    author: 'Swachchhanda Shrawan Poudel (Nextron Systems)',
    verdict: 'covered',
    rules: ['offensive-tool-user-agent'],
    why: 'TruffleHog (and Pacu, S3 Browser, Kali, Parrot) in the user agent of any IAM or STS call alerts, even on read-only calls.',
  },
  {
    file: 'aws_console_getsignintoken.yml',
    id: 'f8103686-e3e8-46f3-be72-65f7fcb4aa53',
    title: 'AWS Console GetSigninToken Potential Abuse',
    author: 'Chester Le Bron (@123Le_Bron)',
    verdict: 'not covered',
    rules: [],
    why: 'GetSigninToken is the normal step of every federated console sign-in; alerting on it would drown the channel. Add it with rules.add if your organisation never federates.',
  },
  {
    file: 'aws_delete_saml_provider.yml',
    id: 'ccd6a6c8-bb4e-4a91-9d2a-07e632819374',
    title: 'AWS SAML Provider Deletion Activity',
    author: 'Ivan Saakov',
    verdict: 'covered',
    rules: ['iam-delete-saml-provider'],
    why: 'DeleteSAMLProvider alerts (failed attempts too, marked as such).',
  },
  {
    file: 'aws_iam_backdoor_users_keys.yml',
    id: '0a5177f4-6ca9-44c2-aacf-d3f3d8b6e4d2',
    title: 'AWS IAM Backdoor Users Keys',
    author: 'faloker',
    verdict: 'covered',
    rules: ['iam-create-access-key'],
    why: 'Every CreateAccessKey alerts; a key made for another user is raised to critical ("made for another user").',
  },
  {
    file: 'aws_iam_s3browser_loginprofile_creation.yml',
    id: 'db014773-b1d3-46bd-ba26-133337c0ffee',
    title: 'AWS IAM S3Browser LoginProfile Creation',
    author: 'daniel.bohannon@permiso.io (@danielhbohannon)',
    verdict: 'covered',
    rules: ['iam-create-login-profile', 'offensive-tool-user-agent'],
    why: 'CreateLoginProfile always alerts; S3 Browser in the user agent adds the offensive-tool reason, and GetLoginProfile from S3 Browser alerts through the user-agent rule.',
  },
  {
    file: 'aws_iam_s3browser_templated_s3_bucket_policy_creation.yml',
    id: 'db014773-7375-4f4e-b83b-133337c0ffee',
    title: 'AWS IAM S3Browser Templated S3 Bucket Policy Creation',
    author: 'daniel.bohannon@permiso.io (@danielhbohannon)',
    verdict: 'covered',
    rules: ['iam-put-user-policy', 'offensive-tool-user-agent'],
    why: 'PutUserPolicy always alerts, with the policy shown; S3 Browser in the user agent is flagged.',
  },
  {
    file: 'aws_iam_s3browser_user_or_accesskey_creation.yml',
    id: 'db014773-d9d9-4792-91e5-133337c0ffee',
    title: 'AWS IAM S3Browser User or AccessKey Creation',
    author: 'daniel.bohannon@permiso.io (@danielhbohannon)',
    verdict: 'covered',
    rules: ['iam-create-user', 'iam-create-access-key', 'offensive-tool-user-agent'],
    why: 'CreateUser and CreateAccessKey always alert; S3 Browser raises them to at least high.',
  },
  {
    file: 'aws_passed_role_to_glue_development_endpoint.yml',
    id: '4990c2e3-f4b8-45e3-bc3c-30b14ff0ed26',
    title: 'AWS Glue Development Endpoint Activity',
    author: 'Austin Songer @austinsonger',
    verdict: 'not covered',
    rules: [],
    why: 'Glue is outside the identity plane this bot watches. The privilege-escalation path it hunts (iam:PassRole to a dev endpoint) can be added with rules.add on glue.amazonaws.com.',
  },
  {
    file: 'aws_root_account_usage.yml',
    id: '8ad1600d-e9dc-4251-b0ee-a65268f29add',
    title: 'AWS Root Credentials',
    author: 'vitaliy0x1',
    verdict: 'partly covered',
    rules: ['root-console-sign-in', 'root-activity'],
    why: 'Root console sign-ins and every root call that is not read-only alert as critical. Read-only root calls are left out by design: they follow every root sign-in, which already alerted.',
  },
  {
    file: 'aws_sso_idp_change.yml',
    id: 'd3adb3ef-b7e7-4003-9092-1924c797db35',
    title: 'AWS Identity Center Identity Provider Change',
    author: 'Michael McIntyre @wtfender',
    verdict: 'covered',
    rules: ['identity-center-idp-change-sso', 'identity-center-idp-change-sso-directory'],
    why: 'The four directory and external-IdP calls alert on both sso and sso-directory event sources.',
  },
  {
    file: 'aws_sts_assumerole_misuse.yml',
    id: '905d389b-b853-46d0-9d3d-dea0d3a3cd49',
    title: 'AWS STS AssumeRole Misuse',
    author: 'Austin Songer @austinsonger',
    verdict: 'not covered',
    rules: [],
    why: 'It matches every role session in the account: a hunting query, not an alert. Role sessions are shown as the actor of every alert they cause.',
  },
  {
    file: 'aws_sts_getcalleridentity_trufflehog.yml',
    id: '9b1b8e9b-0a5d-4af1-9d2f-4c4b6e7c2c9d',
    title: 'AWS STS GetCallerIdentity Enumeration Via TruffleHog',
    author: 'Adan Alvarez @adanalvarez',
    verdict: 'covered',
    rules: ['offensive-tool-user-agent'],
    why: "GetCallerIdentity is otherwise ignored; with TruffleHog in the user agent it alerts as high, and the leaked key's user is offered for Disable User.",
  },
  {
    file: 'aws_sts_getsessiontoken_misuse.yml',
    id: 'b45ab1d2-712f-4f01-a751-df3826969807',
    title: 'AWS STS GetSessionToken Misuse',
    author: 'Austin Songer @austinsonger',
    verdict: 'not covered',
    rules: [],
    why: 'IAM users call GetSessionToken every time they use MFA on the CLI; as an alert it would punish the behaviour we want. Offensive tools calling it still alert through the user-agent rule.',
  },
  {
    file: 'aws_susp_saml_activity.yml',
    id: 'f43f5d2f-3f2a-4cc8-b1af-81fde7dbaf0e',
    title: 'AWS Suspicious SAML Activity',
    author: 'Austin Songer',
    verdict: 'partly covered',
    rules: ['iam-update-saml-provider', 'iam-create-saml-provider', 'iam-delete-saml-provider'],
    why: 'Changes to SAML providers alert. AssumeRoleWithSAML is every federated sign-in and is left out.',
  },
  {
    file: 'aws_update_login_profile.yml',
    id: '055fb148-60f8-462d-ad16-26926ce050f1',
    title: 'AWS User Login Profile Was Modified',
    author: 'toffeebr33k',
    verdict: 'covered',
    rules: ['iam-update-login-profile'],
    why: "Every UpdateLoginProfile alerts; changing someone else's password is raised to critical, which is the case the Sigma filter isolates.",
  },
];
