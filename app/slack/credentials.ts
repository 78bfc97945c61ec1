import * as z from 'zod';
import { type Config, ConfigError } from '../config';
import type { Logger } from '../logger';

/** Slack credentials, from the environment or from the Secrets Manager secret. */
export interface SlackCredentials {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
}

/**
 * The JSON the Slack secret (`SLACK_SECRET_ARN`, `<stack>/slack`) holds: the bot token, which both
 * functions need (`docs/DEPLOY.md` says how to fill it). Keys mirror the environment variables so
 * the same names work everywhere. `SLACK_SIGNING_SECRET` belongs in its own secret now
 * ({@link slackSigningSecretSchema}); older deployments kept it here, and it is still read from
 * here until it is moved.
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
    throw new ConfigError(`the Slack secret ${secretArn} is not filled in: expected JSON {"SLACK_BOT_TOKEN": "xoxb-..."} (${problems})`);
  }
  return {
    botToken: parsed.data.SLACK_BOT_TOKEN,
    signingSecret: signingSecret ?? parsed.data.SLACK_SIGNING_SECRET,
    appToken: appToken ?? parsed.data.SLACK_APP_TOKEN,
  };
}

/**
 * The JSON the signing-secret secret (`SLACK_SIGNING_SECRET_ARN`, `<stack>/slack-signing-secret`)
 * holds. Only the Slack function may read it: the notifier never verifies a Slack request.
 */
export const slackSigningSecretSchema = z.object({ SLACK_SIGNING_SECRET: z.string().min(1) });

/**
 * Reads the signing secret from the secret named by `SLACK_SIGNING_SECRET_ARN`.
 * @returns undefined when no such secret is configured, or it does not hold a signing secret yet
 *   (the stack creates it as `{}`): the caller may then fall back to the bot-token secret.
 * @throws ConfigError when the secret cannot be read at all.
 */
export async function readSlackSigningSecret(config: Config, readSecret: SecretReader): Promise<string | undefined> {
  const secretArn = config.slack.signingSecretArn;
  if (!secretArn || config.slack.signingSecret) return undefined;
  let raw: unknown;
  try {
    raw = await readSecret(secretArn);
  } catch (error) {
    throw new ConfigError(`cannot read the Slack signing secret ${secretArn}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = slackSigningSecretSchema.safeParse(typeof raw === 'string' ? safeJson(raw) : raw);
  return parsed.success ? parsed.data.SLACK_SIGNING_SECRET : undefined;
}

/**
 * The signing secret the Slack function verifies requests with: from the environment (local
 * mode), else its own secret (`SLACK_SIGNING_SECRET_ARN`), else, for deployments made before the
 * secrets were split, the bot-token secret (`SLACK_SECRET_ARN`), with a warning saying how to move
 * it: there the notifier can read it too. Never logs a value.
 * @param fromSecret what {@link readSlackSigningSecret} found.
 * @param credentials what {@link resolveSlackCredentials} found (its `signingSecret` comes from the
 *   environment or the bot-token secret).
 * @throws ConfigError when there is no signing secret anywhere.
 */
export function chooseSlackSigningSecret(
  config: Config,
  fromSecret: string | undefined,
  credentials: SlackCredentials,
  logger: Pick<Logger, 'warn'>,
): string {
  if (config.slack.signingSecret) return config.slack.signingSecret;
  const inBotSecret = credentials.signingSecret;
  const botSecret = config.slack.secretArn ?? 'SLACK_SECRET_ARN';
  const signingSecret = config.slack.signingSecretArn;
  const rewriteBotSecret = `aws secretsmanager put-secret-value --secret-id ${botSecret} --secret-string '{"SLACK_BOT_TOKEN":"xoxb-..."}'`;
  if (fromSecret) {
    if (inBotSecret) {
      logger.warn(
        `SLACK_SIGNING_SECRET is in ${signingSecret} and still in ${botSecret}, which the notifier can read too: remove it from there with ${rewriteBotSecret} (docs/DEPLOY.md, step 6)`,
      );
    }
    return fromSecret;
  }
  if (inBotSecret) {
    if (signingSecret) {
      logger.warn(
        `SLACK_SIGNING_SECRET is read from ${botSecret}, which the notifier can read too. Move it to its own secret: aws secretsmanager put-secret-value --secret-id ${signingSecret} --secret-string '{"SLACK_SIGNING_SECRET":"..."}', then ${rewriteBotSecret} (docs/DEPLOY.md, step 6)`,
      );
    }
    return inBotSecret;
  }
  throw new ConfigError(
    signingSecret
      ? `SLACK_SIGNING_SECRET is not set: every request from Slack is verified with it. Put it in the secret ${signingSecret} as JSON {"SLACK_SIGNING_SECRET": "..."} (Slack app → Basic Information → Signing Secret)`
      : 'SLACK_SIGNING_SECRET is not set: every request from Slack is verified with it (set it, or SLACK_SIGNING_SECRET_ARN naming a secret that holds it)',
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
