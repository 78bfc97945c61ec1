import { contentCheckFailure } from '../../app/catalog/content-checks';
import { cloudTrailRecordSchema } from '../../app/events/cloudtrail-record';
import { describeActor } from '../../app/events/identity';

const ACCOUNT = '123456789012';
const alice = { type: 'IAMUser', userName: 'alice', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT };

// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal user agent of IAM Identity Center's portal.
const SSO_PORTAL_AGENT = 'Jersey/${project.version}';

function check(id: Parameters<typeof contentCheckFailure>[0], fields: Record<string, unknown>) {
  const record = cloudTrailRecordSchema.parse({ eventSource: 'x.amazonaws.com', eventName: 'X', userIdentity: alice, ...fields });
  return contentCheckFailure(id, record, describeActor(record));
}

describe('management-events-stopped (PutEventSelectors)', () => {
  const selectors = (...eventSelectors: unknown[]) => ({ requestParameters: { trailName: 't', eventSelectors } });
  const advanced = (...fieldSets: unknown[][]) => ({
    requestParameters: { trailName: 't', advancedEventSelectors: fieldSets.map((fieldSelectors) => ({ fieldSelectors })) },
  });

  it('passes when no selector logs write management events', () => {
    expect(check('management-events-stopped', selectors({ includeManagementEvents: false, readWriteType: 'All' }))).toBeUndefined();
    expect(check('management-events-stopped', selectors({ includeManagementEvents: true, readWriteType: 'ReadOnly' }))).toBeUndefined();
    expect(check('management-events-stopped', selectors())).toBeUndefined();
    expect(check('management-events-stopped', advanced([{ field: 'eventCategory', equals: ['Data'] }]))).toBeUndefined();
    expect(
      check(
        'management-events-stopped',
        advanced([
          { field: 'eventCategory', equals: ['Management'] },
          { field: 'readOnly', notEquals: ['false'] },
        ]),
      ),
    ).toBeUndefined();
  });

  it('fails while any selector still logs them, or when the request shows none', () => {
    expect(
      check(
        'management-events-stopped',
        selectors({ includeManagementEvents: false }, { includeManagementEvents: true, readWriteType: 'WriteOnly' }),
      ),
    ).toBe('the event selectors still log write management events');
    // Both fields default to logging everything.
    expect(check('management-events-stopped', selectors({ dataResources: [] }))).toBe(
      'the event selectors still log write management events',
    );
    expect(
      check(
        'management-events-stopped',
        advanced(
          [{ field: 'eventCategory', equals: ['Data'] }],
          [
            { field: 'eventCategory', equals: ['Management'] },
            { field: 'readOnly', equals: ['false'] },
          ],
        ),
      ),
    ).toBe('the advanced event selectors still log write management events');
    expect(check('management-events-stopped', { requestParameters: null })).toBe('the request shows no event selectors');
  });
});

describe('insights-turned-off (PutInsightSelectors)', () => {
  it('passes only for an empty list of insight selectors', () => {
    expect(check('insights-turned-off', { requestParameters: { insightSelectors: [] } })).toBeUndefined();
    expect(check('insights-turned-off', { requestParameters: { insightSelectors: [{ insightType: 'ApiErrorRateInsight' }] } })).toBe(
      'Insights stay on (the request keeps some insight selectors)',
    );
  });
});

describe('for-another-user (EnableMFADevice)', () => {
  it('passes when the user named is not the caller', () => {
    expect(check('for-another-user', { requestParameters: { userName: 'bob' } })).toBeUndefined();
    const role = { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/jane`, accountId: ACCOUNT };
    expect(check('for-another-user', { userIdentity: role, requestParameters: { userName: 'alice' } })).toBeUndefined();
  });

  it("fails for the caller's own device, root's included", () => {
    expect(check('for-another-user', { requestParameters: { userName: 'alice' } })).toBe('alice registered an MFA device for itself');
    const root = { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT };
    expect(check('for-another-user', { userIdentity: root, requestParameters: { userName: 'AWS ROOT USER' } })).toBe(
      'root registered its own MFA device',
    );
    expect(check('for-another-user', { requestParameters: null })).toBe('the request names no user');
  });
});

describe('outside-console (GetSigninToken)', () => {
  it("passes for tools and brokers, fails for IAM Identity Center's portal and the console", () => {
    expect(check('outside-console', { userAgent: 'python-requests/2.31.0' })).toBeUndefined();
    expect(check('outside-console', { userAgent: 'Go-http-client/1.1' })).toBeUndefined();
    expect(check('outside-console', {})).toBeUndefined();
    expect(check('outside-console', { userAgent: SSO_PORTAL_AGENT })).toMatch(/IAM Identity Center's portal/);
    expect(check('outside-console', { userAgent: 'AWS Internal' })).toBe('requested by the console itself');
    expect(check('outside-console', { userAgent: 'signin.amazonaws.com' })).toBe('requested by the console itself');
  });
});
