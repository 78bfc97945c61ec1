import * as z from 'zod';
import { type Config, ConfigError } from '../config';

/** Slack credentials, from the environment or from the Secrets Manager secret. */
export interface SlackCredentials {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
}

/**
 * The JSON the Slack secret holds (`docs/DEPLOY.md` says how to fill it). Keys mirror the
 * environment variables so the same names work everywhere.
 */
export const slackSecretSchema = z.object({
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'SLACK_BOT_TOKEN must be a bot token (xoxb-...)'),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z.string().startsWith('xapp-').optional(),
});

/** Reads a secret's value; `SecretsProvider` of Powertools Parameters in production. */
export type SecretReader = (secretId: string) => Promise<unknown>;

/**
 * Tokens from the environment when set, otherwise from the secret named by `SLACK_SECRET_ARN`.
 * @throws ConfigError when neither is configured or the secret is not filled in correctly
 *   (the message never contains the secret's value).
 */
export async function resolveSlackCredentials(config: Config, readSecret: SecretReader): Promise<SlackCredentials> {
  const { botToken, signingSecret, appToken, secretArn } = config.slack;
  if (botToken) return { botToken, signingSecret, appToken };
  if (!secretArn) {
    throw new ConfigError('SLACK_BOT_TOKEN is not set and neither is SLACK_SECRET_ARN: set one of them (see .env.example)');
  }
  let raw: unknown;
  try {
    raw = await readSecret(secretArn);
  } catch (error) {
    throw new ConfigError(`cannot read the Slack secret ${secretArn}: ${(error as Error).message}`, { cause: error });
  }
  const value = typeof raw === 'string' ? safeJson(raw) : raw;
  const parsed = slackSecretSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
    throw new ConfigError(
      `the Slack secret ${secretArn} is not filled in: expected JSON {"SLACK_BOT_TOKEN": "xoxb-...", "SLACK_SIGNING_SECRET": "..."} (${problems})`,
    );
  }
  return {
    botToken: parsed.data.SLACK_BOT_TOKEN,
    signingSecret: signingSecret ?? parsed.data.SLACK_SIGNING_SECRET,
    appToken: appToken ?? parsed.data.SLACK_APP_TOKEN,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
