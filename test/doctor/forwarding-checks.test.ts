import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackInstancesCommand,
  type StackInstanceDetailedStatus,
  type StackInstanceStatus,
  type StackInstanceSummary,
} from '@aws-sdk/client-cloudformation';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { regionalEventPatternsFor } from '../../app/catalog/regional-forwarding';
import {
  arnAccount,
  centralBusArn,
  checkEnabledRegionsForwarded,
  checkForwarderRegion,
  checkMemberInstances,
  checkResponderTrust,
  readStackInstances,
} from '../../app/doctor/forwarding-checks';
import { awsError, CENTRAL_BUS_ARN, deployedStack, SLACK_ROLE_ARN } from './doctor-fixtures';

const cloudformation = mockClient(CloudFormationClient);
const eventbridge = mockClient(EventBridgeClient);
const account = mockClient(AccountClient);
const iam = mockClient(IAMClient);

beforeEach(() => {
  for (const mock of [cloudformation, eventbridge, account, iam]) mock.reset();
});

const patterns = regionalEventPatternsFor(DEFAULT_CATALOG);
const ORG = 'o-a1b2c3d4e5';

describe('checkForwarderRegion', () => {
  const check = () =>
    checkForwarderRegion(
      { cloudformation: new CloudFormationClient({ region: 'eu-north-1' }), eventbridge: new EventBridgeClient({ region: 'eu-north-1' }) },
      { centralStackName: 'IamAlerts', region: 'eu-north-1', busArn: CENTRAL_BUS_ARN, patterns },
    );
  const healthy = () => {
    cloudformation.on(DescribeStacksCommand).resolves(deployedStack({ StackName: 'IamAlerts-forwarder-eu-north-1' }));
    eventbridge.on(DescribeRuleCommand).callsFake((input) => ({ Name: input.Name, State: 'ENABLED' }));
    eventbridge
      .on(ListTargetsByRuleCommand)
      .resolves({ Targets: [{ Id: 'CentralEventBus', Arn: CENTRAL_BUS_ARN, RoleArn: 'arn:aws:iam::123456789012:role/fwd' }] });
  };

  it('passes when every rule the catalog needs there is enabled and sends to the central bus with a role', async () => {
    healthy();
    const result = await check();

    expect(result).toEqual(expect.objectContaining({ ok: true, name: 'Forwarder in eu-north-1' }));
    expect(result.detail).toBe(`${patterns.length} rules enabled, sending to ${CENTRAL_BUS_ARN}`);
    expect(cloudformation.commandCalls(DescribeStacksCommand)[0]!.args[0].input).toEqual({ StackName: 'IamAlerts-forwarder-eu-north-1' });
    const asked = eventbridge.commandCalls(DescribeRuleCommand).map((c) => c.args[0].input.Name);
    expect(asked).toContain('IamAlerts-fwd-iam-user-sign-in-without-mfa');
    expect(asked).not.toContain('IamAlerts-fwd-api-calls-iam');
  });

  it('fails naming the region when its forwarder stack was never deployed', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejects(awsError('ValidationError', 'Stack with id IamAlerts-forwarder-eu-north-1 does not exist'));
    const result = await check();

    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/^no stack IamAlerts-forwarder-eu-north-1: this region's sign-ins/);
    expect(result.fix).toContain('npx cdk deploy IamAlerts-forwarder-eu-north-1');
  });

  it('names each disabled, missing or misdirected rule, with the command that fixes it', async () => {
    healthy();
    eventbridge
      .on(DescribeRuleCommand, { Name: 'IamAlerts-fwd-iam-user-sign-in-without-mfa' })
      .resolves({ State: 'DISABLED' })
      .on(DescribeRuleCommand, { Name: 'IamAlerts-fwd-root-console-sign-in' })
      .rejects(awsError('ResourceNotFoundException', 'Rule IamAlerts-fwd-root-console-sign-in does not exist'));
    eventbridge
      .on(ListTargetsByRuleCommand, { Rule: 'IamAlerts-fwd-api-calls-cloudtrail' })
      .resolves({ Targets: [{ Id: 'x', Arn: 'arn:aws:events:us-east-1:999999999999:event-bus/default', RoleArn: 'r' }] });
    const result = await check();

    expect(result.ok).toBe(false);
    expect(result.detail).toContain(
      'IamAlerts-fwd-iam-user-sign-in-without-mfa is DISABLED (aws events enable-rule --region eu-north-1 --name IamAlerts-fwd-iam-user-sign-in-without-mfa)',
    );
    expect(result.detail).toContain('IamAlerts-fwd-root-console-sign-in is missing');
    expect(result.detail).toContain(
      `IamAlerts-fwd-api-calls-cloudtrail does not send to ${CENTRAL_BUS_ARN} with a role (its targets: arn:aws:events:us-east-1:999999999999:event-bus/default)`,
    );
  });
});

describe('checkEnabledRegionsForwarded', () => {
  it('names every enabled region without a forwarder, opt-in ones marked, and gives the deploy command', async () => {
    account.on(ListRegionsCommand).resolves({
      Regions: [
        { RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
        { RegionName: 'eu-north-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
        { RegionName: 'us-west-2', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
        { RegionName: 'ap-east-1', RegionOptStatus: 'ENABLED' },
      ],
    });
    const result = await checkEnabledRegionsForwarded(new AccountClient({}), ['eu-north-1']);

    expect(result.ok).toBe(false);
    expect(result.detail).toBe('enabled without a forwarder: us-west-2, ap-east-1 (opt-in); events recorded there never reach Slack');
    expect(result.fix).toBe('npx cdk deploy --all -c forwarderRegions=ap-east-1,eu-north-1,us-west-2');
    expect(account.commandCalls(ListRegionsCommand)[0]!.args[0].input.RegionOptStatusContains).toEqual(['ENABLED', 'ENABLED_BY_DEFAULT']);
  });

  it('passes when every enabled region but us-east-1 has a forwarder, following pages', async () => {
    account
      .on(ListRegionsCommand)
      .resolvesOnce({ Regions: [{ RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' }], NextToken: 'p2' })
      .resolvesOnce({ Regions: [{ RegionName: 'ap-east-1', RegionOptStatus: 'ENABLED' }] });
    const result = await checkEnabledRegionsForwarded(new AccountClient({}), ['ap-east-1']);
    expect(result).toEqual(
      expect.objectContaining({ ok: true, detail: '2 regions enabled, each with a forwarder (us-east-1: the central rules)' }),
    );
  });

  it('says it could not tell, and why, when ListRegions is refused', async () => {
    account.on(ListRegionsCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: account:ListRegions'));
    const result = await checkEnabledRegionsForwarded(new AccountClient({}), ['eu-north-1']);
    expect(result.skipped).toBe(true);
    expect(result.detail).toContain('cannot tell which regions are enabled');
    expect(result.detail).toContain('needs permission for account:ListRegions');
  });
});

describe('member accounts', () => {
  const instance = (
    Account: string,
    Region: string,
    Status: StackInstanceStatus = 'CURRENT',
    DetailedStatus: StackInstanceDetailedStatus = 'SUCCEEDED',
  ): StackInstanceSummary => ({
    Account,
    Region,
    Status,
    StackInstanceStatus: { DetailedStatus },
    StackSetId: 'IamAlerts-member:1',
  });

  it('reads the StackSet instances as the management account or a delegated administrator', async () => {
    cloudformation
      .on(ListStackInstancesCommand)
      .resolves({ Summaries: [instance('111111111111', 'us-east-1'), instance('111111111111', 'eu-north-1')] });
    const read = await readStackInstances(new CloudFormationClient({}), { stackSetName: 'IamAlerts-member', callAs: 'DELEGATED_ADMIN' });

    expect('instances' in read && read.instances.get('111111111111')).toHaveLength(2);
    expect(cloudformation.commandCalls(ListStackInstancesCommand)[0]!.args[0].input).toEqual({
      StackSetName: 'IamAlerts-member',
      CallAs: 'DELEGATED_ADMIN',
    });
  });

  it('says where to run it when the StackSet cannot be found or read', async () => {
    cloudformation.on(ListStackInstancesCommand).rejects(awsError('StackSetNotFoundException', 'StackSet IamAlerts-member not found'));
    const missing = await readStackInstances(new CloudFormationClient({}), { stackSetName: 'IamAlerts-member', callAs: 'SELF' });
    expect('result' in missing && missing.result).toMatchObject({
      ok: false,
      detail: 'not found with --call-as SELF in this account and region',
    });
    expect('result' in missing && missing.result.fix).toContain('--call-as DELEGATED_ADMIN');

    cloudformation.on(ListStackInstancesCommand).rejects(awsError('AccessDenied', 'not authorized'));
    const denied = await readStackInstances(new CloudFormationClient({}), { stackSetName: 'IamAlerts-member', callAs: 'SELF' });
    expect('result' in denied && denied.result).toMatchObject({ skipped: true });
    expect('result' in denied && denied.result.detail).toMatch(
      /^cannot read its instances \(AccessDenied: not authorized\): run the doctor from the management account/,
    );
  });

  it('fails an account without a us-east-1 instance or with a failed one, and passes a current one', () => {
    expect(
      checkMemberInstances('111111111111', [instance('111111111111', 'us-east-1'), instance('111111111111', 'eu-north-1')], 'S'),
    ).toMatchObject({
      ok: true,
      detail: '2 instances current (eu-north-1, us-east-1)',
    });
    const noHome = checkMemberInstances('111111111111', [instance('111111111111', 'eu-north-1')], 'S');
    expect(noHome).toMatchObject({ ok: false, detail: "no us-east-1 instance (it holds IamAlertsResponder and forwards IAM's events)" });
    const failed = checkMemberInstances('111111111111', [instance('111111111111', 'us-east-1', 'OUTDATED', 'FAILED')], 'S');
    expect(failed).toMatchObject({ ok: false, detail: 'us-east-1: OUTDATED' });
    expect(failed.fix).toContain(
      'aws cloudformation update-stack-instances --stack-set-name S --accounts 111111111111 --regions us-east-1',
    );
    expect(checkMemberInstances('222222222222', undefined, 'S')).toMatchObject({ ok: false });
  });

  describe('checkResponderTrust', () => {
    const trust = (principal: string, org: string | null = ORG) => ({
      Role: {
        RoleName: 'IamAlertsResponder',
        Path: '/',
        RoleId: 'AROAEXAMPLE',
        Arn: 'arn:aws:iam::111111111111:role/IamAlertsResponder',
        CreateDate: new Date(),
        AssumeRolePolicyDocument: encodeURIComponent(
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: principal },
                Action: 'sts:AssumeRole',
                ...(org ? { Condition: { StringEquals: { 'aws:PrincipalOrgID': org } } } : {}),
              },
            ],
          }),
        ),
      },
    });
    const check = () =>
      checkResponderTrust(new IAMClient({}), '111111111111', {
        slackRoleArn: SLACK_ROLE_ARN,
        organizationId: ORG,
        stackSetName: 'IamAlerts-member',
      });

    it('passes when it trusts the Slack role within the organization, and says what it cannot prove', async () => {
      iam.on(GetRoleCommand).resolves(trust(SLACK_ROLE_ARN));
      const result = await check();
      expect(result.ok).toBe(true);
      expect(result.detail).toContain(`trusts ${SLACK_ROLE_ARN} within ${ORG} only`);
      expect(result.detail).toContain('only the function can try');
      expect(iam.commandCalls(GetRoleCommand)[0]!.args[0].input).toEqual({ RoleName: 'IamAlertsResponder' });
    });

    it('spots a trust left pointing at a replaced Slack role (IAM shows its unique ID), with the update-stack-set command', async () => {
      iam.on(GetRoleCommand).resolves(trust('AROA1234567890EXAMPLE'));
      const result = await check();
      expect(result.ok).toBe(false);
      expect(result.detail).toContain('it trusts AROA1234567890EXAMPLE, the ID of a role that no longer exists');
      expect(result.fix).toContain(`aws cloudformation update-stack-set --stack-set-name IamAlerts-member --use-previous-template`);
      expect(result.fix).toContain(`ParameterKey=CentralSlackRoleArn,ParameterValue=${SLACK_ROLE_ARN}`);
    });

    it('fails a trust without the organization condition, or of another principal', async () => {
      iam.on(GetRoleCommand).resolves(trust(SLACK_ROLE_ARN, null));
      expect((await check()).detail).toBe(`not every trust statement requires aws:PrincipalOrgID ${ORG}`);
      iam.on(GetRoleCommand).resolves(trust('arn:aws:iam::999999999999:role/other'));
      expect((await check()).detail).toContain(`it does not trust ${SLACK_ROLE_ARN}; it also trusts arn:aws:iam::999999999999:role/other`);
    });

    it('fails when the role does not exist, and says it could not look when the member role is refused', async () => {
      iam.on(GetRoleCommand).rejects(awsError('NoSuchEntity', 'The role with name IamAlertsResponder cannot be found.'));
      expect(await check()).toMatchObject({ ok: false, detail: '111111111111 has no IamAlertsResponder: Disable User cannot act there' });
      iam.on(GetRoleCommand).rejects(awsError('AccessDenied', 'not authorized to perform sts:AssumeRole'));
      expect(await check()).toMatchObject({ skipped: true });
    });
  });
});

describe('arnAccount and centralBusArn', () => {
  it('read the home account from the Slack role and build its us-east-1 bus', () => {
    expect(arnAccount(SLACK_ROLE_ARN)).toEqual({ account: '123456789012', partition: 'aws' });
    expect(arnAccount('nope')).toBeUndefined();
    expect(centralBusArn('123456789012')).toBe(CENTRAL_BUS_ARN);
  });
});
