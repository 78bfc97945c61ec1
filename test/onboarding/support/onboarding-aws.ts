import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  CreateLoginProfileCommand,
  EntityAlreadyExistsException,
  GetAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccountAliasesCommand,
  ListUserTagsCommand,
  NoSuchEntityException,
  type PasswordPolicy,
} from '@aws-sdk/client-iam';
import { DecryptCommand, EncryptCommand, InvalidCiphertextException, KMSClient } from '@aws-sdk/client-kms';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';

/**
 * IAM, KMS and SES as onboarding meets them, behind aws-sdk-client-mock: an in-memory account whose
 * users have tags and (maybe) a login profile, a KMS that really encrypts (AES-256-GCM with the
 * encryption context as associated data, so a wrong context fails as KMS's InvalidCiphertextException
 * does), and SES that records what it was asked to send. The moto suite (test/aws/onboarding.test.ts)
 * runs the same flows against moto's IAM, KMS and SES.
 */

export interface ModelUser {
  tags: Record<string, string>;
  /** The console password, when the user has one. */
  password?: string;
  passwordResetRequired?: boolean;
}

export interface OnboardingAws {
  users: Map<string, ModelUser>;
  passwordPolicy?: PasswordPolicy;
  alias?: string;
  iam: AwsClientStub<IAMClient>;
  kms: AwsClientStub<KMSClient>;
  ses: AwsClientStub<SESv2Client>;
  /** The SendEmail inputs, in order. */
  emails: Array<SendEmailCommand['input']>;
  restore(): void;
}

/**
 * Installs the model. `iam`: an IAM stub a harness already made (a second mockClient on one class
 * would replace it); it is then left for the harness to restore.
 */
export function mockOnboardingAws(options: { iam?: AwsClientStub<IAMClient> } = {}): OnboardingAws {
  const key = randomBytes(32);
  const state: OnboardingAws = {
    users: new Map(),
    iam: options.iam ?? mockClient(IAMClient),
    kms: mockClient(KMSClient),
    ses: mockClient(SESv2Client),
    emails: [],
    restore: () => {
      if (!options.iam) state.iam.restore();
      state.kms.restore();
      state.ses.restore();
    },
  };
  const user = (name: string | undefined) => {
    const found = name ? state.users.get(name) : undefined;
    if (!found) throw new NoSuchEntityException({ message: `The user with name ${name} cannot be found.`, $metadata: {} });
    return found;
  };
  state.iam.on(ListUserTagsCommand).callsFake((input) => ({
    Tags: Object.entries(user(input.UserName).tags).map(([Key, Value]) => ({ Key, Value })),
    IsTruncated: false,
  }));
  state.iam.on(GetLoginProfileCommand).callsFake((input) => {
    const found = user(input.UserName);
    if (found.password === undefined) {
      throw new NoSuchEntityException({ message: `Login Profile for User ${input.UserName} cannot be found.`, $metadata: {} });
    }
    return { LoginProfile: { UserName: input.UserName, CreateDate: new Date(), PasswordResetRequired: found.passwordResetRequired } };
  });
  state.iam.on(CreateLoginProfileCommand).callsFake((input) => {
    const found = user(input.UserName);
    if (found.password !== undefined) {
      throw new EntityAlreadyExistsException({ message: `Login Profile for user ${input.UserName} already exists.`, $metadata: {} });
    }
    found.password = input.Password;
    found.passwordResetRequired = input.PasswordResetRequired;
    return { LoginProfile: { UserName: input.UserName, CreateDate: new Date(), PasswordResetRequired: input.PasswordResetRequired } };
  });
  state.iam.on(GetAccountPasswordPolicyCommand).callsFake(() => {
    if (!state.passwordPolicy)
      throw new NoSuchEntityException({ message: 'The Password Policy with domain name 123456789012 cannot be found.', $metadata: {} });
    return { PasswordPolicy: state.passwordPolicy };
  });
  state.iam.on(ListAccountAliasesCommand).callsFake(() => ({ AccountAliases: state.alias ? [state.alias] : [], IsTruncated: false }));

  const aad = (context: Record<string, string> | undefined) =>
    Buffer.from(JSON.stringify(Object.entries(context ?? {}).sort(([a], [b]) => a.localeCompare(b))));
  state.kms.on(EncryptCommand).callsFake((input) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad(input.EncryptionContext));
    const body = Buffer.concat([cipher.update(Buffer.from(input.Plaintext as Uint8Array)), cipher.final()]);
    return { CiphertextBlob: Buffer.concat([iv, cipher.getAuthTag(), body]), KeyId: input.KeyId };
  });
  state.kms.on(DecryptCommand).callsFake((input) => {
    const blob = Buffer.from(input.CiphertextBlob as Uint8Array);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12)).setAAD(aad(input.EncryptionContext));
      decipher.setAuthTag(blob.subarray(12, 28));
      return { Plaintext: Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]), KeyId: input.KeyId };
    } catch {
      throw new InvalidCiphertextException({ message: '', $metadata: {} });
    }
  });
  state.ses.on(SendEmailCommand).callsFake((input) => {
    state.emails.push(input);
    return { MessageId: `msg-${state.emails.length}` };
  });
  return state;
}
