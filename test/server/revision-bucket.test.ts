import { App, Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { RevisionBucket } from '../../src/server/revision-bucket';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { ControlTowerRules } from '../support/control-tower';

// One checked synthesis, shared by every assertion: (a) defaults, (b) a KMS key, DESTROY, a 30-day
// expiration and 400 days of access logs, with a role granted read on every object, (c) a role
// granted read on 'releases/*', (d) what a governed account asks for: Object Lock, EventBridge
// notifications, and the account's own access-log bucket.
let app: App;
let result: CheckedSynth;
let defaults: { stack: Stack; revisions: RevisionBucket; template: Template };
let withKey: { stack: Stack; revisions: RevisionBucket; template: Template; key: kms.Key; role: iam.Role };
let granted: { stack: Stack; revisions: RevisionBucket; template: Template; role: iam.Role; grant: iam.Grant };
let governed: { stack: Stack; revisions: RevisionBucket; template: Template; central: s3.IBucket };

/** The CloudFormation logical id of a construct's L1 resource. */
function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as s3.CfnBucket);
}

/** `{ Fn::GetAtt: [<bucket>, Arn] }` */
function arnOf(bucket: s3.IBucket): unknown {
  return { 'Fn::GetAtt': [logicalId(bucket), 'Arn'] };
}

/** The ARN of the objects matching `pattern` in `bucket`, as synthesized. */
function objectsArn(bucket: s3.IBucket, pattern: string): unknown {
  return { 'Fn::Join': ['', [arnOf(bucket), `/${pattern}`]] };
}

/**
 * Test-only acknowledgements on a grantee role: its inline default policy and its object wildcard
 * are the user's choice, not the construct's.
 */
function acknowledgeGrantee(role: iam.Role, bucket: s3.Bucket, pattern: string): void {
  Validations.of(role).acknowledge(
    {
      id: `AwsSolutions-IAM5[Resource::<${logicalId(bucket)}.Arn>/${pattern}]`,
      reason: 'test grantee: downloading revisions needs the objects under a key prefix',
    },
    ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-IAMNoInlinePolicy`,
      reason: 'test grantee: the inline default policy is where aws-cdk-lib grants go',
    })),
  );
}

/** Every acknowledged rule id (without its plugin namespace), by construct path. */
function acknowledgements(): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const construct of app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        const ids = Object.keys(entry.data as Record<string, string>).map((id) => id.replace(/^[^-[]*::/, ''));
        (found[construct.node.path] ??= []).push(...ids);
      }
    }
  }
  for (const ids of Object.values(found)) {
    ids.sort();
  }
  return found;
}

const COMPLIANCE_PACKS = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];
const REPLICATION = COMPLIANCE_PACKS.map((pack) => `${pack}-S3BucketReplicationEnabled`);
const DEFAULT_ENCRYPTION_KMS = COMPLIANCE_PACKS.map((pack) => `${pack}-S3DefaultEncryptionKMS`);

beforeAll(() => {
  app = checkedApp({}, undefined, new ControlTowerRules());

  const a = new Stack(app, 'Defaults');
  const aRevisions = new RevisionBucket(a, 'Revisions');

  const b = new Stack(app, 'Kms');
  const key = new kms.Key(b, 'Key', { enableKeyRotation: true });
  const bRevisions = new RevisionBucket(b, 'Revisions', {
    encryptionKey: key,
    removalPolicy: RemovalPolicy.DESTROY,
    lifecycleNoncurrentVersionExpiration: Duration.days(30),
    accessLogsRetention: Duration.days(400),
  });
  const bRole = new iam.Role(b, 'InstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  bRevisions.grantRead(bRole);
  acknowledgeGrantee(bRole, bRevisions.bucket, '*');

  const c = new Stack(app, 'Grant');
  const cRevisions = new RevisionBucket(c, 'Revisions');
  const cRole = new iam.Role(c, 'InstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  const grant = cRevisions.grantRead(cRole, 'releases/*');
  acknowledgeGrantee(cRole, cRevisions.bucket, 'releases/*');

  const d = new Stack(app, 'Governed');
  const central = s3.Bucket.fromBucketName(d, 'CentralAccessLogs', 'central-access-logs-111111111111');
  const dRevisions = new RevisionBucket(d, 'Revisions', {
    objectLock: true,
    eventBridgeNotifications: true,
    accessLogsBucket: central,
    accessLogsPrefix: 'revisions/',
  });

  result = checkedSynth(app);
  governed = { stack: d, revisions: dRevisions, template: result.template(d), central };
  defaults = { stack: a, revisions: aRevisions, template: result.template(a) };
  withKey = { stack: b, revisions: bRevisions, template: result.template(b), key, role: bRole };
  granted = { stack: c, revisions: cRevisions, template: result.template(c), role: cRole, grant };
});

describe('checks', () => {
  test('CloudFormation finds nothing', () => {
    expect(result.templateFindings).toEqual([]);
  });

  test('cdk-nag finds nothing unacknowledged', () => {
    expect(result.nagFindings).toEqual([]);
  });

  test('each acknowledgement names single findings on the bucket that cannot satisfy them', () => {
    expect(acknowledgements()).toEqual({
      // SSE-KMS, with the AWS managed key or a customer managed one, satisfies S3DefaultEncryptionKMS.
      'Defaults/Revisions/Bucket': [...REPLICATION].sort(),
      'Defaults/Revisions/AccessLogsBucket': [...DEFAULT_ENCRYPTION_KMS, ...REPLICATION].sort(),
      'Kms/Revisions/Bucket': [...REPLICATION].sort(),
      'Kms/Revisions/AccessLogsBucket': [...DEFAULT_ENCRYPTION_KMS, ...REPLICATION].sort(),
      'Kms/InstanceRole': expect.any(Array),
      'Grant/Revisions/Bucket': [...REPLICATION].sort(),
      'Grant/Revisions/AccessLogsBucket': [...DEFAULT_ENCRYPTION_KMS, ...REPLICATION].sort(),
      'Grant/InstanceRole': expect.any(Array),
      'Governed/Revisions/Bucket': [...REPLICATION].sort(),
    });
  });

  test('no logging finding is acknowledged anywhere: both buckets pass S1 and S3BucketLoggingEnabled', () => {
    const ids = Object.values(acknowledgements()).flat();
    expect(ids.filter((id) => id === 'AwsSolutions-S1' || id.endsWith('-S3BucketLoggingEnabled'))).toEqual([]);
  });
});

describe('defaults', () => {
  test('construct ids are part of the contract', () => {
    expect(defaults.revisions.bucket.node.path).toEqual('Defaults/Revisions/Bucket');
    expect(defaults.revisions.accessLogsBucket.node.path).toEqual('Defaults/Revisions/AccessLogsBucket');
  });

  test('two buckets, each with a bucket policy, and nothing else', () => {
    defaults.template.resourceCountIs('AWS::S3::Bucket', 2);
    defaults.template.resourceCountIs('AWS::S3::BucketPolicy', 2);
    expect(Object.keys(defaults.template.toJSON().Resources)).toHaveLength(4);
  });

  test('the revision bucket is versioned, SSE-KMS encrypted with the AWS managed key, private, ACL-free, logged and expires old versions', () => {
    const { accessLogsBucket } = defaults.revisions;
    defaults.template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.exact({
        VersioningConfiguration: { Status: 'Enabled' },
        // No KMSMasterKeyID: S3 uses the AWS managed key aws/s3.
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(accessLogsBucket) } },
        LifecycleConfiguration: { Rules: [{ NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' }] },
      }),
    });
  });

  test('the access-log bucket is versioned, SSE-S3 encrypted, private, ACL-free, retained, and its logs expire after a year', () => {
    defaults.template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.exact({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: { Rules: [{ ExpirationInDays: 365, NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' }] },
      }),
    });
  });

  test('no Object Lock and no event notifications', () => {
    for (const bucket of Object.values(defaults.template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
      expect(bucket.Properties.NotificationConfiguration).toBeUndefined();
    }
  });

  test('Control Tower: no library bucket fails CT.S3.PR.10, CT.S3.PR.6 or CT.S3.PR.3, and only the access-log bucket fails what AWS rules out for it', () => {
    const found = result.controlTowerFindings.filter((f) => f.where.startsWith('Defaults/'));
    expect(found.every((f) => f.byLibrary)).toBe(true);
    expect(found.map((f) => `${f.control} ${f.where}`)).toEqual([
      'CT.S3.PR.10 Defaults/Revisions/AccessLogsBucket/Resource',
      'CT.S3.PR.2 Defaults/Revisions/AccessLogsBucket/Resource',
      'CT.S3.PR.4 Defaults/Revisions/AccessLogsBucket/Resource',
      'CT.S3.PR.9 Defaults/Revisions/AccessLogsBucket/Resource',
      'CT.S3.PR.4 Defaults/Revisions/Bucket/Resource',
      'CT.S3.PR.9 Defaults/Revisions/Bucket/Resource',
    ]);
  });

  test.each([
    ['revision', (r: RevisionBucket) => r.bucket],
    ['access-log', (r: RevisionBucket) => r.accessLogsBucket],
  ])('the %s bucket denies every request without TLS', (_name, which) => {
    const bucket = which(defaults.revisions);
    defaults.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Resource: [arnOf(bucket), objectsArn(bucket, '*')],
        }]),
      },
    });
  });

  test('S3 log delivery writes through the log bucket policy, for the revision bucket of this account only', () => {
    const { bucket, accessLogsBucket } = defaults.revisions;
    defaults.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(accessLogsBucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: 's3:PutObject',
          Condition: {
            ArnLike: { 'aws:SourceArn': arnOf(bucket) },
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          },
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Resource: objectsArn(accessLogsBucket, '*'),
        }]),
      },
    });
  });

  test('the revision bucket policy holds only the TLS statement', () => {
    defaults.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(defaults.revisions.bucket) },
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny' })] },
    });
  });
});

describe('a customer managed key, DESTROY and a 30-day expiration', () => {
  test('the revision bucket is encrypted with the key and an S3 Bucket Key', () => {
    withKey.template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.anyValue(),
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [withKey.stack.getLogicalId(withKey.key.node.defaultChild as kms.CfnKey), 'Arn'] } },
        }],
      },
    });
  });

  test('the access-log bucket keeps S3-managed keys', () => {
    withKey.template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.absent(),
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
  });

  test('old versions of revisions and of access logs expire after 30 days, access logs after 400', () => {
    withKey.template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.anyValue(),
      LifecycleConfiguration: { Rules: [{ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }] },
    });
    withKey.template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.absent(),
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 400, NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }] },
    });
  });

  test('both buckets are deleted with the stack, and no auto-delete custom resource is created', () => {
    const buckets = Object.values(withKey.template.findResources('AWS::S3::Bucket'));
    expect(buckets.map((b) => [b.DeletionPolicy, b.UpdateReplacePolicy])).toEqual([['Delete', 'Delete'], ['Delete', 'Delete']]);
    withKey.template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    withKey.template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('grantRead without a pattern covers every object and adds kms:Decrypt on the key', () => {
    withKey.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: withKey.stack.getLogicalId(withKey.role.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: Match.exact([
          { Action: ['s3:GetObject', 's3:GetObjectVersion'], Effect: 'Allow', Resource: objectsArn(withKey.revisions.bucket, '*') },
          { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [withKey.stack.getLogicalId(withKey.key.node.defaultChild as kms.CfnKey), 'Arn'] } },
        ]),
      },
    });
  });
});

describe('Object Lock, EventBridge notifications and the account\'s own access-log bucket', () => {
  test('one bucket: the revision bucket, with Object Lock and EventBridge notifications, logging to the given bucket under the prefix', () => {
    governed.template.resourceCountIs('AWS::S3::Bucket', 1);
    governed.template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      VersioningConfiguration: { Status: 'Enabled' },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      LoggingConfiguration: { DestinationBucketName: 'central-access-logs-111111111111', LogFilePrefix: 'revisions/' },
    });
    expect(governed.revisions.accessLogsBucket).toBe(governed.central);
  });

  test('EventBridge notifications need no custom resource and no function', () => {
    governed.template.resourceCountIs('Custom::S3BucketNotifications', 0);
    governed.template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('Control Tower: no finding at all', () => {
    expect(result.controlTowerFindings.filter((f) => f.where.startsWith('Governed/'))).toEqual([]);
  });

  test('an access-log bucket created with EventBridge notifications sends its events too', () => {
    const stack = new Stack(new App(), 'Stack');
    new RevisionBucket(stack, 'Revisions', { eventBridgeNotifications: true });
    const buckets = Object.values(Template.fromStack(stack).findResources('AWS::S3::Bucket'));
    expect(buckets.map((b) => b.Properties.NotificationConfiguration)).toEqual([
      { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    ]);
  });
});

describe('grantRead', () => {
  test('grants exactly s3:GetObject and s3:GetObjectVersion on the matching objects, no ListBucket, no KMS', () => {
    granted.template.resourceCountIs('AWS::IAM::Policy', 1);
    granted.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: granted.stack.getLogicalId(granted.role.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: Match.exact([
          { Action: ['s3:GetObject', 's3:GetObjectVersion'], Effect: 'Allow', Resource: objectsArn(granted.revisions.bucket, 'releases/*') },
        ]),
      },
    });
  });

  test('adds nothing to the revision bucket policy for a same-account role', () => {
    expect(granted.grant.success).toBe(true);
    expect(granted.grant.resourceStatements).toEqual([]);
    granted.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(granted.revisions.bucket) },
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny' })] },
    });
  });
});

describe('validation', () => {
  test.each([
    [Duration.hours(12), 'RevisionBucket at Stack/Revisions: lifecycleNoncurrentVersionExpiration must be a whole number of days of at least 1, got 0.5 days'],
    [Duration.days(0), 'RevisionBucket at Stack/Revisions: lifecycleNoncurrentVersionExpiration must be a whole number of days of at least 1, got 0 days'],
    [Duration.hours(36), 'RevisionBucket at Stack/Revisions: lifecycleNoncurrentVersionExpiration must be a whole number of days of at least 1, got 1.5 days'],
  ])('lifecycleNoncurrentVersionExpiration %s is rejected', (expiration, message) => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new RevisionBucket(stack, 'Revisions', { lifecycleNoncurrentVersionExpiration: expiration })).toThrow(new Error(message));
  });

  test.each([
    [Duration.hours(12), 'RevisionBucket at Stack/Revisions: accessLogsRetention must be a whole number of days of at least 1, got 0.5 days'],
    [Duration.days(0), 'RevisionBucket at Stack/Revisions: accessLogsRetention must be a whole number of days of at least 1, got 0 days'],
  ])('accessLogsRetention %s is rejected', (retention, message) => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new RevisionBucket(stack, 'Revisions', { accessLogsRetention: retention })).toThrow(new Error(message));
  });

  test('accessLogsRetention with accessLogsBucket is rejected, with every other problem', () => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new RevisionBucket(stack, 'Revisions', {
      accessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'logs'),
      accessLogsRetention: Duration.days(30),
      lifecycleNoncurrentVersionExpiration: Duration.days(0),
    })).toThrow(new Error([
      'RevisionBucket at Stack/Revisions: lifecycleNoncurrentVersionExpiration must be a whole number of days of at least 1, got 0 days',
      'RevisionBucket at Stack/Revisions: accessLogsRetention applies only to the access-log bucket this construct creates, got accessLogsBucket as well',
    ].join('\n')));
  });

  test('an unresolved expiration is left to deploy time', () => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new RevisionBucket(stack, 'Revisions', {
      lifecycleNoncurrentVersionExpiration: Duration.days(Lazy.number({ produce: () => 7 })),
    })).not.toThrow();
  });
});
