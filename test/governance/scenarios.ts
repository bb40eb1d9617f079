/**
 * A compact matrix of the library's constructs and options, each built into a stack of its own,
 * for checks that must hold for everything the library creates (Control Tower's controls here).
 * A scenario takes the props a governed account adds; a broader matrix (e.g. the IAM suite's)
 * plugs in as more `Scenario`s, or through `scenariosOf` with builders that take a stack only.
 */
import * as path from 'path';
import {
  Duration, Stack, aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as actions, aws_ec2 as ec2,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam, aws_kms as kms, aws_lambda as lambda, aws_s3 as s3, aws_sns as sns,
} from 'aws-cdk-lib';
import { InstanceTagSet, LoadBalancer } from 'aws-cdk-lib/aws-codedeploy';
import {
  AgentInstallation, HealthCheck, LambdaRollout, LibraryFunctionOptions, Notifications, OnPremisesInstanceRole, ResponseMatch, Revision,
  RevisionBucket, RevisionDeployment, ServerRollout, SmokeTest,
} from '../../src';

/** What a governed account adds to every construct: the opt-in props of the Control Tower table in docs/governed-accounts.md. */
export interface Governance {
  /** `alarmActions` of every rollout. */
  readonly alarmActions: actions.SnsAction[];
  /** How the library's functions run: `deployer` of every server rollout, `trafficHook` of every Lambda rollout. */
  readonly libraryFunctions: LibraryFunctionOptions;
  /** A revision bucket with Object Lock, EventBridge notifications and the account's own access-log bucket. */
  revisionBucket(stack: Stack, id: string, props?: { encryptionKey?: kms.IKey }): s3.IBucket;
}

/** One way of using the library. */
export interface Scenario {
  readonly name: string;
  /** Builds the scenario's constructs into `stack`, with what a governed account adds when `governance` is given. */
  build(stack: Stack, governance?: Governance): void;
}

/** Scenarios from builders that know nothing of governance (they are checked with the defaults only). */
export function scenariosOf(builders: Record<string, (stack: Stack) => void>): Scenario[] {
  return Object.entries(builders).map(([name, build]) => ({ name, build: (stack) => build(stack) }));
}

/**
 * The governed account's own resources in `stack`: an encrypted alarm topic, a customer managed
 * key for the logs of the library's functions, a VPC with private subnets, and the central access-log bucket.
 */
export function governance(stack: Stack): Governance {
  // CloudWatch publishes alarm notifications with its own principal, which the key must allow
  // (an AWS managed aws/sns key would not).
  const topicKey = new kms.Key(stack, 'AlarmTopicKey', { enableKeyRotation: true });
  topicKey.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
  }));
  const topic = new sns.Topic(stack, 'AlarmTopic', { masterKey: topicKey, enforceSSL: true });
  const key = new kms.Key(stack, 'FunctionLogsKey', { enableKeyRotation: true });
  const vpc = new ec2.Vpc(stack, 'FunctionVpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const central = s3.Bucket.fromBucketName(stack, 'CentralAccessLogs', 'central-access-logs-111111111111-us-east-1');
  return {
    alarmActions: [new actions.SnsAction(topic)],
    libraryFunctions: { logGroupEncryptionKey: key, vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } },
    revisionBucket: (scope, id, props) => new RevisionBucket(scope, id, {
      ...props, objectLock: true, eventBridgeNotifications: true, accessLogsBucket: central, accessLogsPrefix: `${id}/`,
    }).bucket,
  };
}

const SITE = path.join(__dirname, '..', 'revision', 'fixtures', 'site-with-appspec');

function fn(stack: Stack, id: string): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ ok: true });'),
  });
}

/** A fleet: an Auto Scaling group behind an Application Load Balancer's target group. */
function fleet(stack: Stack): { group: autoscaling.AutoScalingGroup; targetGroup: elbv2.ApplicationTargetGroup } {
  const vpc = new ec2.Vpc(stack, 'FleetVpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const group = new autoscaling.AutoScalingGroup(stack, 'Fleet', {
    vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc });
  const targetGroup = new elbv2.ApplicationTargetGroup(stack, 'Targets', { vpc, port: 80, targets: [group] });
  alb.addListener('Http', { port: 80, defaultTargetGroups: [targetGroup] });
  return { group, targetGroup };
}

/** The library's constructs and options, one scenario each. */
export const SCENARIOS: Scenario[] = [
  {
    name: 'LambdaRollout, defaults',
    build: (stack, g) => {
      new LambdaRollout(stack, 'Api', { function: fn(stack, 'ApiFunction'), alarmActions: g?.alarmActions });
    },
  },
  {
    name: 'LambdaRollout, latency and metric checks, hooks, notifications',
    build: (stack, g) => {
      const api = fn(stack, 'ApiFunction');
      new LambdaRollout(stack, 'Api', {
        function: api,
        healthChecks: [
          HealthCheck.lambdaErrors(),
          HealthCheck.lambdaLatency({ threshold: Duration.seconds(2) }),
          HealthCheck.metric(api.metricErrors(), { threshold: 5 }),
        ],
        preHook: fn(stack, 'SmokeTest'),
        notifications: Notifications.toNewTopic(),
        alarmActions: g?.alarmActions,
      });
    },
  },
  {
    name: 'LambdaRollout, the library\'s traffic hook: smoke test, bake time, version pruning',
    build: (stack, g) => {
      new LambdaRollout(stack, 'Api', {
        function: fn(stack, 'ApiFunction'),
        smokeTest: SmokeTest.invoke({ expectedResponse: ResponseMatch.statusCode(200) }),
        bakeTime: Duration.minutes(5),
        keepVersions: 5,
        alarmActions: g?.alarmActions,
        trafficHook: g?.libraryFunctions,
      });
    },
  },
  {
    name: 'ServerRollout, Auto Scaling group behind a load balancer, deploying an asset revision',
    build: (stack, g) => {
      const { group, targetGroup } = fleet(stack);
      const rollout = new ServerRollout(stack, 'Web', {
        autoScalingGroups: [group],
        loadBalancers: [LoadBalancer.application(targetGroup)],
        healthChecks: [HealthCheck.targetGroup5xx(targetGroup), HealthCheck.unhealthyHosts(targetGroup)],
        notifications: Notifications.toNewTopic(),
        revisionBucket: g?.revisionBucket(stack, 'Revisions'),
        alarmActions: g?.alarmActions,
        deployer: g?.libraryFunctions,
      });
      rollout.addRevisionDeployment('Release', Revision.fromAsset(SITE));
    },
  },
  {
    name: 'ServerRollout, EC2 tags, agent by Systems Manager, a revision already in the rollout\'s bucket',
    build: (stack, g) => {
      const rollout = new ServerRollout(stack, 'Batch', {
        ec2InstanceTags: new InstanceTagSet({ app: ['batch'] }),
        agent: AgentInstallation.systemsManager(),
        revisionBucket: g?.revisionBucket(stack, 'Revisions'),
        deployer: g?.libraryFunctions,
      });
      new RevisionDeployment(stack, 'Release', { deploymentGroup: rollout.deploymentGroup, revision: Revision.fromBucket(rollout.revisionBucket, 'releases/batch.zip') });
    },
  },
  {
    name: 'ServerRollout, on-premises servers and their identity',
    build: (stack, g) => {
      const rollout = new ServerRollout(stack, 'Billing', {
        onPremisesInstanceTags: new InstanceTagSet({ site: ['dc1'] }),
        agent: AgentInstallation.none(),
        healthChecks: [HealthCheck.metric(new cloudwatch.Metric({ namespace: 'Billing', metricName: 'Errors' }), { threshold: 1 })],
        revisionBucket: g?.revisionBucket(stack, 'Revisions'),
        alarmActions: g?.alarmActions,
      });
      new OnPremisesInstanceRole(stack, 'Servers', { assumedBy: new iam.AccountRootPrincipal(), revisionBucket: rollout.revisionBucket });
    },
  },
  {
    name: 'ServerRollout, blue/green',
    build: (stack, g) => {
      const { group, targetGroup } = fleet(stack);
      new ServerRollout(stack, 'Web', {
        autoScalingGroups: [group],
        loadBalancers: [LoadBalancer.application(targetGroup)],
        blueGreen: {},
        revisionBucket: g?.revisionBucket(stack, 'Revisions'),
        deployer: g?.libraryFunctions,
      });
    },
  },
  {
    name: 'RevisionBucket with a customer managed key',
    build: (stack, g) => {
      const key = new kms.Key(stack, 'RevisionsKey', { enableKeyRotation: true });
      const revisionBucket = g ? g.revisionBucket(stack, 'Revisions', { encryptionKey: key }) : new RevisionBucket(stack, 'Revisions', { encryptionKey: key }).bucket;
      new ServerRollout(stack, 'Batch', { ec2InstanceTags: new InstanceTagSet({ app: ['batch'] }), revisionBucket });
    },
  },
];
