import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { ReadWriteType, Trail } from 'aws-cdk-lib/aws-cloudtrail';
import { BlockPublicAccess, Bucket, BucketEncryption, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Props of {@link AuditTrail}. */
export interface AuditTrailProps {
  /** Days before log files are deleted. */
  readonly logExpirationDays: number;
  readonly trailName: string;
}

/**
 * A multi-region CloudTrail trail of management events (read and write, global services
 * included), written to a bucket that is encrypted, versioned, TLS-only, private, access-logged
 * and expires old logs. EventBridge receives CloudTrail's events whether or not a trail exists;
 * the trail is the durable record that `/iam-events` and investigations fall back on.
 */
export class AuditTrail extends Construct {
  readonly trail: Trail;
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(props.logExpirationDays), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'This is the access-log bucket of the trail bucket; logging it to itself would loop.',
    });

    this.bucket = new Bucket(this, 'Logs', {
      // SSE-S3 rather than a KMS key: CloudTrail, Athena and auditors read it without key grants.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'trail-bucket/',
      lifecycleRules: [
        {
          id: 'archive-then-expire',
          // S3 moves objects to Standard-IA no sooner than 30 days; only worth it for longer retention.
          transitions:
            props.logExpirationDays > 60 ? [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }] : [],
          expiration: Duration.days(props.logExpirationDays),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      // Audit logs outlive the stack: deleting the stack must not delete the evidence.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.trail = new Trail(this, 'Trail', {
      trailName: props.trailName,
      bucket: this.bucket,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      managementEvents: ReadWriteType.ALL,
      enableFileValidation: true,
    });
  }
}
