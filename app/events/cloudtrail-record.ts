import * as z from 'zod';

/**
 * A CloudTrail record, as tolerant as real records require and strict about what we rely on.
 *
 * Real records (see `test/fixtures/PROVENANCE.md`) miss fields, carry extra ones, use times
 * like "2022-09-15 13:45:24", unknown identity types and `null` where an object is usual. Only
 * `eventName` and `eventSource` are required: without them nothing can be classified.
 */

const optionalString = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .nullish()
  .transform((v) => v ?? undefined);

const looseRecord = z
  .record(z.string(), z.unknown())
  .nullish()
  .catch(undefined)
  .transform((v) => v ?? undefined);

export const sessionIssuerSchema = z.looseObject({
  type: optionalString,
  userName: optionalString,
  arn: optionalString,
  principalId: optionalString,
  accountId: optionalString,
});

export const userIdentitySchema = z.looseObject({
  type: optionalString,
  principalId: optionalString,
  arn: optionalString,
  accountId: optionalString,
  accessKeyId: optionalString,
  userName: optionalString,
  invokedBy: optionalString,
  sessionContext: z
    .looseObject({
      sessionIssuer: sessionIssuerSchema.nullish().catch(undefined),
      attributes: z.looseObject({ mfaAuthenticated: optionalString, creationDate: optionalString }).nullish().catch(undefined),
    })
    .nullish()
    .catch(undefined),
});
export type UserIdentity = z.infer<typeof userIdentitySchema>;

export const cloudTrailRecordSchema = z.looseObject({
  eventName: z.string().min(1, 'eventName is empty'),
  eventSource: z.string().min(1, 'eventSource is empty'),
  eventID: optionalString,
  eventTime: optionalString,
  eventType: optionalString,
  eventVersion: optionalString,
  awsRegion: optionalString,
  sourceIPAddress: optionalString,
  userAgent: optionalString,
  recipientAccountId: optionalString,
  errorCode: optionalString,
  errorMessage: optionalString,
  readOnly: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .nullish()
    .catch(undefined)
    .transform((v) => v ?? undefined),
  userIdentity: userIdentitySchema
    .nullish()
    .catch(undefined)
    .transform((v) => v ?? undefined),
  requestParameters: looseRecord,
  responseElements: looseRecord,
  additionalEventData: looseRecord,
});
export type CloudTrailRecord = z.infer<typeof cloudTrailRecordSchema>;
