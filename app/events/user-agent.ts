import { OFFENSIVE_USER_AGENTS } from '../catalog/default-catalog';

/** A user agent in a word or two ("Console", "AWS CLI", "Terraform"), and whether it names an offensive tool. */
export function summariseUserAgent(userAgent: string): { summary: string; flagged: boolean } {
  const ua = userAgent.toLowerCase();
  const tool = OFFENSIVE_USER_AGENTS.find((name) => ua.includes(name.toLowerCase()));
  if (tool) return { summary: `${tool} (offensive tool)`, flagged: true };
  const rules: Array<[RegExp, string]> = [
    [/terraform/, 'Terraform'],
    [/pulumi/, 'Pulumi'],
    [/cloudformation\.amazonaws\.com|aws-cdk|cdk\//, 'CloudFormation/CDK'],
    [/aws-cli\//, 'AWS CLI'],
    [/aws-internal\/|console\.amazonaws\.com|signin\.amazonaws\.com|^aws internal$/, 'Console'],
    [/mozilla\/|chrome\/|safari\/|firefox\//, 'Console (browser)'],
    [/boto3|botocore/, 'SDK (Python)'],
    [/aws-sdk-js|aws-sdk-nodejs|@aws-sdk\//, 'SDK (JavaScript)'],
    [/aws-sdk-go/, 'SDK (Go)'],
    [/aws-sdk-java/, 'SDK (Java)'],
    [/aws-sdk-dotnet|aws-sdk-net/, 'SDK (.NET)'],
    [/aws-sdk-ruby/, 'SDK (Ruby)'],
    [/aws-sdk-php/, 'SDK (PHP)'],
    [/aws-sdk-rust/, 'SDK (Rust)'],
    [/aws-sdk/, 'SDK'],
    [/^[a-z0-9-]+\.amazonaws\.com$/, 'AWS service'],
  ];
  const hit = rules.find(([pattern]) => pattern.test(ua));
  return { summary: hit ? hit[1] : 'Other', flagged: false };
}
