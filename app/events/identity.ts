import type { CloudTrailRecord } from './cloudtrail-record';

/** Who made a call, reduced to what alerts and Disable User need. */
export interface Actor {
  kind: 'root' | 'iam-user' | 'assumed-role' | 'sso-user' | 'federated-user' | 'aws-service' | 'aws-account' | 'unknown';
  /** In words, for the alert: "IAM user", "SSO user", ... */
  typeLabel: string;
  /** "root" for root; the user, SSO user or role name otherwise. */
  name: string;
  /** Role session, role behind an SSO user, or the service acting for the caller. */
  detail?: string;
  arn?: string;
  accountId?: string;
  /** Set only when the actor is an IAM user: the user Disable User could act on. */
  iamUserName?: string;
}

/** CloudTrail's placeholder for the user name of a failed sign-in to a user that does not exist. */
export const HIDDEN_USER_NAME = 'HIDDEN_DUE_TO_SECURITY_REASONS';

const ASSUMED_ROLE_ARN = /^arn:aws[\w-]*:sts::\d*:assumed-role\/([^/]+)\/(.+)$/;
const FEDERATED_ARN = /^arn:aws[\w-]*:sts::\d*:federated-user\/(.+)$/;
const SSO_ROLE = /^AWSReservedSSO_(.+?)_[0-9a-f]{8,}$/;
/**
 * Identity Center creates its roles under this path (`.../sso.amazonaws.com/<region>/` for some
 * instances). The name alone proves nothing: anyone allowed iam:CreateRole can name a role
 * AWSReservedSSO_x_0123abcd and pick its session name, and an SSO user's session name is the
 * person's email, which the triage loop DMs.
 */
const SSO_ROLE_PATH = /^arn:aws[\w-]*:iam::\d*:role\/aws-reserved\/sso\.amazonaws\.com\//;

/** Describes the identity behind a CloudTrail record. Never throws, whatever the record holds. */
export function describeActor(record: CloudTrailRecord): Actor {
  const identity = record.userIdentity;
  const arn = identity?.arn;
  const accountId = identity?.accountId ?? record.recipientAccountId;
  const base = { arn, accountId };
  const via = identity?.invokedBy ? `via ${identity.invokedBy}` : undefined;
  switch (identity?.type) {
    case 'Root':
      return { ...base, kind: 'root', typeLabel: 'Root', name: 'root', detail: via };
    case 'IAMUser': {
      const name = identity.userName ?? arn?.split('/').pop() ?? identity.principalId ?? 'unknown';
      const usable = name !== 'unknown' && name !== HIDDEN_USER_NAME;
      return { ...base, kind: 'iam-user', typeLabel: 'IAM user', name, detail: via, iamUserName: usable ? name : undefined };
    }
    case 'AssumedRole': {
      const match = arn ? ASSUMED_ROLE_ARN.exec(arn) : null;
      const roleName = match?.[1] ?? identity.sessionContext?.sessionIssuer?.userName ?? 'unknown role';
      const session = match?.[2] ?? identity.principalId?.split(':')[1];
      const sso = SSO_ROLE.exec(roleName);
      const issuedByIdentityCenter = SSO_ROLE_PATH.test(identity.sessionContext?.sessionIssuer?.arn ?? '');
      if (sso && session && issuedByIdentityCenter) {
        return { ...base, kind: 'sso-user', typeLabel: 'SSO user', name: session, detail: `permission set ${sso[1]}` };
      }
      return {
        ...base,
        kind: 'assumed-role',
        typeLabel: 'Assumed role',
        name: roleName,
        detail: [session && `session ${session}`, via].filter(Boolean).join(', ') || undefined,
      };
    }
    case 'FederatedUser': {
      const match = arn ? FEDERATED_ARN.exec(arn) : null;
      const name = match?.[1] ?? identity.principalId?.split(':')[1] ?? 'unknown';
      const issuer = identity.sessionContext?.sessionIssuer?.userName;
      return { ...base, kind: 'federated-user', typeLabel: 'Federated user', name, detail: issuer ? `issued by ${issuer}` : undefined };
    }
    case 'AWSService':
      return { ...base, kind: 'aws-service', typeLabel: 'AWS service', name: identity.invokedBy ?? 'AWS service' };
    case 'AWSAccount':
      return {
        ...base,
        kind: 'aws-account',
        typeLabel: 'AWS account',
        name: identity.accountId ?? identity.principalId ?? 'unknown',
        detail: identity.principalId,
      };
    default: {
      const label = identity?.type ? `${identity.type} identity` : 'Unknown identity';
      const name = identity?.userName ?? identity?.principalId ?? arn ?? 'unknown';
      return { ...base, kind: 'unknown', typeLabel: label, name };
    }
  }
}
