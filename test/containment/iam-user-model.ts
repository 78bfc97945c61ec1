import {
  AttachUserPolicyCommand,
  DeleteLoginProfileCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  LimitExceededException,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  NoSuchEntityException,
  PutUserPolicyCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  UpdateServiceSpecificCredentialCommand,
  UpdateSigningCertificateCommand,
  UpdateSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import type { AwsStub } from 'aws-sdk-client-mock';

/**
 * An in-memory IAM user behind aws-sdk-client-mock: the SDK's commands read and change this state,
 * so repeated runs see what earlier runs did (idempotency), and `faults` make chosen commands fail
 * the way IAM does.
 */
export type Status = 'Active' | 'Inactive';
export interface Credential {
  id: string;
  status: Status;
  /** CreateDate IAM reports (access keys), in whole seconds as IAM does. */
  createDate?: Date;
}

export interface IamUserState {
  userName: string;
  accountId: string;
  /** Partition of the user's ARN (`aws`, `aws-us-gov`, …). */
  partition: string;
  loginProfile: boolean;
  accessKeys: Credential[];
  certificates: Credential[];
  sshKeys: Credential[];
  serviceCredentials: Credential[];
  inlinePolicies: Map<string, string>;
  /** ARNs of the managed policies attached (IAM allows 10 per user by default). */
  attachedPolicies: string[];
  tags: Map<string, string>;
}

/** IAM's default quota of managed policies attached to one user. */
export const MANAGED_POLICIES_PER_USER = 10;

export function makeUser(overrides: Partial<IamUserState> = {}): IamUserState {
  return {
    userName: 'mallory',
    accountId: '123456789012',
    partition: 'aws',
    loginProfile: true,
    accessKeys: [
      { id: 'AKIAMALLORYACTIVE001', status: 'Active' },
      { id: 'AKIAMALLORYINACTIVE1', status: 'Inactive' },
    ],
    certificates: [{ id: 'CERTMALLORY0000000000000000000001', status: 'Active' }],
    sshKeys: [{ id: 'APKAMALLORYSSHKEY001', status: 'Active' }],
    serviceCredentials: [{ id: 'ACCAMALLORYSVCCRED01', status: 'Active' }],
    inlinePolicies: new Map(),
    attachedPolicies: [],
    tags: new Map(),
    ...overrides,
  };
}

/** An error shaped like the SDK's service exceptions (name, message, $fault). */
export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 403 } });
}

const noSuchEntity = (message: string) => new NoSuchEntityException({ message, $metadata: {} });

export type CommandName =
  | 'GetUser'
  | 'DeleteLoginProfile'
  | 'ListAccessKeys'
  | 'UpdateAccessKey'
  | 'ListSigningCertificates'
  | 'UpdateSigningCertificate'
  | 'ListSSHPublicKeys'
  | 'UpdateSSHPublicKey'
  | 'ListServiceSpecificCredentials'
  | 'UpdateServiceSpecificCredential'
  | 'GetUserPolicy'
  | 'PutUserPolicy'
  | 'DeleteUserPolicy'
  | 'ListAttachedUserPolicies'
  | 'AttachUserPolicy'
  | 'DetachUserPolicy'
  | 'TagUser'
  | 'UntagUser';

/** Wires `iam` (a mockClient(IAMClient)) to `users`; `faults` make the named commands throw. */
export function serveIamUsers(
  iam: AwsStub<any, any, any>,
  users: IamUserState[],
  faults: Partial<Record<CommandName, Error | ((input: any) => Error | undefined)>> = {},
): void {
  const find = (name: string | undefined) => {
    const user = users.find((u) => u.userName.toLowerCase() === (name ?? '').toLowerCase());
    if (!user) throw noSuchEntity(`The user with name ${name} cannot be found.`);
    return user;
  };
  const fault = (command: CommandName, input: unknown) => {
    const f = faults[command];
    const error = typeof f === 'function' ? f(input) : f;
    if (error) throw error;
  };
  const setStatus = (list: Credential[], id: string | undefined, status: Status | undefined, what: string) => {
    const item = list.find((c) => c.id === id);
    if (!item) throw noSuchEntity(`The ${what} with id ${id} cannot be found.`);
    item.status = status ?? item.status;
    return {};
  };
  const handle = (command: CommandName, work: (input: any) => unknown) => (input: any) => {
    fault(command, input);
    return work(input);
  };

  iam.on(GetUserCommand).callsFake(
    handle('GetUser', (i) => {
      const u = find(i.UserName);
      const Tags = [...u.tags].map(([Key, Value]) => ({ Key, Value }));
      return {
        User: {
          UserName: u.userName,
          Arn: `arn:${u.partition}:iam::${u.accountId}:user/${u.userName}`,
          Tags: Tags.length ? Tags : undefined,
        },
      };
    }),
  );
  iam.on(DeleteLoginProfileCommand).callsFake(
    handle('DeleteLoginProfile', (i) => {
      const u = find(i.UserName);
      if (!u.loginProfile) throw noSuchEntity(`Login Profile for User ${u.userName} cannot be found.`);
      u.loginProfile = false;
      return {};
    }),
  );
  iam.on(ListAccessKeysCommand).callsFake(
    handle('ListAccessKeys', (i) => ({
      AccessKeyMetadata: find(i.UserName).accessKeys.map((k) => ({
        UserName: i.UserName,
        AccessKeyId: k.id,
        Status: k.status,
        CreateDate: k.createDate,
      })),
      IsTruncated: false,
    })),
  );
  iam
    .on(UpdateAccessKeyCommand)
    .callsFake(handle('UpdateAccessKey', (i) => setStatus(find(i.UserName).accessKeys, i.AccessKeyId, i.Status, 'Access Key')));
  iam.on(ListSigningCertificatesCommand).callsFake(
    handle('ListSigningCertificates', (i) => ({
      Certificates: find(i.UserName).certificates.map((c) => ({ UserName: i.UserName, CertificateId: c.id, Status: c.status })),
      IsTruncated: false,
    })),
  );
  iam
    .on(UpdateSigningCertificateCommand)
    .callsFake(
      handle('UpdateSigningCertificate', (i) => setStatus(find(i.UserName).certificates, i.CertificateId, i.Status, 'Signing Certificate')),
    );
  iam.on(ListSSHPublicKeysCommand).callsFake(
    handle('ListSSHPublicKeys', (i) => ({
      SSHPublicKeys: find(i.UserName).sshKeys.map((k) => ({ UserName: i.UserName, SSHPublicKeyId: k.id, Status: k.status })),
      IsTruncated: false,
    })),
  );
  iam
    .on(UpdateSSHPublicKeyCommand)
    .callsFake(handle('UpdateSSHPublicKey', (i) => setStatus(find(i.UserName).sshKeys, i.SSHPublicKeyId, i.Status, 'SSH Public Key')));
  iam.on(ListServiceSpecificCredentialsCommand).callsFake(
    handle('ListServiceSpecificCredentials', (i) => ({
      ServiceSpecificCredentials: find(i.UserName).serviceCredentials.map((c) => ({
        UserName: i.UserName,
        ServiceSpecificCredentialId: c.id,
        Status: c.status,
      })),
    })),
  );
  iam
    .on(UpdateServiceSpecificCredentialCommand)
    .callsFake(
      handle('UpdateServiceSpecificCredential', (i) =>
        setStatus(find(i.UserName).serviceCredentials, i.ServiceSpecificCredentialId, i.Status, 'Service Specific Credential'),
      ),
    );
  iam.on(GetUserPolicyCommand).callsFake(
    handle('GetUserPolicy', (i) => {
      const u = find(i.UserName);
      const doc = u.inlinePolicies.get(i.PolicyName);
      if (doc === undefined) throw noSuchEntity(`The user policy with name ${i.PolicyName} cannot be found.`);
      // IAM returns policy documents URL-encoded.
      return { UserName: u.userName, PolicyName: i.PolicyName, PolicyDocument: encodeURIComponent(doc) };
    }),
  );
  iam.on(PutUserPolicyCommand).callsFake(
    handle('PutUserPolicy', (i) => {
      find(i.UserName).inlinePolicies.set(i.PolicyName, i.PolicyDocument);
      return {};
    }),
  );
  iam.on(DeleteUserPolicyCommand).callsFake(
    handle('DeleteUserPolicy', (i) => {
      const u = find(i.UserName);
      if (!u.inlinePolicies.delete(i.PolicyName)) throw noSuchEntity(`The user policy with name ${i.PolicyName} cannot be found.`);
      return {};
    }),
  );
  iam.on(ListAttachedUserPoliciesCommand).callsFake(
    handle('ListAttachedUserPolicies', (i) => ({
      AttachedPolicies: find(i.UserName).attachedPolicies.map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').pop() })),
      IsTruncated: false,
    })),
  );
  iam.on(AttachUserPolicyCommand).callsFake(
    handle('AttachUserPolicy', (i) => {
      const u = find(i.UserName);
      // Attaching a policy that is already attached succeeds and changes nothing, as in IAM.
      if (u.attachedPolicies.includes(i.PolicyArn)) return {};
      if (u.attachedPolicies.length >= MANAGED_POLICIES_PER_USER) {
        throw new LimitExceededException({
          message: `Cannot exceed quota for PoliciesPerUser: ${MANAGED_POLICIES_PER_USER}`,
          $metadata: {},
        });
      }
      u.attachedPolicies.push(i.PolicyArn);
      return {};
    }),
  );
  iam.on(DetachUserPolicyCommand).callsFake(
    handle('DetachUserPolicy', (i) => {
      const u = find(i.UserName);
      if (!u.attachedPolicies.includes(i.PolicyArn)) throw noSuchEntity(`Policy ${i.PolicyArn} was not found.`);
      u.attachedPolicies = u.attachedPolicies.filter((arn) => arn !== i.PolicyArn);
      return {};
    }),
  );
  iam.on(TagUserCommand).callsFake(
    handle('TagUser', (i) => {
      const u = find(i.UserName);
      for (const t of i.Tags ?? []) {
        if (typeof t.Value !== 'string' || t.Value.length > 256 || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(t.Value)) {
          throw awsError(
            'InvalidInputException',
            `1 validation error detected: Value '${t.Value}' at 'tags.1.member.value' failed to satisfy constraint`,
          );
        }
        u.tags.set(t.Key, t.Value);
      }
      return {};
    }),
  );
  iam.on(UntagUserCommand).callsFake(
    handle('UntagUser', (i) => {
      const u = find(i.UserName);
      for (const k of i.TagKeys ?? []) u.tags.delete(k);
      return {};
    }),
  );
}

/** The names of the IAM commands sent so far, in order. */
export function sentCommands(iam: AwsStub<any, any, any>): string[] {
  return iam.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''));
}

/** IAM commands that change something (everything but the Get and List calls). */
export function mutatingCommands(iam: AwsStub<any, any, any>): string[] {
  return sentCommands(iam).filter((n) => !/^(Get|List)/.test(n));
}

export { IAMClient };
