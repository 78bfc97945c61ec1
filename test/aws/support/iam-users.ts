import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as iamSdk from '@aws-sdk/client-iam';

/**
 * IAM users as an attacker or a careless admin leaves them, built and read back through the real
 * IAM API (moto in `npm run test:aws`): the integration tests assert on what IAM says, not on the
 * calls the code made.
 */

const FIXTURES = join(__dirname, '../../fixtures/aws');
/** A self-signed X.509 certificate (moto validates the PEM, as IAM does). */
export const SIGNING_CERTIFICATE = readFileSync(join(FIXTURES, 'signing-certificate.pem'), 'utf8');
export const SSH_PUBLIC_KEY = readFileSync(join(FIXTURES, 'ssh-public-key.pub'), 'utf8').trim();

export interface LoadedUser {
  userName: string;
  activeKeyId: string;
  inactiveKeyId: string;
  certificateId: string;
  sshKeyId: string;
  mfaSerial: string;
}

/**
 * Creates a user with every credential Disable User deals with: a console password, two access
 * keys (IAM's quota; the second already inactive), an SSH public key, a signing certificate and
 * an enabled virtual MFA device.
 */
export async function createLoadedUser(iam: iamSdk.IAMClient, userName: string): Promise<LoadedUser> {
  await iam.send(new iamSdk.CreateUserCommand({ UserName: userName }));
  await iam.send(new iamSdk.CreateLoginProfileCommand({ UserName: userName, Password: 'Correct-Horse-Battery-9' }));
  const active = await iam.send(new iamSdk.CreateAccessKeyCommand({ UserName: userName }));
  const inactive = await iam.send(new iamSdk.CreateAccessKeyCommand({ UserName: userName }));
  const inactiveKeyId = inactive.AccessKey!.AccessKeyId!;
  await iam.send(new iamSdk.UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: inactiveKeyId, Status: 'Inactive' }));
  const cert = await iam.send(new iamSdk.UploadSigningCertificateCommand({ UserName: userName, CertificateBody: SIGNING_CERTIFICATE }));
  const ssh = await iam.send(new iamSdk.UploadSSHPublicKeyCommand({ UserName: userName, SSHPublicKeyBody: SSH_PUBLIC_KEY }));
  const device = await iam.send(
    new iamSdk.CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `mfa-${userName.replace(/[^\w+=,.@-]/g, '')}`.slice(0, 60) }),
  );
  const mfaSerial = device.VirtualMFADevice!.SerialNumber!;
  await iam.send(
    new iamSdk.EnableMFADeviceCommand({
      UserName: userName,
      SerialNumber: mfaSerial,
      AuthenticationCode1: '123456',
      AuthenticationCode2: '654321',
    }),
  );
  return {
    userName,
    activeKeyId: active.AccessKey!.AccessKeyId!,
    inactiveKeyId,
    certificateId: cert.Certificate!.CertificateId!,
    sshKeyId: ssh.SSHPublicKey!.SSHPublicKeyId!,
    mfaSerial,
  };
}

/** Everything IAM says about a user's credentials, policies and tags. */
export interface UserState {
  hasConsolePassword: boolean;
  accessKeys: Record<string, string>;
  signingCertificates: Record<string, string>;
  sshKeys: Record<string, string>;
  mfaDevices: string[];
  inlinePolicies: Record<string, unknown>;
  attachedPolicies: string[];
  tags: Record<string, string>;
}

export async function readUserState(iam: iamSdk.IAMClient, userName: string): Promise<UserState> {
  let hasConsolePassword = true;
  try {
    await iam.send(new iamSdk.GetLoginProfileCommand({ UserName: userName }));
  } catch (error) {
    if ((error as Error).name !== 'NoSuchEntityException') throw error;
    hasConsolePassword = false;
  }
  const keys = await iam.send(new iamSdk.ListAccessKeysCommand({ UserName: userName }));
  const certs = await iam.send(new iamSdk.ListSigningCertificatesCommand({ UserName: userName }));
  const ssh = await iam.send(new iamSdk.ListSSHPublicKeysCommand({ UserName: userName }));
  const mfa = await iam.send(new iamSdk.ListMFADevicesCommand({ UserName: userName }));
  const inlineNames = (await iam.send(new iamSdk.ListUserPoliciesCommand({ UserName: userName }))).PolicyNames ?? [];
  const inlinePolicies: Record<string, unknown> = {};
  for (const PolicyName of inlineNames) {
    const { PolicyDocument } = await iam.send(new iamSdk.GetUserPolicyCommand({ UserName: userName, PolicyName }));
    inlinePolicies[PolicyName] = JSON.parse(decodeURIComponent(PolicyDocument ?? '{}'));
  }
  const attached = await iam.send(new iamSdk.ListAttachedUserPoliciesCommand({ UserName: userName }));
  const tags = await iam.send(new iamSdk.ListUserTagsCommand({ UserName: userName }));
  return {
    hasConsolePassword,
    accessKeys: Object.fromEntries((keys.AccessKeyMetadata ?? []).map((k) => [k.AccessKeyId!, k.Status!])),
    signingCertificates: Object.fromEntries((certs.Certificates ?? []).map((c) => [c.CertificateId!, c.Status!])),
    sshKeys: Object.fromEntries((ssh.SSHPublicKeys ?? []).map((k) => [k.SSHPublicKeyId!, k.Status!])),
    mfaDevices: (mfa.MFADevices ?? []).map((d) => d.SerialNumber!),
    inlinePolicies,
    attachedPolicies: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn!),
    tags: Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key!, t.Value!])),
  };
}

/** Deletes a user the way an admin must: every credential, device and policy first, then the user. */
export async function deleteUserCompletely(iam: iamSdk.IAMClient, userName: string): Promise<void> {
  const UserName = userName;
  const ignoreMissing = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      if ((error as Error).name !== 'NoSuchEntityException') throw error;
    }
  };
  await ignoreMissing(() => iam.send(new iamSdk.DeleteLoginProfileCommand({ UserName })));
  for (const k of (await iam.send(new iamSdk.ListAccessKeysCommand({ UserName }))).AccessKeyMetadata ?? [])
    await iam.send(new iamSdk.DeleteAccessKeyCommand({ UserName, AccessKeyId: k.AccessKeyId }));
  for (const c of (await iam.send(new iamSdk.ListSigningCertificatesCommand({ UserName }))).Certificates ?? [])
    await iam.send(new iamSdk.DeleteSigningCertificateCommand({ UserName, CertificateId: c.CertificateId }));
  for (const k of (await iam.send(new iamSdk.ListSSHPublicKeysCommand({ UserName }))).SSHPublicKeys ?? [])
    await iam.send(new iamSdk.DeleteSSHPublicKeyCommand({ UserName, SSHPublicKeyId: k.SSHPublicKeyId }));
  for (const d of (await iam.send(new iamSdk.ListMFADevicesCommand({ UserName }))).MFADevices ?? [])
    await iam.send(new iamSdk.DeactivateMFADeviceCommand({ UserName, SerialNumber: d.SerialNumber }));
  for (const PolicyName of (await iam.send(new iamSdk.ListUserPoliciesCommand({ UserName }))).PolicyNames ?? [])
    await iam.send(new iamSdk.DeleteUserPolicyCommand({ UserName, PolicyName }));
  for (const p of (await iam.send(new iamSdk.ListAttachedUserPoliciesCommand({ UserName }))).AttachedPolicies ?? [])
    await iam.send(new iamSdk.DetachUserPolicyCommand({ UserName, PolicyArn: p.PolicyArn }));
  await iam.send(new iamSdk.DeleteUserCommand({ UserName }));
}

/**
 * Runs `action` once, right after the client's first successful call named `commandName`: how a
 * test makes the world change half way through a sequence of real IAM calls.
 */
export function afterFirstCall(client: iamSdk.IAMClient, commandName: string, action: () => Promise<void>): void {
  let done = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (!done && context.commandName === commandName) {
        done = true;
        await action();
      }
      return result;
    },
    { step: 'initialize', name: `afterFirst${commandName}` },
  );
}
