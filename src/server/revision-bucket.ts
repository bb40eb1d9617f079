import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { DEFAULT_REVISION_BUCKET_REMOVAL_POLICY, DEFAULT_REVISION_NONCURRENT_VERSION_EXPIRATION } from '../private/defaults';
import { Problems } from '../private/validation';

/** Properties of a `RevisionBucket`. */
export interface RevisionBucketProps {
  /**
   * Customer managed key that encrypts the revisions; instances that download them then need `kms:Decrypt` (`grantRead` adds it).
   *
   * @default - S3-managed encryption (SSE-S3): CodeDeploy agents need no KMS permission
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to both buckets (revisions and access logs) when they leave the stack. A bucket that still holds objects cannot be deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * How long an overwritten or deleted revision is kept before S3 expires it; whole days, at least 1.
   *
   * @default Duration.days(90)
   */
  readonly lifecycleNoncurrentVersionExpiration?: Duration;
}

/** Milliseconds in one day, for `Problems.wholeDuration`. */
const DAY_MILLIS = 86_400_000;

/** The cdk-nag packs whose S3DefaultEncryptionKMS and S3BucketReplicationEnabled rules fire on these buckets. */
const PACKS_WITH_S3_KMS_AND_REPLICATION_RULES = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];

/** Why the HIPAA, NIST and PCI packs' replication rule does not apply to these buckets. */
const REPLICATION_REASON = 'Cross-Region replication is a platform decision (destination bucket, Region, key, cost), not one a single revision bucket can make';

/**
 * A secure S3 bucket for the application revisions of a CodeDeploy server fleet: versioned,
 * encrypted, private, TLS-only, with ACLs disabled, old versions expiring, and S3 server access
 * logs written to a second bucket that it creates.
 */
export class RevisionBucket extends Construct {
  /** The bucket that holds the application revisions. */
  public readonly bucket: s3.Bucket;

  /** The bucket that receives the revision bucket's S3 server access logs. */
  public readonly accessLogsBucket: s3.Bucket;


  constructor(scope: Construct, id: string, props: RevisionBucketProps = {}) {
    super(scope, id);

    const problems = new Problems('RevisionBucket');
    const expiration = props.lifecycleNoncurrentVersionExpiration ?? DEFAULT_REVISION_NONCURRENT_VERSION_EXPIRATION;
    problems.wholeDuration('lifecycleNoncurrentVersionExpiration', expiration, DAY_MILLIS, { min: 1, unit: 'days' });
    problems.throwIfAny();

    // Grant S3 log delivery through a bucket policy, whatever the app's feature flags say: the ACL
    // alternative needs ACLs enabled on the log bucket. Context must be set before any child exists.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    const removalPolicy = props.removalPolicy ?? DEFAULT_REVISION_BUCKET_REMOVAL_POLICY;

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      // SSE-S3: S3 log delivery writes without any grant in a KMS key policy.
      encryption: s3.BucketEncryption.S3_MANAGED,
      // Logs are never public.
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Deny every request that does not use TLS.
      enforceSSL: true,
      // Keeps overwritten or deleted log objects recoverable.
      versioned: true,
      // ACLs disabled: the logging service writes through the bucket policy, restricted to the revision bucket.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
    });
    // No logging finding to acknowledge: cdk-nag counts a bucket that receives another bucket's
    // access logs as logged, so AwsSolutions-S1 and S3BucketLoggingEnabled pass on this bucket.
    Validations.of(this.accessLogsBucket).acknowledge(
      ...PACKS_WITH_S3_KMS_AND_REPLICATION_RULES.map((pack) => ({
        id: `${pack}-S3DefaultEncryptionKMS`,
        reason: 'Access logs are encrypted with S3-managed keys (SSE-S3) so that S3 log delivery needs no grant in a KMS key policy; they hold request records, not revisions',
      })),
      ...PACKS_WITH_S3_KMS_AND_REPLICATION_RULES.map((pack) => ({
        id: `${pack}-S3BucketReplicationEnabled`,
        reason: REPLICATION_REASON,
      })),
    );

    this.bucket = new s3.Bucket(this, 'Bucket', {
      // A customer managed key when given, otherwise SSE-S3, which CodeDeploy agents read without kms:Decrypt.
      encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: props.encryptionKey,
      // S3 Bucket Keys cut KMS requests (and their cost) when a customer managed key is used.
      bucketKeyEnabled: props.encryptionKey ? true : undefined,
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
      // Old revision versions expire instead of accumulating forever.
      lifecycleRules: [{ noncurrentVersionExpiration: expiration }],
      removalPolicy,
    });
    Validations.of(this.bucket).acknowledge(
      ...PACKS_WITH_S3_KMS_AND_REPLICATION_RULES.map((pack) => ({
        id: `${pack}-S3BucketReplicationEnabled`,
        reason: `${REPLICATION_REASON}; revisions can be rebuilt and uploaded again from their source`,
      })),
    );
    if (!props.encryptionKey) {
      // SSE-S3 is the default so that CodeDeploy agents on instances need no kms:Decrypt.
      Validations.of(this.bucket).acknowledge(
        ...PACKS_WITH_S3_KMS_AND_REPLICATION_RULES.map((pack) => ({
          id: `${pack}-S3DefaultEncryptionKMS`,
          reason: 'Encrypted with S3-managed keys (SSE-S3) by default so that CodeDeploy agents need no kms:Decrypt; pass encryptionKey to use a customer managed key',
        })),
      );
    }
  }

  /**
   * Lets `grantee` (an instance role) download revisions: `s3:GetObject` and `s3:GetObjectVersion`
   * on the matching objects, and `kms:Decrypt` on the encryption key if there is one.
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
}
