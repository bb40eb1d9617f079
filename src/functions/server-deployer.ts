import { Annotations, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeRegionalRuntime } from './function-runtime';
import { ServerDeployerOptions } from './server-deployer-options';
import { ServerDeployerFunction } from '../handlers/server-deployer-function';
import { acknowledge } from '../private/acknowledge';
import { acknowledgeWildcardResource } from '../private/acknowledge-wildcard';
import { LAMBDA_VPC } from '../private/codedeploy-limits';
import { DEFAULT_SERVER_DEPLOYER_LOG_RETENTION } from '../private/defaults';
import { RolloutPolicies } from '../private/rollout-service-role';
import { constructError, Problems } from '../private/validation';

/**
 * CodeDeploy actions the deployer calls that may take no resource ARN: the archived Service
 * Authorization Reference lists no resource type for StopDeployment (awsdocs/iam-user-guide,
 * doc_source/list_awscodedeploy.md; https://github.com/awsdocs/aws-codedeploy-user-guide/issues/18
 * reports the same) and predates the deployment-target reads, which published policies grant on `*`.
 * Scoping them to the deployment group would deny them: a timed-out deployment would keep running,
 * and a failure would lose its instance diagnostics.
 */
const UNSCOPED_DEPLOYMENT_ACTIONS = ['codedeploy:StopDeployment', 'codedeploy:ListDeploymentTargets', 'codedeploy:BatchGetDeploymentTargets'];

/**
 * Construct id of the provider shared by every `RevisionDeployment` and blue/green group in a stack.
 * It keeps the name the class had before it served blue/green groups too: the function's logical id
 * follows it, and a custom resource's ServiceToken cannot change ("Updates aren't supported",
 * AWS::CloudFormation::CustomResource in the CloudFormation Template Reference; the update fails
 * with "Modifying service token is not allowed", aws-cloudformation/cloudformation-coverage-roadmap#802),
 * so a new id would fail the next update of every stack that already has one.
 */
const SERVER_DEPLOYER_ID = 'RevisionDeployer';

/**
 * The custom resource provider of every `RevisionDeployment` in a stack: one function, its role,
 * its log group and its policies. Each deployment adds its exact permissions to the shared
 * policies, so N deployments cost N custom resources and no new provider.
 *
 * The function answers CloudFormation itself (no provider framework: no state machine and no
 * extra functions) and, when a deployment outlives one invocation, invokes itself again to keep
 * watching, which is why its role may invoke it.
 */
export class ServerDeployer extends Construct {
  /**
   * The provider of `scope`'s stack, created on first use with `options`. One deployer serves the
   * stack, so a later rollout may not ask for other options; one without options takes it as it is.
   *
   * @param scope the rollout (or a construct of it) that needs the deployer
   * @param options the rollout's `deployer`
   */
  public static of(scope: IConstruct, options?: ServerDeployerOptions): ServerDeployer {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SERVER_DEPLOYER_ID) as ServerDeployer | undefined;
    if (!existing) {
      return new ServerDeployer(stack, SERVER_DEPLOYER_ID, options ?? {}, scope.node.path);
    }
    if (options && !sameOptions(existing.options, options)) {
      throw constructError('ServerRollout', scope, `deployer differs from the deployer options of ${existing.createdFor}, `
        + 'which created the one server deployer of the stack; give every rollout of a stack the same deployer options (or none after the first)');
    }
    return existing;
  }

  public readonly function: ServerDeployerFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  /** Logging, invoking itself, stopping deployments and reading their targets: every deployment waits for it. */
  public readonly basePolicy: iam.ManagedPolicy;
  /** Each deployment's CodeDeploy and Amazon S3 permissions, on exact ARNs. */
  public readonly policies: RolloutPolicies;
  /** The function's network interfaces, when it runs in a VPC. */
  public readonly securityGroups?: ec2.ISecurityGroup[];

  private constructor(scope: Construct, id: string, private readonly options: ServerDeployerOptions, private readonly createdFor: string) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Deploys CodeDeploy revisions for the RevisionDeployments of this stack',
    });
    const key = options.logGroupEncryptionKey;
    const logGroupName = key ? `/cdk-codedeploy-rollouts/${Names.uniqueResourceName(this, { maxLength: 480, separator: '-' })}` : undefined;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: DEFAULT_SERVER_DEPLOYER_LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
      // A key policy that names the log group must know its ARN at synth: referring to the log
      // group from the key it depends on would be a cycle.
      logGroupName,
      encryptionKey: key,
    });
    if (key) {
      allowLogsToUseKey(this, key, logGroupName!);
    }
    const vpc = options.vpc;
    this.securityGroups = vpc ? options.securityGroups ?? [httpsOnlySecurityGroup(this, vpc)] : undefined;
    const vpcAccess = vpc ? new iam.ManagedPolicy(this, 'VpcAccessPolicy', {
      description: 'Lets the server deployer function create and delete its network interfaces in its subnets and security groups',
      roles: [this.role],
      statements: vpcAccessStatements(this, vpc.selectSubnets(options.vpcSubnets).subnetIds, this.securityGroups!),
    }) : undefined;
    this.function = new ServerDeployerFunction(this, 'Function', {
      description: 'Deploys a CodeDeploy revision during cdk deploy and reports CodeDeploy\'s verdict to CloudFormation',
      role: this.role,
      logGroup: this.logGroup,
      memorySize: 256,
      // One invocation watches for as long as Lambda allows; a longer deployment continues in the next.
      timeout: Duration.minutes(15),
      vpc,
      vpcSubnets: vpc ? options.vpcSubnets : undefined,
      securityGroups: this.securityGroups,
    });
    if (vpcAccess) {
      // Lambda checks at creation that the role may create the function's network interfaces.
      this.function.node.addDependency(vpcAccess);
      acknowledgeVpcAccess(vpcAccess);
    }
    // No statement may reference the function from the role's own default policy: the function
    // depends on that policy, so the ARN would make a cycle. The deployments depend on this one.
    this.basePolicy = new iam.ManagedPolicy(this, 'BasePolicy', {
      description: 'Lets the server deployer write its logs, continue a long deployment in a new invocation, stop deployments and read their targets',
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
        new iam.PolicyStatement({ actions: UNSCOPED_DEPLOYMENT_ACTIONS, resources: ['*'] }),
      ],
    });
    acknowledge(this.basePolicy, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${UNSCOPED_DEPLOYMENT_ACTIONS.join(', ')} support no resource-level permission; the deployer calls them only for the deployments it started`,
    });
    this.policies = new RolloutPolicies(this, 'DeploymentPolicies', this.role);
    acknowledgeWildcardResource(this.basePolicy, this.logGroup.logGroupArn,
      'A log group ARN ends in :* to cover its log streams; this is the deployer\'s own log group');
    acknowledgeFunctionFindings(this.function, vpc !== undefined);
    acknowledgeRegionalRuntime(this.function);
    if (!key) {
      acknowledge(this.logGroup, ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
        id: `${pack}-CloudWatchLogGroupEncrypted`,
        reason: 'CloudWatch Logs encrypts every log group at rest; this one holds deployment ids and CodeDeploy\'s script diagnostics, no secrets',
      })));
    }
  }
}

/** Checks a rollout's `deployer` options: subnets and security groups need a VPC; 1 to 5 security groups. */
export function checkDeployerOptions(problems: Problems, options: ServerDeployerOptions | undefined): void {
  if (!options) {
    return;
  }
  if (!options.vpc && (options.vpcSubnets || options.securityGroups)) {
    problems.add('deployer.vpcSubnets and deployer.securityGroups need deployer.vpc, got no vpc');
  }
  const groups = options.securityGroups;
  if (groups && (groups.length < LAMBDA_VPC.securityGroups.min || groups.length > LAMBDA_VPC.securityGroups.max)) {
    problems.add(`deployer.securityGroups must hold ${LAMBDA_VPC.securityGroups.min} to ${LAMBDA_VPC.securityGroups.max} security groups, got ${groups.length}`);
  }
}

/**
 * Whether two rollouts ask for the same deployer: the same key, VPC, selected subnets (two equal
 * selections written twice are the same) and security groups.
 */
function sameOptions(a: ServerDeployerOptions, b: ServerDeployerOptions): boolean {
  const groups = (o: ServerDeployerOptions) => o.securityGroups ?? [];
  const subnets = (o: ServerDeployerOptions) => (o.vpc ? o.vpc.selectSubnets(o.vpcSubnets).subnetIds.join(',') : '');
  return a.logGroupEncryptionKey === b.logGroupEncryptionKey
    && a.vpc === b.vpc
    && subnets(a) === subnets(b)
    && groups(a).length === groups(b).length && groups(a).every((group, i) => group === groups(b)[i]);
}

/**
 * Lets CloudWatch Logs of the stack's Region use the key for this log group only. CloudWatch Logs
 * User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html): the key
 * policy allows `logs.<Region>.amazonaws.com` these actions, with the log group's ARN as the
 * `kms:EncryptionContext:aws:logs:arn` condition. The Lambda function needs no KMS permission: the
 * CloudWatch Logs service encrypts what it receives. The guide's policy also lists `kms:Describe*`
 * under that condition, but DescribeKey carries no encryption context (the Service Authorization
 * Reference gives it no such condition key), so that grant could never apply: it is left out, and
 * the IAM conformance suite checks that every condition key applies to its actions.
 */
function allowLogsToUseKey(scope: Construct, key: kms.IKey, logGroupName: string): void {
  const stack = Stack.of(scope);
  const logGroupArn = `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${logGroupName}`;
  const added = key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
  }), /* allowNoOp */ true);
  if (!added.statementAdded) {
    Annotations.of(scope).addWarningV2('cdk-codedeploy-rollouts:logGroupKeyPolicy',
      `deployer.logGroupEncryptionKey is imported, so its key policy cannot be changed here: allow logs.${stack.region}.amazonaws.com `
      + `kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt* and kms:GenerateDataKey* with kms:EncryptionContext:aws:logs:arn the ARN of log group ${logGroupName}, `
      + 'or CloudWatch Logs cannot create the log group');
  }
}

/** A security group for the deployer's network interfaces: no inbound, outbound HTTPS only (every API it calls). */
function httpsOnlySecurityGroup(scope: Construct, vpc: ec2.IVpc): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc,
    // The text it was created with: a security group's description cannot change without replacing
    // the group, which a function in a VPC holds on to through its network interfaces.
    description: 'Revision deployer: outbound HTTPS to CodeDeploy, Lambda and Amazon S3',
    allowAllOutbound: false,
  });
  group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the AWS APIs the deployer calls');
  return group;
}

/**
 * What Lambda needs to attach the function to the VPC. Lambda Developer Guide, "Giving Lambda
 * functions access to resources in an Amazon VPC"
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html): the execution role needs
 * ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DescribeSubnets, DeleteNetworkInterface,
 * AssignPrivateIpAddresses and UnassignPrivateIpAddresses. Creating an interface is limited to the
 * function's subnets and security groups; the interfaces' ids are Lambda's, known only at run
 * time; the two Describe actions support no resource-level permissions.
 */
function vpcAccessStatements(scope: Construct, subnetIds: string[], securityGroups: ec2.ISecurityGroup[]): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const ec2Arn = (resource: string) => `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:${resource}`;
  return [
    new iam.PolicyStatement({
      actions: ['ec2:CreateNetworkInterface'],
      resources: [
        ec2Arn('network-interface/*'),
        ...subnetIds.map((id) => ec2Arn(`subnet/${id}`)),
        ...securityGroups.map((group) => ec2Arn(`security-group/${group.securityGroupId}`)),
      ],
    }),
    new iam.PolicyStatement({
      actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      resources: [ec2Arn('network-interface/*')],
    }),
    new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }),
  ];
}

/** The two wildcards of the VPC access policy, each for its reason. */
function acknowledgeVpcAccess(policy: iam.ManagedPolicy): void {
  const stack = Stack.of(policy);
  acknowledge(policy, {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets support no resource-level permissions',
  });
  acknowledgeWildcardResource(policy, `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:network-interface/*`,
    'Lambda creates the deployer\'s network interfaces at run time, so their ids are unknown; creating one is limited to the deployer\'s subnets and security groups');
}

/** The findings a CloudFormation custom resource handler keeps, each for its reason. */
function acknowledgeFunctionFindings(fn: Construct, inVpc: boolean): void {
  acknowledge(fn,
    ...(inVpc ? [] : ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-LambdaInsideVPC`,
      reason: 'the deployer only calls the CodeDeploy and Lambda APIs and answers a presigned CloudFormation URL; a VPC would need NAT or endpoints (deployer.vpc)',
    }))),
    ...['HIPAA.Security', 'NIST.800.53.R5'].map((pack) => ({
      id: `${pack}-LambdaConcurrency`,
      reason: 'invoked only by CloudFormation, once per RevisionDeployment change; reserved concurrency fails in accounts at the default quota',
    })),
    ...['HIPAA.Security', 'NIST.800.53.R5', 'Serverless'].map((pack) => ({
      id: `${pack}-LambdaDLQ`,
      reason: 'the deployer answers CloudFormation on every path; an event it could not handle leaves nothing to redrive, CloudFormation times it out',
    })),
    {
      id: 'Serverless-LambdaTracing',
      reason: 'X-Ray needs xray:PutTraceSegments on * in the deployer role; the deployer logs one line per state change instead',
    },
  );
}
