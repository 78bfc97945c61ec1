import { DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { classifyEvent } from '../../app/catalog/classify-event';
import { eventPatternProblems } from '../../app/catalog/event-pattern-limits';
import { eventPatternsFor } from '../../app/catalog/event-patterns';
import {
  cdkDeployRoleArnPrefix,
  ownResourceRules,
  ownResourceRulesFor,
  partitionOf,
  withOwnResourceRules,
} from '../../app/catalog/own-resources';
import { cloudTrailRecordSchema } from '../../app/events/cloudtrail-record';
import { deliveredToRule } from '../infra/support/event-pattern-matcher';
import { loadOwnResourceFixtures, toEventBridge } from '../support/corpus';

const own = ownResourceRulesFor({ stackName: 'IamAlerts', homeAccountId: '123456789012', region: 'us-east-1' });
const catalog = withOwnResourceRules(DEFAULT_CATALOG, own);
const records = loadOwnResourceFixtures();
const verdictOf = (line: number) => classifyEvent(cloudTrailRecordSchema.parse(records[line - 1]!.value), catalog);

describe('rules on iam-alerts’ own resources', () => {
  it.each([
    [1, 'iam-alerts-function-changed', 'its notifier function deleted by an IAM user'],
    [2, 'iam-alerts-function-changed', 'its Slack function reconfigured, named by ARN, through another role'],
    [3, 'iam-alerts-function-changed', 'its notifier throttled to zero concurrency'],
    [6, 'iam-alerts-rules-changed', 'an EventBridge rule disabled'],
    [7, 'iam-alerts-rule-targets-changed', 'a rule’s target removed'],
    [8, 'iam-alerts-rules-changed', 'a forwarder’s rule deleted in eu-north-1'],
    [11, 'iam-alerts-topic-changed', 'the alert topic deleted'],
    [12, 'iam-alerts-subscription-removed', 'the notifier unsubscribed'],
    [14, 'iam-alerts-secret-changed', 'the Slack secret deleted'],
    [15, 'iam-alerts-secret-changed', 'the signing secret overwritten, named by ARN'],
    [17, 'iam-alerts-table-deleted', 'the state table deleted'],
  ])('record %i alerts as %s, critical: %s', (line, ruleId) => {
    const verdict = verdictOf(line);

    expect(verdict).toMatchObject({ kind: 'alert', severity: 'critical', rule: { id: ruleId } });
  });

  it.each([
    [4, 'made through arn:aws:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role', 'CloudFormation updating its function (a deploy)'],
    [9, 'made through arn:aws:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role', 'CloudFormation writing its rule'],
    [13, 'made through arn:aws:iam::123456789012:role/cdk-hnb659fds-deploy-role', 'cdk destroy deleting a topic'],
    [5, 'requestParameters.functionName must start with', 'another team’s function'],
    [10, 'requestParameters.name must start with', 'another team’s rule'],
    [16, 'requestParameters.secretId must start with', 'another team’s secret'],
  ])('record %i is ignored (%s): %s', (line, reason) => {
    const verdict = verdictOf(line);

    expect(verdict.kind).toBe('ignored');
    expect(verdict.kind === 'ignored' && verdict.reason).toContain(reason);
  });

  it('are exactly what their EventBridge patterns deliver, within the limits EventBridge accepts', () => {
    const patterns = eventPatternsFor({ rules: own });
    expect(patterns.map((p) => p.id).sort()).toEqual(own.map((r) => r.id).sort());
    for (const pattern of patterns) expect(eventPatternProblems(pattern.pattern)).toEqual([]);
    for (const [i, record] of records.entries()) {
      const verdict = verdictOf(i + 1);
      const delivered = patterns.some((p) => deliveredToRule(p, toEventBridge(record.value)));
      expect({ line: i + 1, delivered }).toEqual({ line: i + 1, delivered: verdict.kind === 'alert' });
    }
  });

  it('are none when the notifier does not know its stack (local mode)', () => {
    expect(ownResourceRulesFor({ homeAccountId: '123456789012', region: 'us-east-1' })).toEqual([]);
    expect(withOwnResourceRules(DEFAULT_CATALOG, [])).toBe(DEFAULT_CATALOG);
  });

  it('follow the partition and an operator’s own deployment role', () => {
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(cdkDeployRoleArnPrefix('aws', '123456789012', 'custom')).toBe('arn:aws:iam::123456789012:role/cdk-custom-');
    const rules = ownResourceRules({
      stackName: 'Sec',
      partition: 'aws-cn',
      region: 'cn-north-1',
      account: '123456789012',
      deployRoleArnPrefix: 'arn:aws-cn:iam::123456789012:role/pipeline-',
    });
    const fn = rules.find((r) => r.id === 'iam-alerts-function-changed')!;
    expect(JSON.stringify(fn.match)).toContain('arn:aws-cn:lambda:cn-north-1:123456789012:function:Sec-');
    expect(fn.match).toMatchObject({ exceptRoleArnPrefixes: ['arn:aws-cn:iam::123456789012:role/pipeline-'] });
  });
});
