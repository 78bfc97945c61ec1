import {
  describeRequestConditions,
  requestConditionsFailure,
  requestParametersPattern,
  requestSatisfying,
} from '../../app/catalog/request-conditions';
import { cloudTrailRecordSchema } from '../../app/events/cloudtrail-record';
import { matchesEventPattern } from '../infra/support/event-pattern-matcher';

const withRequest = (requestParameters: unknown) =>
  cloudTrailRecordSchema.parse({ eventSource: 'guardduty.amazonaws.com', eventName: 'UpdateDetector', requestParameters });

describe('request conditions', () => {
  it('hold when the value at each dotted path is one of those accepted, compared exactly', () => {
    expect(requestConditionsFailure(withRequest({ enable: false }), { enable: [false] })).toBeUndefined();
    expect(
      requestConditionsFailure(withRequest({ Workflow: { Status: 'SUPPRESSED' } }), { 'Workflow.Status': ['SUPPRESSED'] }),
    ).toBeUndefined();

    expect(requestConditionsFailure(withRequest({ enable: true }), { enable: [false] })).toBe(
      'requestParameters.enable must be false (the request has true)',
    );
    // "false" is not false, as in EventBridge.
    expect(requestConditionsFailure(withRequest({ enable: 'false' }), { enable: [false] })).toBe(
      'requestParameters.enable must be false (the request has "false")',
    );
    expect(requestConditionsFailure(withRequest(null), { 'Workflow.Status': ['SUPPRESSED'] })).toBe(
      'requestParameters.Workflow.Status must be "SUPPRESSED" (the request has none)',
    );
  });

  it('match a prefix, and a list in the record when any element does', () => {
    const logGroups = { logGroupName: [{ prefix: 'aws-cloudtrail-logs-' }, { prefix: 'CloudTrail/' }] };
    expect(requestConditionsFailure(withRequest({ logGroupName: 'CloudTrail/DefaultLogGroup' }), logGroups)).toBeUndefined();
    expect(requestConditionsFailure(withRequest({ logGroupName: '/aws/lambda/x' }), logGroups)).toBe(
      'requestParameters.logGroupName must start with "aws-cloudtrail-logs-" or "CloudTrail/" (the request has "/aws/lambda/x")',
    );
    expect(
      requestConditionsFailure(withRequest({ policyTypes: ['TAG_POLICY', 'SERVICE_CONTROL_POLICY'] }), {
        policyTypes: ['SERVICE_CONTROL_POLICY'],
      }),
    ).toBeUndefined();
  });

  it('become the EventBridge pattern that agrees with them, and a request that meets them', () => {
    const conditions = { 'Workflow.Status': ['SUPPRESSED'], RecordState: ['ARCHIVED', { prefix: 'ARCH' }] } as const;
    const pattern = requestParametersPattern(conditions);

    expect(pattern).toEqual({ Workflow: { Status: ['SUPPRESSED'] }, RecordState: ['ARCHIVED', { prefix: 'ARCH' }] });
    const satisfying = requestSatisfying(conditions);
    expect(satisfying).toEqual({ Workflow: { Status: 'SUPPRESSED' }, RecordState: 'ARCHIVED' });
    expect(requestConditionsFailure(withRequest(satisfying), conditions)).toBeUndefined();
    expect(matchesEventPattern({ requestParameters: pattern }, { requestParameters: satisfying })).toBe(true);
    expect(matchesEventPattern({ requestParameters: pattern }, { requestParameters: { ...satisfying, RecordState: 'ACTIVE' } })).toBe(
      false,
    );
    expect(requestSatisfying({ logGroupName: [{ prefix: 'CloudTrail/' }] })).toEqual({ logGroupName: 'CloudTrail/iam-alerts-doctor' });
  });

  it('read in words for docs/ALERTS.md', () => {
    expect(describeRequestConditions({ enable: [false] })).toBe('`requestParameters.enable` is false');
    expect(
      describeRequestConditions({ policyType: ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'], rootId: [{ prefix: 'r-' }] }),
    ).toBe(
      '`requestParameters.policyType` is "SERVICE_CONTROL_POLICY" or "RESOURCE_CONTROL_POLICY" and `requestParameters.rootId` starts with "r-"',
    );
  });
});
