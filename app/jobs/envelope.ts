import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';

/**
 * The signed envelope a deferred job travels in when the Slack function invokes itself
 * asynchronously: `{ iamAlertsJob: { v, kind, payload, issuedAt, nonce, mac } }`.
 *
 * Anyone allowed `lambda:InvokeFunction` on the Slack function can send it an event, so the job
 * side trusts nothing in an event until its MAC checks out: HMAC-SHA256, keyed with the job signing
 * key (a secret only the Slack function can read), over the version, kind, issue time, nonce and
 * the payload. The payload travels as a JSON *string*, so the bytes verified are exactly the bytes
 * signed (no re-serialisation that could differ). The issue time bounds how long an envelope is
 * accepted ({@link JOB_MAX_AGE_SECONDS}); the nonce, claimed once in the state table
 * (`./replay-guard`), stops a captured envelope from being replayed within that window.
 */

/** Version of the envelope format; part of the signed text. */
export const JOB_ENVELOPE_VERSION = 1;

/**
 * How long after it was issued a job is accepted. Lambda's retries of a failed job arrive after 1
 * and 3 more minutes (plus the failed run's duration); the stack sets the Slack function's
 * asynchronous `maxEventAge` to this same value, so Lambda never delivers a job older than this
 * code would accept: it sends it to the dead-letter queue instead.
 */
export const JOB_MAX_AGE_SECONDS = 600;

/** Tolerance for clocks of different Lambda hosts: an envelope issued further in the future is refused. */
export const JOB_CLOCK_SKEW_SECONDS = 30;

/** The shortest job signing key accepted (the stack generates 64 characters). */
export const JOB_SIGNING_KEY_MIN_LENGTH = 32;

/** What the envelope's parts must look like; `kind` and `nonce` can hold no newline, so the signed text is unambiguous. */
export const signedJobSchema = z.strictObject({
  v: z.literal(JOB_ENVELOPE_VERSION),
  kind: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'expected a job kind'),
  /** The job's payload, serialised once by the signer. */
  payload: z.string().max(250_000),
  /** Milliseconds since the epoch, when the listener signed it. */
  issuedAt: z.number().int().positive(),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, 'expected a random nonce'),
  /** Hex HMAC-SHA256 of {@link signedText}. */
  mac: z.string().regex(/^[0-9a-f]{64}$/, 'expected a hex HMAC-SHA256'),
});
export type SignedJob = z.infer<typeof signedJobSchema>;

export const signedJobEventSchema = z.strictObject({ iamAlertsJob: signedJobSchema });
export type SignedJobEvent = z.infer<typeof signedJobEventSchema>;

/** The text the MAC covers: a fixed label, then the fields, the free-form payload last. */
function signedText(job: Omit<SignedJob, 'mac'>): string {
  return ['iam-alerts-job', `v${job.v}`, job.kind, String(job.issuedAt), job.nonce, job.payload].join('\n');
}

function mac(key: string, job: Omit<SignedJob, 'mac'>): string {
  return createHmac('sha256', key).update(signedText(job), 'utf8').digest('hex');
}

/**
 * Wraps a job as a signed self-invocation event, with a fresh random nonce.
 * @throws TypeError when `payload` cannot be serialised as JSON.
 */
export function signJob(kind: string, payload: unknown, options: { key: string; nowMs: number; nonce?: string }): SignedJobEvent {
  const unsigned = {
    v: JOB_ENVELOPE_VERSION,
    kind,
    payload: JSON.stringify(payload ?? null),
    issuedAt: options.nowMs,
    nonce: options.nonce ?? randomBytes(16).toString('base64url'),
  } as const;
  return { iamAlertsJob: { ...unsigned, mac: mac(options.key, unsigned) } };
}

/** Why an envelope was refused; each is logged, and none is retried. */
export type JobRefusal = 'unsigned' | 'malformed' | 'bad-mac' | 'expired' | 'issued-in-the-future' | 'payload-not-json';

export type VerifiedJob =
  | { ok: true; kind: string; payload: unknown; nonce: string; issuedAt: number }
  | { ok: false; reason: JobRefusal; detail?: string };

/**
 * Checks a self-invocation event: shape, MAC (compared in constant time), then age. Only a job that
 * passes is parsed further; the caller still has to claim its nonce.
 */
export function verifyJobEvent(event: unknown, options: { key: string; nowMs: number }): VerifiedJob {
  const parsed = signedJobEventSchema.safeParse(event);
  if (!parsed.success) {
    const job = (event as { iamAlertsJob?: unknown } | null)?.iamAlertsJob;
    const unsigned = typeof job === 'object' && job !== null && !('mac' in job);
    return {
      ok: false,
      reason: unsigned ? 'unsigned' : 'malformed',
      detail: parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; '),
    };
  }
  const job = parsed.data.iamAlertsJob;
  const expected = Buffer.from(mac(options.key, job), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(job.mac, 'hex'))) return { ok: false, reason: 'bad-mac' };
  const ageMs = options.nowMs - job.issuedAt;
  if (ageMs > (JOB_MAX_AGE_SECONDS + JOB_CLOCK_SKEW_SECONDS) * 1000) {
    return { ok: false, reason: 'expired', detail: `issued ${Math.round(ageMs / 1000)} s ago` };
  }
  if (-ageMs > JOB_CLOCK_SKEW_SECONDS * 1000) {
    return { ok: false, reason: 'issued-in-the-future', detail: `issued ${Math.round(-ageMs / 1000)} s from now` };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(job.payload);
  } catch {
    // Signed with our key yet not JSON: only a bug could do that, but still not something to run.
    return { ok: false, reason: 'payload-not-json' };
  }
  return { ok: true, kind: job.kind, payload, nonce: job.nonce, issuedAt: job.issuedAt };
}
