/**
 * The IAM suite's scenario matrix: one stack per construct and option the library offers, so that
 * every grant it can generate is checked and every call it enables is simulated. Each stack is
 * built the way a user would write it.
 */
import { join } from 'path';
import {
  App, Duration, Stack, Stage, aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_elasticloadbalancing as elb,
  aws_elasticloadbalancingv2 as elbv2, aws_iam as iam, aws_kms as kms, aws_lambda as lambda, aws_s3 as s3,
} from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import {
  AutoScalingProcess, BundleType, HealthCheck, HealthyHosts, LambdaRollout, Notifications, OnPremisesInstanceRole, ResponseMatch, Revision,
  RevisionBucket, RevisionDeployment, Rollback, ServerRollout, SmokeTest, TrafficShift,
} from '../../src';

const SITE_WITH_APPSPEC = join(__dirname, '..', 'revision', 'fixtures', 'site-with-appspec');
const ENV = { account: '111111111111', region: 'eu-west-1' };

function fn(scope: Stack, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline(`exports.handler = async () => '${id}';`),
  });
}

function vpc(scope: Stack): ec2.Vpc {
  return new ec2.Vpc(scope, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
}

function group(scope: Stack, network: ec2.IVpc, id = 'Web'): autoscaling.AutoScalingGroup {
  return new autoscaling.AutoScalingGroup(scope, id, {
    vpc: network, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
}

/** An Auto Scaling group behind an Application Load Balancer's target group. */
function albFleet(stack: Stack): { web: autoscaling.AutoScalingGroup; targets: elbv2.ApplicationTargetGroup } {
  const network = vpc(stack);
  const web = group(stack, network);
  const targets = new elbv2.ApplicationTargetGroup(stack, 'WebTargets', { vpc: network, port: 80, targets: [web] });
  new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc: network }).addListener('Http', { port: 80, defaultTargetGroups: [targets] });
  return { web, targets };
}

/** Builds every scenario into `app`; returns the scenario names. */
export function buildScenarios(app: App): string[] {
  const scenarios: Array<[string, (stack: Stack) => void, boolean]> = [
    // Lambda: every default, in an environment-agnostic stack.
    ['LambdaDefaults', (stack) => { new LambdaRollout(stack, 'Api', { function: fn(stack, 'Fn') }); }, false],
    // Lambda: both hooks, notifications, a custom shift and every check.
    ['LambdaEveryOption', (stack) => {
      new LambdaRollout(stack, 'Api', {
        function: fn(stack, 'Fn'),
        aliasName: 'prod',
        trafficShift: TrafficShift.linear({ percentage: 20, interval: Duration.minutes(2) }),
        healthChecks: [HealthCheck.lambdaErrors(), HealthCheck.lambdaThrottles(), HealthCheck.lambdaLatency({ threshold: Duration.seconds(2) })],
        preHook: fn(stack, 'PreHook'),
        postHook: fn(stack, 'PostHook'),
        notifications: Notifications.toNewTopic(),
        deploymentGroupName: 'api-prod',
      });
      new LambdaRollout(stack, 'Worker', { function: fn(stack, 'WorkerFn'), rollback: Rollback.on({ failure: true }), healthChecks: [] });
    }, true],
    // Lambda: the application and the service role passed in.
    ['LambdaImported', (stack) => {
      const role = new iam.Role(stack, 'TeamRole', { assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com') });
      new LambdaRollout(stack, 'Api', {
        function: fn(stack, 'Fn'),
        application: codedeploy.LambdaApplication.fromLambdaApplicationName(stack, 'App', 'team-app'),
        serviceRole: role,
      });
    }, true],
    // Lambda: hooks and an alarm given to the exposed deployment group after construction, with a passed-in role.
    ['LambdaAddedToGroup', (stack) => {
      const rollout = new LambdaRollout(stack, 'Api', {
        function: fn(stack, 'Fn'),
        healthChecks: [],
        rollback: Rollback.on({ failure: true }),
        serviceRole: new iam.Role(stack, 'TeamRole', { assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com') }),
      });
      rollout.deploymentGroup.addPreHook(fn(stack, 'PreHook'));
      rollout.deploymentGroup.addPostHook(fn(stack, 'PostHook'));
      rollout.deploymentGroup.addAlarm(new cloudwatch.Alarm(stack, 'LaterAlarm', {
        metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: 'FailedOrders' }), threshold: 1, evaluationPeriods: 1,
      }));
    }, true],
    // Lambda: a hook sharing the released function's role (its report permission in a policy of the
    // rollout's), one role imported by ARN for another function and its hook, provisioned concurrency on the alias.
    ['LambdaSharedRole', (stack) => {
      const withRole = (id: string, role?: iam.IRole) => new lambda.Function(stack, id, {
        runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline(`exports.handler = async () => '${id}';`), role,
      });
      const api = withRole('Fn');
      new LambdaRollout(stack, 'Api', { function: api, preHook: withRole('Check', api.role), provisionedConcurrentExecutions: 5 });
      const role = iam.Role.fromRoleArn(stack, 'LambdaRole', `arn:aws:iam::${ENV.account}:role/lambda-role`);
      new LambdaRollout(stack, 'Worker', { function: withRole('WorkerFn', role), postHook: withRole('WorkerCheck', role) });
    }, true],
    // Lambda: the library's traffic hook in both lifecycle events (a smoke test, a bake, pruning),
    // in one (a smoke test only), and beside the user's own pre-traffic hook (pruning only).
    ['LambdaTrafficHook', (stack) => {
      new LambdaRollout(stack, 'Api', {
        function: fn(stack, 'Fn'),
        smokeTest: SmokeTest.invoke({ payloads: ['{"path":"/health"}'], invocations: 3, expectedResponse: ResponseMatch.statusCode(200) }),
        keepVersions: 5,
        bakeTime: Duration.minutes(15),
      });
      new LambdaRollout(stack, 'Worker', { function: fn(stack, 'WorkerFn'), smokeTest: SmokeTest.invoke() });
      new LambdaRollout(stack, 'Batch', { function: fn(stack, 'BatchFn'), preHook: fn(stack, 'BatchCheck'), keepVersions: 2 });
    }, true],
    // Servers: an Auto Scaling group behind an ALB, checks, notifications, suspended processes, the
    // termination hook, and a revision from an asset.
    ['ServerAlb', (stack) => {
      const { web, targets } = albFleet(stack);
      const rollout = new ServerRollout(stack, 'WebRollout', {
        autoScalingGroups: [web],
        loadBalancers: [codedeploy.LoadBalancer.application(targets)],
        healthyHosts: HealthyHosts.percentage(75),
        healthChecks: [HealthCheck.targetGroup5xx(targets), HealthCheck.unhealthyHosts(targets)],
        notifications: Notifications.toNewTopic(),
        terminationHook: true,
        autoScalingProcessesToSuspend: [AutoScalingProcess.AZ_REBALANCE],
      });
      rollout.addRevisionDeployment('Release', Revision.fromAsset(SITE_WITH_APPSPEC));
    }, true],
    // Servers: a Network Load Balancer's target group, an imported Auto Scaling group beside one of the app's.
    ['ServerNlb', (stack) => {
      const network = vpc(stack);
      const web = group(stack, network);
      const targets = new elbv2.NetworkTargetGroup(stack, 'TcpTargets', { vpc: network, port: 443, targets: [web] });
      new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc: network }).addListener('Tcp', { port: 443, defaultTargetGroups: [targets] });
      new ServerRollout(stack, 'TcpRollout', {
        autoScalingGroups: [web, autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Legacy', 'legacy-fleet')],
        loadBalancers: [codedeploy.LoadBalancer.network(targets)],
      });
    }, true],
    // Servers: an Auto Scaling group and an alarm added after construction, to a rollout created without either.
    ['ServerAddedLater', (stack) => {
      const { web, targets } = albFleet(stack);
      const rollout = new ServerRollout(stack, 'WebRollout', { loadBalancers: [codedeploy.LoadBalancer.application(targets)] });
      rollout.addRevisionDeployment('Release', Revision.fromAsset(SITE_WITH_APPSPEC));
      rollout.addAutoScalingGroup(web);
      rollout.addHealthCheck(HealthCheck.unhealthyHosts(targets));
    }, true],
    // Servers: a Classic Load Balancer.
    ['ServerClassic', (stack) => {
      const network = vpc(stack);
      const web = group(stack, network);
      const classic = new elb.LoadBalancer(stack, 'Classic', {
        vpc: network, internetFacing: false, subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, listeners: [{ externalPort: 80 }],
      });
      classic.addTarget(web);
      new ServerRollout(stack, 'ClassicRollout', { autoScalingGroups: [web], loadBalancers: [codedeploy.LoadBalancer.classic(classic)] });
    }, true],
    // Servers: EC2 and on-premises tag sets, their identity, a KMS-encrypted revision bucket, a bucket revision.
    ['ServerTags', (stack) => {
      const revisionBucket = new RevisionBucket(stack, 'Releases', { encryptionKey: new kms.Key(stack, 'ReleasesKey', { enableKeyRotation: true }) });
      const rollout = new ServerRollout(stack, 'Billing', {
        ec2InstanceTags: new codedeploy.InstanceTagSet({ app: ['billing'] }),
        onPremisesInstanceTags: new codedeploy.InstanceTagSet({ site: ['dc1'] }),
        revisionBucket: revisionBucket.bucket,
      });
      new OnPremisesInstanceRole(stack, 'Servers', { assumedBy: new iam.AccountRootPrincipal(), revisionBucket: revisionBucket.bucket });
      const release = rollout.addRevisionDeployment('Release', Revision.fromBucket(revisionBucket.bucket, 'billing/app.tgz', { bundleType: BundleType.TGZ }));
      release.grantRead(new iam.Role(stack, 'TaggedInstances', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }));
    }, true],
    // Servers: an Auto Scaling group reading a release from a KMS-encrypted revision bucket.
    ['ServerKmsBucket', (stack) => {
      const revisionBucket = new RevisionBucket(stack, 'Releases', { encryptionKey: new kms.Key(stack, 'ReleasesKey', { enableKeyRotation: true }) });
      new ServerRollout(stack, 'WebRollout', { autoScalingGroups: [group(stack, vpc(stack))], revisionBucket: revisionBucket.bucket })
        .addRevisionDeployment('Release', Revision.fromBucket(revisionBucket.bucket, 'web/app.zip'));
    }, true],
    // Servers: a revision from GitHub to a tagged fleet, in an application passed in by name.
    ['ServerGitHub', (stack) => {
      new ServerRollout(stack, 'Api', {
        ec2InstanceTags: new codedeploy.InstanceTagSet({ app: ['api'] }),
        application: codedeploy.ServerApplication.fromServerApplicationName(stack, 'App', 'team-api'),
      }).addRevisionDeployment('Release', Revision.fromGitHub('example-org/api', 'a'.repeat(40)));
    }, true],
    // Servers: a revision to a deployment group no rollout owns, imported by name with its config.
    ['ServerImportedGroup', (stack) => {
      const deploymentGroup = codedeploy.ServerDeploymentGroup.fromServerDeploymentGroupAttributes(stack, 'Existing', {
        application: codedeploy.ServerApplication.fromServerApplicationName(stack, 'ExistingApp', 'team-web'),
        deploymentGroupName: 'web-production',
        deploymentConfig: codedeploy.ServerDeploymentConfig.HALF_AT_A_TIME,
      });
      new RevisionDeployment(stack, 'Release', { deploymentGroup, revision: Revision.fromGitHub('example-org/web', 'b'.repeat(40)) });
    }, true],
    // Servers: blue/green copies of one Auto Scaling group, with a release.
    ['ServerBlueGreen', (stack) => {
      const { web, targets } = albFleet(stack);
      const rollout = new ServerRollout(stack, 'WebRollout', {
        autoScalingGroups: [web],
        loadBalancers: [codedeploy.LoadBalancer.application(targets)],
        healthChecks: [HealthCheck.targetGroup5xx(targets)],
        blueGreen: { approvalTimeout: Duration.minutes(20) },
      });
      rollout.addRevisionDeployment('Release', Revision.fromAsset(SITE_WITH_APPSPEC), { timeout: Duration.minutes(45) });
    }, true],
  ];
  for (const [name, build, withEnv] of scenarios) {
    build(new Stack(app, name, withEnv ? { env: ENV } : {}));
  }
  // A stage, as CDK Pipelines deploys it: both rollouts in one stack of a nested assembly.
  const stage = new Stage(app, 'Production', { env: { account: '222222222222', region: 'us-east-1' } });
  const release = new Stack(stage, 'Release');
  new LambdaRollout(release, 'Api', { function: fn(release, 'Fn') });
  new ServerRollout(release, 'Batch', { ec2InstanceTags: new codedeploy.InstanceTagSet({ app: ['batch'] }) });
  // A bucket passed in from another stack.
  const shared = new Stack(app, 'SharedBucket', { env: ENV });
  const bucket = new s3.Bucket(shared, 'Releases', { enforceSSL: true });
  const consumer = new Stack(app, 'CrossStackBucket', { env: ENV });
  new ServerRollout(consumer, 'Api', { ec2InstanceTags: new codedeploy.InstanceTagSet({ app: ['api'] }) })
    .addRevisionDeployment('Release', Revision.fromBucket(bucket, 'api.zip'));
  return [...scenarios.map(([name]) => name), 'Production/Release', 'SharedBucket+CrossStackBucket'];
}
