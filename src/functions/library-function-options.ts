import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * How one of the library's own Lambda functions runs: the server deployer (`deployer` of a
 * `ServerRollout`: the function behind its `RevisionDeployment`s and blue/green groups) or the
 * traffic hook (`trafficHook` of a `LambdaRollout`: the function behind `smokeTest`, `keepVersions`
 * and `bakeTime`). Each is one function per stack: the first rollout that uses it sets these
 * options, and a later rollout may give the same options or none.
 *
 * Governed accounts may require a function's log group to be encrypted with a customer managed
 * key (AWS Control Tower CT.CLOUDWATCH.PR.3) and the function to run in a VPC (CT.LAMBDA.PR.3):
 * docs/governed-accounts.md.
 */
export interface LibraryFunctionOptions {
  /**
   * Customer managed key that encrypts the function's log group. The log group then gets a name
   * fixed at synth, and the key's policy lets CloudWatch Logs of the stack's Region use the key
   * for that log group only (an imported key's policy cannot be changed: the rollout says what to
   * add). Changing this replaces the log group.
   *
   * @default - CloudWatch Logs' own encryption at rest
   */
  readonly logGroupEncryptionKey?: kms.IKey;

  /**
   * VPC to run the function in. It calls AWS APIs over HTTPS (the server deployer: CodeDeploy,
   * Lambda and Amazon S3, for CloudFormation's presigned response URL; the traffic hook:
   * CodeDeploy, Lambda, Systems Manager and CloudWatch), so the subnets need a route to them: a
   * NAT gateway, or interface endpoints for those services (and the S3 gateway endpoint). Its role
   * may create and delete the function's network interfaces in these subnets and security groups only.
   *
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of `vpc` for the function's network interfaces.
   *
   * @default - the VPC's private subnets with egress (aws-cdk-lib's default for functions)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the function's network interfaces: 1 to 5.
   *
   * @default - one security group that allows outbound HTTPS (TCP 443) only, and no inbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The Node.js runtime the function runs on, Node.js 22 or later.
   *
   * Its code is built for Node.js 22. Pin a runtime to keep the function unchanged across
   * aws-cdk-lib upgrades, or to meet an account's runtime rule. A runtime you choose is yours to
   * keep current: the library then tells cdk-nag nothing about it.
   *
   * @default - aws-cdk-lib's latest Node.js runtime for the stack's Region (`lambda.determineLatestNodeRuntime`)
   */
  readonly runtime?: lambda.Runtime;
}
