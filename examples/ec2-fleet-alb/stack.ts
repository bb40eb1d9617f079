import * as path from 'path';
import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import {
  AgentInstallation, AppSpec, AppSpecOs, FileExistsBehavior, HealthCheck, HealthyHosts, Notifications, Revision, RolloutDashboard, ServerRollout,
  ServerRolloutProps,
} from 'cdk-codedeploy-rollouts';

/**
 * The Region the stack is synthesized for outside the CDK CLI (which sets `CDK_DEFAULT_REGION`),
 * e.g. in unit tests. Load balancer access logs need a concrete Region at synth: the principal
 * that writes them (a regional Elastic Load Balancing account, or a service principal in Regions
 * opened since August 2022) goes into the log bucket's policy.
 */
const REGION_WITHOUT_CLI = 'us-east-1';

/** The cdk-nag compliance packs that share most rules below. */
const COMPLIANCE_PACKS = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];

/** Props of the example stack. */
export interface Ec2FleetAlbStackProps extends StackProps {
  /**
   * Deploy into an account governed by AWS Control Tower's proactive controls: every resource the
   * library creates passes them (see "Governed accounts" in README.md). `cdk deploy -c governed=true`.
   *
   * @default false
   */
  readonly governed?: boolean;
}

/**
 * A web fleet released by CodeDeploy: four Amazon Linux 2023 instances in private subnets behind
 * an internet-facing Application Load Balancer. A deployment updates one instance at a time
 * (three quarters of the fleet stay healthy), takes it out of the load balancer while it is
 * updated, and stops and rolls back when the targets answer 5XX or fail health checks. Deployment
 * and scaling events go to one encrypted SNS topic.
 */
export class Ec2FleetAlbStack extends Stack {
  constructor(scope: Construct, id: string, props?: Ec2FleetAlbStackProps) {
    super(scope, id, {
      ...props,
      // The CLI's Region (your profile's); access logging needs one at synth, see REGION_WITHOUT_CLI.
      env: props?.env ?? { region: process.env.CDK_DEFAULT_REGION ?? REGION_WITHOUT_CLI },
    });
    // Whatever the app's feature flags say, log delivery is granted in the buckets' policies:
    // S3 server access logs without ACLs, and VPC flow logs with statements CloudFormation owns
    // (otherwise the flow log service adds them itself, and the next policy update drops them).
    // Context must be set before any child exists.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    this.node.setContext(cxapi.S3_CREATE_DEFAULT_LOGGING_POLICY, true);

    // Public subnets hold only the load balancer and one NAT gateway; the instances live in
    // private subnets and reach CodeDeploy, the agent's installer and the package repositories
    // through the NAT gateway. The S3 gateway endpoint keeps S3 traffic (revisions, the agent,
    // dnf repositories) off the NAT gateway, which saves its data charges.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
      // Removes every rule of the VPC's default security group (a small custom resource).
      restrictDefaultSecurityGroup: true,
    });
    for (const subnet of vpc.publicSubnets) {
      Validations.of(subnet.node.findChild('DefaultRoute')).acknowledge(...COMPLIANCE_PACKS.map((pack) => ({
        id: `${pack}-VPCNoUnrestrictedRouteToIGW`,
        reason: 'Public subnets hold only the internet-facing load balancer and the NAT gateway, which need a route to the internet gateway',
      })));
    }

    // Load balancer access logs and VPC flow logs. Elastic Load Balancing writes access logs only
    // to buckets encrypted with S3-managed keys.
    const accessLogs = new s3.Bucket(this, 'AccessLogsBucket', logBucketProps());
    const logs = new s3.Bucket(this, 'LogsBucket', { ...logBucketProps(), serverAccessLogsBucket: accessLogs });
    vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toS3(logs, 'vpc-flow-logs/') });
    for (const bucket of [accessLogs, logs]) {
      Validations.of(bucket).acknowledge(
        ...COMPLIANCE_PACKS.map((pack) => ({
          id: `${pack}-S3DefaultEncryptionKMS`,
          reason: 'Load balancer access logs and S3 server access logs can only be delivered to buckets encrypted with S3-managed keys (SSE-S3)',
        })),
        ...COMPLIANCE_PACKS.map((pack) => ({
          id: `${pack}-S3BucketReplicationEnabled`,
          reason: 'Cross-Region replication of logs is an organization decision (destination account, Region, retention); the example keeps them in one Region',
        })),
      );
    }

    // One topic for deployment events (below) and scaling events: `toNewTopic` creates it once per stack.
    const notifications = Notifications.toNewTopic();

    const fleet = new Fleet(this, 'Fleet', vpc, notifications);

    const loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc,
      description: 'Web load balancer: HTTP from the internet, to the fleet only',
      allowAllOutbound: false,
    });
    Validations.of(loadBalancerSecurityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'An internet-facing load balancer accepts its listener port from any address; nothing else is open',
    });
    const loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: loadBalancerSecurityGroup,
      dropInvalidHeaderFields: true,
    });
    loadBalancer.logAccessLogs(logs, 'load-balancer');
    Validations.of(loadBalancer).acknowledge(
      ...['HIPAA.Security', 'NIST.800.53.R5'].map((pack) => ({
        id: `${pack}-ELBDeletionProtectionEnabled`,
        reason: 'The example is meant to be removed with cdk destroy; turn deletion protection on for a production load balancer',
      })),
      ...['NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
        id: `${pack}-ALBWAFEnabled`,
        reason: 'Web ACL rules depend on the application and are usually attached by the organization (e.g. AWS Firewall Manager); associate one before serving real traffic',
      })),
    );

    const listener = loadBalancer.addListener('Http', { port: 80, open: true });
    Validations.of(listener).acknowledge(
      ...COMPLIANCE_PACKS.flatMap((pack) => [
        {
          id: `${pack}-ELBv2ACMCertificateRequired`,
          reason: 'The example has no domain name, so no ACM certificate; add an HTTPS listener with your certificate (see README)',
        },
        {
          id: `${pack}-ALBHttpToHttpsRedirection`,
          reason: 'Without a certificate there is no HTTPS listener to redirect to; redirect port 80 once you add one (see README)',
        },
      ]),
    );
    const targetGroup = listener.addTargets('Web', {
      port: 80,
      targets: [fleet.autoScalingGroup],
      healthCheck: { path: '/', healthyThresholdCount: 2, interval: Duration.seconds(10), timeout: Duration.seconds(5) },
      // Short enough that CodeDeploy's BlockTraffic step does not wait the default 5 minutes per instance.
      deregistrationDelay: Duration.seconds(30),
    });

    const rollout = new ServerRollout(this, 'WebRollout', {
      autoScalingGroups: [fleet.autoScalingGroup],
      loadBalancers: [codedeploy.LoadBalancer.application(targetGroup)],
      // 75% of 4 instances: 3 stay healthy, so CodeDeploy updates one instance at a time.
      healthyHosts: HealthyHosts.percentage(75),
      healthChecks: [HealthCheck.targetGroup5xx(targetGroup), HealthCheck.unhealthyHosts(targetGroup)],
      notifications,
      // Installed at launch, before the group's lifecycle hook asks CodeDeploy to deploy to the instance.
      agent: AgentInstallation.userData(),
      ...(props?.governed ? governedAccountProps(this, vpc) : {}),
    });

    // The web application in ./web-app, deployed on every `cdk deploy` that changes it: the stack
    // waits for CodeDeploy and fails with the failing instance's script output if it fails. The
    // bundle is a CDK asset in the bootstrap bucket; the fleet's instance role may read that one
    // object, so the rollout needs no revision bucket of its own and creates none.
    const release = rollout.addRevisionDeployment('Release', Revision.fromAsset(path.join(__dirname, 'web-app'), { appSpec: webAppSpec() }), {
      timeout: Duration.minutes(20),
    });

    // Healthy hosts and 5XX of the target group, and the alarms, in one CloudWatch dashboard;
    // `npx cdk-rollouts watch --stack <this stack>` follows a deployment in the terminal.
    new RolloutDashboard(this, 'Dashboard');

    new CfnOutput(this, 'Url', { value: `http://${loadBalancer.loadBalancerDnsName}`, description: 'The load balancer' });
    new CfnOutput(this, 'ApplicationName', { value: rollout.application.applicationName, description: 'CodeDeploy application' });
    new CfnOutput(this, 'DeploymentGroupName', { value: rollout.deploymentGroup.deploymentGroupName, description: 'CodeDeploy deployment group' });
    new CfnOutput(this, 'DeploymentId', { value: release.deploymentId, description: 'The CodeDeploy deployment of the web application' });
    new CfnOutput(this, 'NotificationTopicArn', { value: rollout.notificationTopic!.topicArn, description: 'Subscribe to deployment and scaling events' });
  }
}

/**
 * What an account governed by AWS Control Tower's proactive controls needs from the rollout, each
 * for its control: alarms that notify someone (CT.CLOUDWATCH.PR.1), the server deployer's log
 * group encrypted with a customer managed key (CT.CLOUDWATCH.PR.3) and the deployer in the VPC's
 * private subnets, which reach CodeDeploy, Lambda and S3 through the NAT gateway and the S3
 * endpoint (CT.LAMBDA.PR.3). The revision is a CDK asset, so the library creates no revision
 * bucket for the S3 controls to judge.
 */
function governedAccountProps(scope: Construct, vpc: ec2.IVpc): Partial<ServerRolloutProps> {
  // CloudWatch publishes alarm notifications as cloudwatch.amazonaws.com, which the topic's key
  // must allow; the AWS managed aws/sns key cannot allow it.
  const alarmKey = new kms.Key(scope, 'AlarmTopicKey', { enableKeyRotation: true, description: 'Encrypts the web fleet\'s alarm notifications' });
  alarmKey.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
  }));
  const alarmTopic = new sns.Topic(scope, 'AlarmTopic', { displayName: 'Web fleet alarms', masterKey: alarmKey, enforceSSL: true });
  const deployerLogsKey = new kms.Key(scope, 'DeployerLogsKey', { enableKeyRotation: true, description: 'Encrypts the server deployer\'s logs' });
  return {
    alarmActions: [new cloudwatchActions.SnsAction(alarmTopic)],
    deployer: { logGroupEncryptionKey: deployerLogsKey, vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } },
  };
}

/**
 * How CodeDeploy installs ./web-app on an instance: the site's files into the web root, and the
 * scripts that stop the old release, install the server, start it and check it answers.
 */
function webAppSpec(): AppSpec {
  return AppSpec.server({
    os: AppSpecOs.LINUX,
    files: [{ source: 'site', destination: '/var/www/html' }],
    // The first release replaces the placeholder page the instances wrote at launch.
    fileExistsBehavior: FileExistsBehavior.OVERWRITE,
    hooks: {
      applicationStop: [{ location: 'scripts/stop-server.sh', timeout: Duration.minutes(1), runAs: 'root' }],
      beforeInstall: [{ location: 'scripts/install-dependencies.sh', timeout: Duration.minutes(5), runAs: 'root' }],
      applicationStart: [{ location: 'scripts/start-server.sh', timeout: Duration.minutes(1), runAs: 'root' }],
      validateService: [{ location: 'scripts/validate-service.sh', timeout: Duration.minutes(1) }],
    },
  });
}

/** A private, TLS-only, versioned log bucket whose logs expire after a year. */
function logBucketProps(): s3.BucketProps {
  return {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

/**
 * Four t3.micro instances of Amazon Linux 2023 in the private subnets, with the CodeDeploy agent
 * and a placeholder web page installed at launch, IMDSv2 only, encrypted volumes, detailed
 * monitoring, no public address, and load balancer health checks.
 */
class Fleet extends Construct {
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, vpc: ec2.IVpc, notifications: Notifications) {
    super(scope, id);

    // The rollout installs the CodeDeploy agent through this user data (AgentInstallation.userData()):
    // the installer downloads it anonymously over HTTPS from the public aws-codedeploy-<region>
    // bucket, so the role needs no S3 permission for it; the rollout grants it read access to the
    // revision it deploys (the web-app/ asset).
    this.role = new iam.Role(this, 'InstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });

    const userData = ec2.UserData.forLinux();
    userData.addCommands(
      // A placeholder page, so the load balancer sees healthy targets before the first revision.
      'dnf install -y httpd',
      'echo "<h1>Waiting for the first CodeDeploy revision</h1>" > /var/www/html/index.html',
      'systemctl enable --now httpd',
    );

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Web fleet: HTTP from the load balancer, HTTPS out to AWS endpoints and package repositories',
      allowAllOutbound: false,
    });
    // CodeDeploy, S3 and the dnf repositories are all HTTPS; DNS, NTP and instance metadata use
    // link-local addresses that security groups do not filter.
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS endpoints and package repositories');

    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      userData,
      role: this.role,
      securityGroup,
      requireImdsv2: true,
      detailedMonitoring: true,
      blockDevices: [{
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
      }],
    });

    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: 4,
      maxCapacity: 4,
      // Replace instances the load balancer finds unhealthy, after the agent and page are installed.
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: Duration.minutes(5),
      }),
      notifications: [{ topic: notifications.bind(this) }],
    });
  }
}
