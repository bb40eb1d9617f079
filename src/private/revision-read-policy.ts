import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './acknowledge-wildcard';

/**
 * Read-only access to the revisions for a fleet's roles, as a customer managed policy (the HIPAA,
 * NIST and PCI cdk-nag packs reject inline policies).
 *
 * The CodeDeploy user guide gives instance and on-premises roles `s3:Get*` and `s3:List*` and recommends
 * restricting them to the buckets the servers need (Step 1 of
 * https://docs.aws.amazon.com/codedeploy/latest/userguide/register-on-premises-instance-iam-session-arn.html).
 * The agent downloads a revision with GetObject only, with a version id when the revision names
 * one (`download_from_s3` in
 * https://github.com/aws/aws-codedeploy-agent/blob/master/lib/instance_agent/plugins/codedeploy/command_executor.rb),
 * so it needs `s3:GetObject` and `s3:GetObjectVersion` on the objects and no `s3:ListBucket`.
 */
export function revisionReadPolicy(scope: Construct, bucket: s3.IBucket, roles: iam.IRole[]): iam.ManagedPolicy {
  const policy = emptyRevisionReadPolicy(scope, roles);
  grantBucketRevisions(policy, bucket);
  return policy;
}

/** The fleet's revision read policy before anything is granted in it: fill it before synthesis. */
export function emptyRevisionReadPolicy(scope: Construct, roles: iam.IRole[]): iam.ManagedPolicy {
  return new iam.ManagedPolicy(scope, 'RevisionReadPolicy', { description: 'Lets the fleet download CodeDeploy revisions', roles });
}

/** Lets the policy's roles read every object of a revision bucket (and decrypt with its key, if it has one). */
export function grantBucketRevisions(policy: iam.ManagedPolicy, bucket: s3.IBucket): void {
  const objects = bucket.arnForObjects('*');
  policy.addStatements(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [objects] }));
  if (bucket.encryptionKey) {
    policy.addStatements(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [bucket.encryptionKey.keyArn] }));
  }
  acknowledgeWildcardResource(policy, objects,
    'The objects of the revision bucket only, read-only (s3:GetObject, s3:GetObjectVersion): revision keys are chosen per deployment');
}
