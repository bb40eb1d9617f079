import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';

/**
 * How the stack's server deployer runs: the one Lambda function that serves every
 * `RevisionDeployment` and blue/green deployment group of a stack. Governed accounts may require
 * its log group to be encrypted with a customer managed key (Control Tower CT.CLOUDWATCH.PR.3) and
 * the function to run in a VPC (CT.LAMBDA.PR.3).
 */
export interface ServerDeployerOptions {
  /**
   * Customer managed key that encrypts the deployer's log group. The log group then gets a name
   * fixed at synth, and the key's policy lets CloudWatch Logs of the stack's Region use the key
   * for that log group only (an imported key's policy cannot be changed: the rollout says what to
   * add). Changing this replaces the log group.
   *
   * @default - CloudWatch Logs' own encryption at rest
   */
  readonly logGroupEncryptionKey?: kms.IKey;

  /**
   * VPC to run the deployer in. It calls CodeDeploy, Lambda (to continue a long deployment) and
   * Amazon S3 (CloudFormation's presigned response URL) over HTTPS, so the subnets need a route to
   * them: a NAT gateway, or interface endpoints for CodeDeploy and Lambda and the S3 gateway
   * endpoint. Its role may create and delete the function's network interfaces in these subnets
   * and security groups only.
   *
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of `vpc` for the deployer's network interfaces.
   *
   * @default - the VPC's private subnets with egress (aws-cdk-lib's default for functions)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the deployer's network interfaces: 1 to 5.
   *
   * @default - one security group that allows outbound HTTPS (TCP 443) only, and no inbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}
