import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { acknowledge } from '../private/acknowledge';
import {
  DEFAULT_ACCESS_LOGS_RETENTION,
  DEFAULT_REVISION_BUCKET_EVENTBRIDGE,
  DEFAULT_REVISION_BUCKET_OBJECT_LOCK,
  DEFAULT_REVISION_BUCKET_REMOVAL_POLICY,
  DEFAULT_REVISION_NONCURRENT_VERSION_EXPIRATION,
} from '../private/defaults';
import { Problems } from '../private/validation';

/** Properties of a `RevisionBucket`. */
export interface RevisionBucketProps {
  /**
   * Customer managed key that encrypts the revisions; instances that download them then need
   * `kms:Decrypt` on it (`grantRead` adds it). Use one when instances of another account read
   * the revisions: the AWS managed key cannot be shared across accounts.
   *
   * @default - SSE-KMS with the AWS managed key `aws/s3`: principals of this account that may read an object may decrypt it, so instance roles need no KMS permission
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to both buckets (revisions and access logs) when they leave the stack. A bucket that still holds objects cannot be deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * How long an overwritten or deleted object is kept before S3 expires it, in both buckets (an
   * old revision, or an access log past `accessLogsRetention`); whole days, at least 1.
   *
   * @default Duration.days(90)
   */
  readonly lifecycleNoncurrentVersionExpiration?: Duration;

  /**
   * How long S3 server access logs are kept in the access-log bucket this construct creates;
   * whole days, at least 1. Not with `accessLogsBucket`.
   *
   * @default Duration.days(365)
   */
  readonly accessLogsRetention?: Duration;

  /**
   * An existing bucket of the same account and Region that receives the revision bucket's S3
   * server access logs, e.g. the account's central access-log bucket. Its bucket policy must let
   * `logging.s3.amazonaws.com` put objects. No access-log bucket is then created.
   *
   * @default - a new access-log bucket (`accessLogsBucket`): SSE-S3, versioned, private, TLS-only, logs expiring after `accessLogsRetention`
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * Key prefix of the access logs in the access-log bucket, e.g. `revisions/`.
   *
   * @default - none: the logs are at the top of the bucket
   */
  readonly accessLogsPrefix?: string;

  /**
   * S3 Object Lock on the revision bucket (without a default retention): revisions can then be
   * locked against deletion (CT.S3.PR.9). S3 does not let a bucket turn Object Lock off again.
   *
   * @default false
   */
  readonly objectLock?: boolean;

  /**
   * Send the buckets' S3 events to Amazon EventBridge (CT.S3.PR.4), e.g. for a rule on new
   * revisions. Set on the revision bucket and on the access-log bucket this construct creates.
   *
   * @default false
   */
  readonly eventBridgeNotifications?: boolean;
}

/** Milliseconds in one day, for `Problems.wholeDuration`. */
const DAY_MILLIS = 86_400_000;

/** The cdk-nag packs whose S3DefaultEncryptionKMS and S3BucketReplicationEnabled rules fire on these buckets. */
const PACKS_WITH_S3_KMS_AND_REPLICATION_RULES = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];

/** Why the HIPAA, NIST and PCI packs' replication rule does not apply to these buckets. */
const REPLICATION_REASON = 'Cross-Region replication is a platform decision (destination bucket, Region, key, cost), not one a single revision bucket can make';

/**
 * Why the access-log bucket keeps SSE-S3. Amazon S3 User Guide, "Enabling Amazon S3 server access
 * logging" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html):
 * default bucket encryption of the target bucket may only be SSE-S3, "Default server-side
 * encryption with AWS Key Management Service (AWS KMS) keys (SSE-KMS) is not supported"; the same
 * page says the target bucket cannot have S3 Object Lock and should not have server access logging.
 */
const ACCESS_LOGS_SSE_S3_REASON = 'S3 server access logging supports only SSE-S3 as the default encryption of its target bucket (Amazon S3 User Guide, '
  + 'Enabling Amazon S3 server access logging); the logs hold request records, not revisions';

/**
 * A secure S3 bucket for the application revisions of a CodeDeploy server fleet: versioned,
 * encrypted with AWS KMS, private, TLS-only, with ACLs disabled, old versions expiring, and S3
 * server access logs written to a second bucket that it creates (or one you pass).
 */
export class RevisionBucket extends Construct {
  /** The bucket that holds the application revisions. */
  public readonly bucket: s3.Bucket;

  /** The bucket that receives the revision bucket's S3 server access logs: the one created here, or `accessLogsBucket`. */
  public readonly accessLogsBucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: RevisionBucketProps = {}) {
    super(scope, id);

    const problems = Problems.ofConstruct('RevisionBucket', this);
    const expiration = props.lifecycleNoncurrentVersionExpiration ?? DEFAULT_REVISION_NONCURRENT_VERSION_EXPIRATION;
    problems.wholeDuration('lifecycleNoncurrentVersionExpiration', expiration, DAY_MILLIS, { min: 1, unit: 'days' });
    const retention = props.accessLogsRetention ?? DEFAULT_ACCESS_LOGS_RETENTION;
    problems.wholeDuration('accessLogsRetention', retention, DAY_MILLIS, { min: 1, unit: 'days' });
    if (props.accessLogsBucket && props.accessLogsRetention) {
      problems.add('accessLogsRetention applies only to the access-log bucket this construct creates, got accessLogsBucket as well');
    }
    problems.throwIfAny();

    // Grant S3 log delivery through a bucket policy, whatever the app's feature flags say: the ACL
    // alternative needs ACLs enabled on the log bucket. Context must be set before any child exists.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    const removalPolicy = props.removalPolicy ?? DEFAULT_REVISION_BUCKET_REMOVAL_POLICY;
    const eventBridge = props.eventBridgeNotifications ?? DEFAULT_REVISION_BUCKET_EVENTBRIDGE;

    this.accessLogsBucket = props.accessLogsBucket ?? this.createAccessLogsBucket(removalPolicy, retention, expiration, eventBridge);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      // SSE-KMS: a customer managed key when given, otherwise the AWS managed key aws/s3, whose key
      // policy lets every principal of the account use it through S3 (kms:ViaService
      // s3.<Region>.amazonaws.com, kms:CallerAccount the account): instance roles and the deployer
      // read revisions with s3:GetObject alone. AWS KMS Developer Guide, AWS managed keys
      // (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key): their
      // key policy allows use only by principals of the account through the service that created them.
      encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.KMS_MANAGED,
      encryptionKey: props.encryptionKey,
      // S3 Bucket Keys cut the KMS requests (and their cost) of SSE-KMS, with either key.
      bucketKeyEnabled: true,
      // Revisions are never public.
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Deny every request that does not use TLS.
      enforceSSL: true,
      // Revisions are referenced by version (eTag/version) and old ones stay available for rollbacks.
      versioned: true,
      // ACLs disabled: the bucket owner owns every revision, access is by policy only.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Who read or wrote which revision, for audits.
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsPrefix,
      // Old revision versions expire instead of accumulating forever.
      lifecycleRules: [{ noncurrentVersionExpiration: expiration }],
      objectLockEnabled: (props.objectLock ?? DEFAULT_REVISION_BUCKET_OBJECT_LOCK) || undefined,
      removalPolicy,
    });
    if (eventBridge) {
      sendEventsToEventBridge(this.bucket);
    }
    acknowledge(this.bucket,
      ...PACKS_WITH_S3_KMS_AND_REPLICATION_RULES.map((pack) => ({
        id: `${pack}-S3BucketReplicationEnabled`,
        reason: `${REPLICATION_REASON}; revisions can be rebuilt and uploaded again from their source`,
      })),
    );
  }

  /**
   * Lets `grantee` (an instance role) download revisions: `s3:GetObject` and `s3:GetObjectVersion`
   * on the matching objects, and `kms:Decrypt` on the customer managed key if there is one (the
   * AWS managed key's own policy already lets principals of the account decrypt through S3).
   *
   * @param grantee who downloads revisions, usually the fleet's instance role
   * @param objectsKeyPattern the object keys to allow, e.g. `releases/*`; default `*`
   */
  public grantRead(grantee: iam.IGrantable, objectsKeyPattern?: string): iam.Grant {
    const grant = iam.Grant.addToPrincipalOrResource({
      grantee,
      // The CodeDeploy agent downloads a revision by key and version; it never lists the bucket.
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resourceArns: [this.bucket.arnForObjects(objectsKeyPattern ?? '*')],
      resource: this.bucket,
    });
    // Objects encrypted with a customer managed key cannot be read without kms:Decrypt on it.
    return this.bucket.encryptionKey ? grant.combine(this.bucket.encryptionKey.grantDecrypt(grantee)) : grant;
  }

  /** The access-log bucket: SSE-S3 (the only default encryption S3 log delivery supports), logs expiring. */
  private createAccessLogsBucket(removalPolicy: RemovalPolicy, retention: Duration, noncurrentExpiration: Duration, eventBridge: boolean): s3.Bucket {
    const bucket = new s3.Bucket(this, 'AccessLogsBucket', {
      // SSE-S3: see ACCESS_LOGS_SSE_S3_REASON.
      encryption: s3.BucketEncryption.S3_MANAGED,
      // Logs are never public.
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Deny every request that does not use TLS.
      enforceSSL: true,
      // Keeps overwritten or deleted log objects recoverable.
      versioned: true,
      // ACLs disabled: the logging service writes through the bucket policy, restricted to the revision bucket.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Logs expire after the retention; the noncurrent versions that expiry leaves in a versioned
      // bucket expire like old revisions do.
      lifecycleRules: [{ expiration: retention, noncurrentVersionExpiration: noncurrentExpiration }],
      removalPolicy,
    });
    if (eventBridge) {
      sendEventsToEventBridge(bucket);
    }
    // No logging finding to acknowledge: cdk-nag counts a bucket that receives another bucket's
    // access logs as logged, so AwsSolutions-S1 and S3BucketLoggingEnabled pass on this bucket.
    acknowledge(bucket,
      ...PACKS_WITH_S3_KMS_AND_REPLICATION_RULES.map((pack) => ({ id: `${pack}-S3DefaultEncryptionKMS`, reason: ACCESS_LOGS_SSE_S3_REASON })),
      ...PACKS_WITH_S3_KMS_AND_REPLICATION_RULES.map((pack) => ({ id: `${pack}-S3BucketReplicationEnabled`, reason: REPLICATION_REASON })),
    );
    return bucket;
  }
}

/**
 * Turns on the bucket's EventBridge notifications with CloudFormation's own property
 * (`NotificationConfiguration.EventBridgeConfiguration`), rather than aws-cdk-lib's
 * `eventBridgeEnabled`, which adds a custom resource and a Lambda function to the stack.
 */
function sendEventsToEventBridge(bucket: s3.Bucket): void {
  (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}
