import { Annotations, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeRegionalRuntime, LIBRARY_FUNCTION_MIN_NODE_VERSION } from './function-runtime';
import { LibraryFunctionOptions } from './library-function-options';
import { acknowledge } from '../private/acknowledge';
import { acknowledgeWildcardResource } from '../private/acknowledge-wildcard';
import { LAMBDA_VPC } from '../private/codedeploy-limits';
import { constructError, Problems } from '../private/validation';

/** What a library function's generated class takes (`*Function` in src/handlers/). */
export interface GeneratedFunctionProps extends lambda.FunctionOptions {
  readonly runtime?: lambda.Runtime;
}

/** What sets one of the library's functions apart from the other: its names, its code, its logs and its reasons. */
export interface LibraryFunctionKind {
  /** Its name in descriptions and messages, e.g. `server deployer`. */
  readonly title: string;
  /** The construct whose prop holds its options, e.g. `ServerRollout`. */
  readonly optionsOwner: string;
  /** That prop, e.g. `deployer`. */
  readonly optionsProp: string;
  readonly roleDescription: string;
  readonly functionDescription: string;
  readonly basePolicyDescription: string;
  /**
   * Description of the HTTPS-only security group the function gets in a VPC without security groups
   * of the user's. A security group's description cannot change without replacing the group, which
   * a function in a VPC holds on to through its network interfaces: keep it once released.
   */
  readonly securityGroupDescription: string;
  readonly logRetention: logs.RetentionDays;
  readonly environment?: Record<string, string>;
  /** Why the findings the function keeps do not apply to it, one reason each. */
  readonly reasons: {
    /** LambdaInsideVPC, when it runs outside a VPC: what it calls. */
    readonly outsideVpc: string;
    /** LambdaConcurrency: who invokes it, and how often. */
    readonly concurrency: string;
    /** LambdaDLQ: why a failed event leaves nothing to redrive. */
    readonly deadLetterQueue: string;
    /** Serverless-LambdaTracing. */
    readonly tracing: string;
    /** CloudWatchLogGroupEncrypted, without a customer managed key: what the logs hold. */
    readonly logGroupEncryption: string;
  };
  /** Creates the function: the generated class of its handler. */
  createFunction(scope: Construct, id: string, props: GeneratedFunctionProps): lambda.Function;
}

/** The cdk-nag packs that ask for a function in a VPC and for an encrypted log group. */
const PACKS_WITH_VPC_AND_LOG_KEY_RULES = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];

/**
 * One of the library's own Lambda functions, one per stack (the server deployer, the traffic
 * hook): its role, its log group (under a customer managed key if asked, with the key policy
 * grant to CloudWatch Logs), its place in a VPC if asked (subnets, security groups, the policy
 * for its network interfaces), its base policy (its logs, invoking itself), and the cdk-nag
 * findings such a function keeps, each for its reason. Each kind adds its own statements to the
 * base policy and its own policies for what the rollouts grant it.
 */
export abstract class LibraryFunction extends Construct {
  /**
   * The function of kind `id` in `scope`'s stack, created on first use with `options`. One serves
   * the stack, so a later request may not ask for other options; one without options takes it as
   * it is.
   */
  protected static sharedIn<T extends LibraryFunction>(
    scope: IConstruct, id: string, options: LibraryFunctionOptions | undefined,
    create: (stack: Stack, options: LibraryFunctionOptions, createdFor: string) => T,
  ): T {
    const stack = Stack.of(scope);
    const found = stack.node.tryFindChild(id);
    if (!found) {
      return create(stack, options ?? {}, scope.node.path);
    }
    if (!(found instanceof LibraryFunction)) {
      throw new Error(`${scope.node.path} needs the library's function ${id} directly under the stack, and the stack already holds a construct of that id: `
        + `rename ${found.node.path}`);
    }
    const existing = found as T;
    if (options && !sameOptions(existing.options, options)) {
      const { optionsOwner, optionsProp, title } = existing.kind;
      throw constructError(optionsOwner, scope, `${optionsProp} differs from the ${optionsProp} options of ${existing.createdFor}, `
        + `which created the one ${title} of the stack; give every rollout of a stack the same ${optionsProp} options (or none after the first)`);
    }
    return existing;
  }

  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  /** Writing its logs and invoking itself (to continue in a new invocation), and what its kind adds: everything the rollouts wait for. */
  public readonly basePolicy: iam.ManagedPolicy;
  /** The function's network interfaces, when it runs in a VPC. */
  public readonly securityGroups?: ec2.ISecurityGroup[];

  protected constructor(
    scope: Construct, id: string, private readonly options: LibraryFunctionOptions, private readonly createdFor: string,
    private readonly kind: LibraryFunctionKind,
  ) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: kind.roleDescription,
    });
    const key = options.logGroupEncryptionKey;
    const logGroupName = key ? `/cdk-codedeploy-rollouts/${Names.uniqueResourceName(this, { maxLength: 480, separator: '-' })}` : undefined;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: kind.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
      // A key policy that names the log group must know its ARN at synth: referring to the log
      // group from the key it depends on would be a cycle.
      logGroupName,
      encryptionKey: key,
    });
    if (key) {
      allowLogsToUseKey(this, key, logGroupName!, kind.optionsProp);
    }
    const vpc = options.vpc;
    this.securityGroups = vpc ? options.securityGroups ?? [httpsOnlySecurityGroup(this, vpc, kind)] : undefined;
    const vpcAccess = vpc ? new iam.ManagedPolicy(this, 'VpcAccessPolicy', {
      description: `Lets the ${kind.title} function create and delete its network interfaces in its subnets and security groups`,
      roles: [this.role],
      statements: vpcAccessStatements(this, vpc.selectSubnets(options.vpcSubnets).subnetIds, this.securityGroups!),
    }) : undefined;
    this.function = kind.createFunction(this, 'Function', {
      description: kind.functionDescription,
      role: this.role,
      logGroup: this.logGroup,
      memorySize: 256,
      // One invocation works for as long as Lambda allows; longer work continues in the next.
      timeout: Duration.minutes(15),
      environment: kind.environment,
      runtime: options.runtime,
      vpc,
      vpcSubnets: vpc ? options.vpcSubnets : undefined,
      securityGroups: this.securityGroups,
    });
    if (vpcAccess) {
      // Lambda checks at creation that the role may create the function's network interfaces.
      this.function.node.addDependency(vpcAccess);
      acknowledgeVpcAccess(vpcAccess, kind.title);
    }
    // No statement may reference the function from the role's own default policy: the function
    // depends on that policy, so the ARN would make a cycle. The rollouts depend on this one.
    this.basePolicy = new iam.ManagedPolicy(this, 'BasePolicy', {
      description: kind.basePolicyDescription,
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
      ],
    });
    acknowledgeWildcardResource(this.basePolicy, this.logGroup.logGroupArn,
      `A log group ARN ends in :* to cover its log streams; this is the ${kind.title}'s own log group`);
    acknowledgeFunctionFindings(this.function, kind, vpc !== undefined);
    if (!options.runtime) {
      acknowledgeRegionalRuntime(this.function);
    }
    if (!key) {
      acknowledge(this.logGroup, ...PACKS_WITH_VPC_AND_LOG_KEY_RULES.map((pack) => ({
        id: `${pack}-CloudWatchLogGroupEncrypted`,
        reason: kind.reasons.logGroupEncryption,
      })));
    }
  }
}

/**
 * Checks the options of a library function as a rollout's prop (`deployer`, `trafficHook`):
 * subnets and security groups need a VPC; 1 to 5 security groups; a Node.js runtime its code runs on.
 */
export function checkLibraryFunctionOptions(problems: Problems, prop: string, options: LibraryFunctionOptions | undefined): void {
  if (!options) {
    return;
  }
  if (!options.vpc && (options.vpcSubnets || options.securityGroups)) {
    problems.add(`${prop}.vpcSubnets and ${prop}.securityGroups need ${prop}.vpc, got no vpc`);
  }
  const groups = options.securityGroups;
  if (groups && (groups.length < LAMBDA_VPC.securityGroups.min || groups.length > LAMBDA_VPC.securityGroups.max)) {
    problems.add(`${prop}.securityGroups must hold ${LAMBDA_VPC.securityGroups.min} to ${LAMBDA_VPC.securityGroups.max} security groups, got ${groups.length}`);
  }
  const runtime = options.runtime;
  if (runtime && !Token.isUnresolved(runtime.name)) {
    const version = runtime.family === lambda.RuntimeFamily.NODEJS ? Number(/^nodejs(\d+)\./.exec(runtime.name)?.[1] ?? 0) : 0;
    if (version < LIBRARY_FUNCTION_MIN_NODE_VERSION) {
      problems.add(`${prop}.runtime must be a Node.js runtime of version ${LIBRARY_FUNCTION_MIN_NODE_VERSION} or later (the function's code is built for `
        + `Node.js ${LIBRARY_FUNCTION_MIN_NODE_VERSION}), got ${runtime.name}`);
    }
  }
}

/**
 * Whether two rollouts ask for the same function: the same key, VPC, selected subnets (two equal
 * selections written twice are the same), security groups and runtime.
 */
function sameOptions(a: LibraryFunctionOptions, b: LibraryFunctionOptions): boolean {
  const groups = (o: LibraryFunctionOptions) => o.securityGroups ?? [];
  const subnets = (o: LibraryFunctionOptions) => (o.vpc ? o.vpc.selectSubnets(o.vpcSubnets).subnetIds.join(',') : '');
  return a.logGroupEncryptionKey === b.logGroupEncryptionKey
    && a.vpc === b.vpc
    && subnets(a) === subnets(b)
    && groups(a).length === groups(b).length && groups(a).every((group, i) => group === groups(b)[i])
    && a.runtime?.name === b.runtime?.name;
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
function allowLogsToUseKey(scope: Construct, key: kms.IKey, logGroupName: string, optionsProp: string): void {
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
      `${optionsProp}.logGroupEncryptionKey is imported, so its key policy cannot be changed here: allow logs.${stack.region}.amazonaws.com `
      + `kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt* and kms:GenerateDataKey* with kms:EncryptionContext:aws:logs:arn the ARN of log group ${logGroupName}, `
      + 'or CloudWatch Logs cannot create the log group');
  }
}

/** A security group for the function's network interfaces: no inbound, outbound HTTPS only (every API it calls). */
function httpsOnlySecurityGroup(scope: Construct, vpc: ec2.IVpc, kind: LibraryFunctionKind): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc,
    description: kind.securityGroupDescription,
    allowAllOutbound: false,
  });
  group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), `HTTPS to the AWS APIs the ${kind.title} calls`);
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
function acknowledgeVpcAccess(policy: iam.ManagedPolicy, title: string): void {
  const stack = Stack.of(policy);
  acknowledge(policy, {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets support no resource-level permissions',
  });
  acknowledgeWildcardResource(policy, `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:network-interface/*`,
    `Lambda creates the ${title}'s network interfaces at run time, so their ids are unknown; creating one is limited to the ${title}'s subnets and security groups`);
}

/** The findings a library function keeps, each for its reason. */
function acknowledgeFunctionFindings(fn: Construct, kind: LibraryFunctionKind, inVpc: boolean): void {
  acknowledge(fn,
    ...(inVpc ? [] : PACKS_WITH_VPC_AND_LOG_KEY_RULES.map((pack) => ({
      id: `${pack}-LambdaInsideVPC`,
      reason: `${kind.reasons.outsideVpc}; a VPC would need NAT or endpoints (${kind.optionsProp}.vpc)`,
    }))),
    ...['HIPAA.Security', 'NIST.800.53.R5'].map((pack) => ({
      id: `${pack}-LambdaConcurrency`,
      reason: `${kind.reasons.concurrency}; reserved concurrency fails in accounts at the default quota`,
    })),
    ...['HIPAA.Security', 'NIST.800.53.R5', 'Serverless'].map((pack) => ({
      id: `${pack}-LambdaDLQ`,
      reason: kind.reasons.deadLetterQueue,
    })),
    {
      id: 'Serverless-LambdaTracing',
      reason: `X-Ray needs xray:PutTraceSegments on * in the ${kind.title} role; ${kind.reasons.tracing}`,
    },
  );
}
