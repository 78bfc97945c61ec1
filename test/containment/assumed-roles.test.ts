import { AccessDeniedException, CloudTrailClient, LookupEventsCommand, ThrottlingException } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { type AssumedRoleLookupOptions, lookUpAssumedRoles } from '../../app/containment/assumed-roles';
import { fakeEventHistory, type StoredEvent } from '../history/support/event-history';
import { virtualTime } from '../history/support/virtual-time';
import { loadCloudTrailCorpus } from '../support/corpus';

/**
 * The roles a user assumed, read from CloudTrail's event history. Moto does not implement
 * LookupEvents, so this runs against aws-sdk-client-mock serving real CloudTrail records: the
 * stratus-red-team detonation logs, where IAM user `christophe` assumes roles (some calls denied).
 */

const cloudtrail = mockClient(CloudTrailClient);

/** A corpus record as LookupEvents returns it (Username is the calling IAM user). */
function stored(key: string, overrides: Record<string, unknown> = {}): StoredEvent {
  const found = loadCloudTrailCorpus().find((r) => r.key === key);
  if (!found) throw new Error(`no corpus record ${key}`);
  const record = { ...found.value, ...overrides };
  const identity = record.userIdentity as { userName?: string; type?: string };
  return {
    id: String(record.eventID),
    time: String(record.eventTime),
    name: String(record.eventName),
    source: String(record.eventSource),
    username: identity.userName ?? (overrides.username as string | undefined),
    record,
  };
}

// 2024-07-31T19:52:31Z..19:52:33Z: two AssumeRole calls that succeeded (lines 9, 10), two denied (11, 12).
const GET_USER_DATA = ['stratus-red-team-detonation-logs:9', 'stratus-red-team-detonation-logs:10'];
const DENIED = ['stratus-red-team-detonation-logs:11', 'stratus-red-team-detonation-logs:12'];
// 2024-07-30T21:31:15Z: 22.5 hours before the run below, older than any live role session.
const OLD = ['stratus-red-team-detonation-logs:1'];
const ROLE = 'arn:aws:iam::321848314756:role/stratus-red-team-get-usr-data-role';

function options(overrides: Partial<AssumedRoleLookupOptions> = {}) {
  const time = virtualTime('2024-07-31T20:00:00Z');
  return {
    time,
    options: {
      clientFor: async (region: string) => new CloudTrailClient({ region }),
      regions: ['us-east-1', 'eu-west-1'],
      now: time.now,
      sleep: time.sleep,
      ...overrides,
    } satisfies AssumedRoleLookupOptions,
  };
}

beforeEach(() => cloudtrail.reset());

describe('lookUpAssumedRoles', () => {
  it('lists the roles the user assumed in the last 12 hours, with how often and when last, leaving out denied calls', async () => {
    const history = fakeEventHistory([...GET_USER_DATA, ...DENIED, ...OLD].map((k) => stored(k)));
    cloudtrail.on(LookupEventsCommand).callsFake(history.lookup);
    const { options: o } = options();

    const view = await lookUpAssumedRoles('christophe', o);

    expect(view).toEqual({
      sinceHours: 12,
      regions: ['us-east-1', 'eu-west-1'],
      roles: [{ arn: ROLE, times: 2, last: { epochSeconds: Date.parse('2024-07-31T19:52:33Z') / 1000, iso: '2024-07-31T19:52:33.000Z' } }],
    });
    // One Username lookup per region, over exactly the last 12 hours.
    expect(history.inputs.map((i) => i.LookupAttributes)).toEqual([
      [{ AttributeKey: 'Username', AttributeValue: 'christophe' }],
      [{ AttributeKey: 'Username', AttributeValue: 'christophe' }],
    ]);
    expect(history.inputs[0]!.StartTime).toEqual(new Date('2024-07-31T08:00:00Z'));
    expect(history.inputs[0]!.EndTime).toEqual(new Date('2024-07-31T20:00:00Z'));
  });

  it('always searches us-east-1 (IAM and the global STS endpoint record there), besides HISTORY_REGIONS', async () => {
    const history = fakeEventHistory([]);
    cloudtrail.on(LookupEventsCommand).callsFake(history.lookup);
    const regionsAsked: string[] = [];
    const { options: o } = options({
      regions: ['eu-west-1'],
      clientFor: async (region) => {
        regionsAsked.push(region);
        return new CloudTrailClient({ region });
      },
    });

    const view = await lookUpAssumedRoles('christophe', o);

    expect(view).toEqual({ sinceHours: 12, regions: ['us-east-1', 'eu-west-1'], roles: [] });
    expect([...new Set(regionsAsked)]).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('ignores a role session that merely carries the user name (a Username lookup returns it too)', async () => {
    // Line 9 as if a role session named "christophe" had made the call: it is not the IAM user.
    const impostor = stored('stratus-red-team-detonation-logs:9', {
      eventID: 'derived-from-line-9',
      userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::321848314756:assumed-role/other/christophe' },
      username: 'christophe',
    });
    cloudtrail.on(LookupEventsCommand).callsFake(fakeEventHistory([impostor]).lookup);

    const view = await lookUpAssumedRoles('christophe', options().options);

    expect(view.roles).toEqual([]);
  });

  it('says the check failed, with what CloudTrail said, instead of reporting no roles', async () => {
    cloudtrail
      .on(LookupEventsCommand)
      .rejects(new AccessDeniedException({ message: 'not authorized to perform: cloudtrail:LookupEvents', $metadata: {} }));

    const view = await lookUpAssumedRoles('christophe', options().options);

    expect(view.roles).toEqual([]);
    expect(view.error).toBe('LookupEvents failed in us-east-1: AccessDeniedException: not authorized to perform: cloudtrail:LookupEvents');
  });

  it('stops within its time budget under throttling and says the list may be incomplete', async () => {
    cloudtrail.on(LookupEventsCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    const { options: o, time } = options({ budgetMs: 5_000 });
    const started = time.now();

    const view = await lookUpAssumedRoles('christophe', o);

    expect(view.incomplete).toBe('throttled');
    expect(view.error).toBeUndefined();
    expect(time.now() - started).toBeLessThanOrEqual(5_000);
  });
});
