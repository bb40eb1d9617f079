import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Lets `grantee` download revisions from `bucket`: `s3:GetObject` and `s3:GetObjectVersion` on
 * the matching objects, and `kms:Decrypt` on the bucket's key if it has one. The CodeDeploy agent
 * downloads a revision by key and version; it never lists the bucket.
 */
export function grantRevisionRead(bucket: s3.IBucket, grantee: iam.IGrantable, objectsKeyPattern = '*'): iam.Grant {
  const grant = iam.Grant.addToPrincipalOrResource({
    grantee,
    actions: ['s3:GetObject', 's3:GetObjectVersion'],
    resourceArns: [bucket.arnForObjects(objectsKeyPattern)],
    resource: bucket,
  });
  // Objects encrypted with a customer managed key cannot be read without kms:Decrypt on it.
  return bucket.encryptionKey ? grant.combine(bucket.encryptionKey.grantDecrypt(grantee)) : grant;
}
