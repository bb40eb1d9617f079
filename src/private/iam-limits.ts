import { S3_NAMES } from './s3-limits';

/** IAM limits checked or planned for at synth time. */

/**
 * IAM role names and session durations.
 *
 * Source: IAM API reference, CreateRole
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html): RoleName "Minimum
 * length of 1. Maximum length of 64", pattern `[\w+=,.@-]+`; MaxSessionDuration "can have a value
 * from 1 hour to 12 hours", in seconds (3600 to 43200).
 */
export const IAM_ROLE = {
  roleName: {
    minLength: 1,
    maxLength: 64,
    pattern: /^[\w+=,.@-]+$/,
    allowedCharacters: 'letters, digits and + = , . @ _ -',
  },
  maxSessionDuration: { min: 3600, max: 43200, unit: 'seconds' },
} as const;

/**
 * IAM and ARN sizes the shared service role's policies are packed by.
 *
 * Source: IAM User Guide, "IAM and AWS STS quotas": "Managed policy size: 6,144 characters"
 * (white space not counted). ARN bounds from the parts' documented maximums: partition
 * (`aws-us-gov`, 10), Region (14), account (12), Lambda function name (64, Lambda API reference,
 * CreateFunction), SNS topic name (256, SNS API reference, CreateTopic), CodeDeploy application,
 * deployment group and deployment config names (100 each, CodeDeploy API reference) and S3
 * bucket names (`S3_NAMES`).
 */
export const IAM_POLICY = {
  managedPolicyMaxCharacters: 6144,
  /** `arn:<partition>:<service>:<region>:<account>:` at its longest, without the service. */
  maxArnPrefixLength: 4 + 10 + 1 + 1 + 14 + 1 + 12 + 1,
  /** `arn:<partition>:lambda:<region>:<account>:function:<name>` at its longest. */
  maxFunctionArnLength: 4 + 10 + 8 + 14 + 1 + 12 + 10 + 64,
  /** `arn:<partition>:sns:<region>:<account>:<name>` at its longest. */
  maxTopicArnLength: 4 + 10 + 5 + 14 + 1 + 12 + 1 + 256,
  /** `arn:<partition>:codedeploy:<region>:<account>:application:<name>` at its longest. */
  maxApplicationArnLength: 4 + 10 + 12 + 14 + 1 + 12 + 13 + 100,
  /** `arn:<partition>:codedeploy:<region>:<account>:deploymentgroup:<application>/<group>` at its longest. */
  maxDeploymentGroupArnLength: 4 + 10 + 12 + 14 + 1 + 12 + 17 + 100 + 1 + 100,
  /** `arn:<partition>:codedeploy:<region>:<account>:deploymentconfig:<name>` at its longest. */
  maxDeploymentConfigArnLength: 4 + 10 + 12 + 14 + 1 + 12 + 18 + 100,
  /** `arn:<partition>:iam::<account>:role/<path><name>` at its longest (paths up to 512, names up to 64 characters). */
  maxRoleArnLength: 4 + 10 + 6 + 12 + 5 + 512 + 64,
  /** `arn:<partition>:s3:::<bucket>/` at its longest, without the key. */
  maxBucketObjectsArnPrefixLength: 4 + 10 + 6 + S3_NAMES.maxBucketNameLength + 1,
} as const;
