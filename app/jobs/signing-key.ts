import { ConfigError } from '../config';
import type { SecretReader } from '../slack/credentials';
import { JOB_SIGNING_KEY_MIN_LENGTH } from './envelope';

/**
 * Reads the job signing key from the secret named by `JOB_SIGNING_KEY_ARN`. The stack generates it
 * (64 random characters, `<stack>/job-signing-key`) and lets only the Slack function read it; its
 * value is the key itself, as plain text.
 * @throws ConfigError naming the variable when it is unset, the secret cannot be read, or its value
 *   is too short to be a key (the message never contains the value).
 */
export async function readJobSigningKey(secretArn: string | undefined, readSecret: SecretReader): Promise<string> {
  if (!secretArn) {
    throw new ConfigError(
      'JOB_SIGNING_KEY_ARN is not set: the Slack function signs the jobs it defers with that key and runs no job without it (the stack sets it)',
    );
  }
  let raw: unknown;
  try {
    raw = await readSecret(secretArn);
  } catch (error) {
    throw new ConfigError(`cannot read the job signing key ${secretArn} (JOB_SIGNING_KEY_ARN): ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (typeof raw !== 'string' || raw.trim().length < JOB_SIGNING_KEY_MIN_LENGTH) {
    throw new ConfigError(
      `the job signing key ${secretArn} (JOB_SIGNING_KEY_ARN) must be a string of at least ${JOB_SIGNING_KEY_MIN_LENGTH} characters; the stack generates one`,
    );
  }
  return raw.trim();
}
