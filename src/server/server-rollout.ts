import { CfnResource, CustomResource, Lazy } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AgentInstallation } from './agent-installation';
import { agentNeedsGroups, checkAgentInstallation, installAgent, installAgentOnGroup } from './agent-installer';
import {
  blueGreenDeploymentGroup, blueGreenGroupName, blueGreenServicePolicy, checkBlueGreen, cloudFormationShape, grantGroupManagement, renderBlueGreen,
} from './blue-green';
import { BlueGreenOptions } from './blue-green-options';
import { checkLaunchTemplates } from './launch-template-checks';
import { RevisionBucket } from './revision-bucket';
import {
  AUTO_SCALING_HOOK_ACTIONS, AUTO_SCALING_PROCESS_ACTIONS, autoScalingGroupArn, CLASSIC_LOAD_BALANCER_ACTIONS,
  classicLoadBalancerArn, SERVER_DISCOVERY, TARGET_GROUP_ACTIONS, targetGroupArn,
} from './server-permissions';
import { checkTagSet, renderTagSet } from './tag-set';
import { HealthyHosts } from '../config/healthy-hosts';
import { checkLibraryFunctionOptions } from '../functions/library-function';
import { LibraryFunctionOptions } from '../functions/library-function-options';
import { HealthCheck } from '../health/health-check';
import { Rollback } from '../health/rollback';
import { RolloutOptions } from '../health/rollout-options';
import { acknowledge } from '../private/acknowledge';
import { acknowledgeWildcardResource } from '../private/acknowledge-wildcard';
import { SERVER_TARGETS } from '../private/codedeploy-limits';
import { DEFAULT_MAX_ALARMS } from '../private/defaults';
import { emptyRevisionReadPolicy, grantBucketRevisions } from '../private/revision-read-policy';
import { publishTo, RolloutPolicies, RolloutStatement, topicArn } from '../private/rollout-service-role';
import { sharedServerApplication } from '../private/shared-application';
import { constructProblems, Problems } from '../private/validation';
import { registerRolloutTarget } from '../revision/deployment-target';
import { Revision } from '../revision/revision';
import { RevisionDeployment, RevisionDeploymentOptions } from '../revision/revision-deployment';
import { autoRollbackConfiguration } from '../rollout/auto-rollback';
import { checkDeploymentGroup, rollbackNeedsAlarm } from '../rollout/deployment-group-checks';
import { notificationTriggers } from '../rollout/notification-triggers';
import { checkHealthChecks, countAlarms, rolloutAlarms } from '../rollout/rollout-alarms';
import { recordRollout } from '../rollout/rollout-record';
import { rolloutRole } from '../rollout/service-role';

/** What CodeDeploy does with instances that missed the last deployment (CodeDeploy's OutdatedInstancesStrategy). */
export enum OutdatedInstances {
  /** Deploy the last successful revision to instances that join late, e.g. launched by scale-out during a deployment. */
  UPDATE = 'UPDATE',
  /** Leave them as they are until the next deployment. */
  IGNORE = 'IGNORE',
}

/** An Amazon EC2 Auto Scaling process CodeDeploy can suspend while it deploys to a group. */
export enum AutoScalingProcess {
  /** Scale-in terminations. */
  TERMINATE = 'Terminate',
  /** Rebalancing across Availability Zones. */
  AZ_REBALANCE = 'AZRebalance',
  /** Instance refreshes. */
  INSTANCE_REFRESH = 'InstanceRefresh',
  /** Scheduled scaling actions. */
  SCHEDULED_ACTIONS = 'ScheduledActions',
}

/** Properties of a `ServerRollout`. At least one of `autoScalingGroups`, `ec2InstanceTags` and `onPremisesInstanceTags` is required. */
export interface ServerRolloutProps extends RolloutOptions {
  /**
   * Auto Scaling groups to deploy to, created here or imported: at most 10. CodeDeploy also deploys
   * the last revision to instances they launch later.
   *
   * @default - no Auto Scaling group
   */
  readonly autoScalingGroups?: autoscaling.IAutoScalingGroup[];

  /**
   * EC2 instances to deploy to, by tags: up to 3 tag groups (an instance must match every group)
   * of up to 10 tags each (it must match one of them).
   *
   * @default - no EC2 instances by tag
   */
  readonly ec2InstanceTags?: codedeploy.InstanceTagSet;

  /**
   * Registered on-premises instances to deploy to, by tags, with the same limits as `ec2InstanceTags`.
   * `OnPremisesInstanceRole` gives them the identity to register with.
   *
   * @default - no on-premises instances
   */
  readonly onPremisesInstanceTags?: codedeploy.InstanceTagSet;

  /**
   * Load balancers that stop sending traffic to an instance while it is updated: up to 10 target
   * groups (Application or Network Load Balancer) and up to 10 Classic Load Balancers.
   *
   * @default - no traffic control
   */
  readonly loadBalancers?: codedeploy.LoadBalancer[];

  /**
   * How many instances must stay healthy; the deployment fails when fewer are.
   *
   * @default HealthyHosts.oneAtATime() (CodeDeployDefault.OneAtATime)
   */
  readonly healthyHosts?: HealthyHosts;

  /**
   * The signals that stop a deployment, e.g. `HealthCheck.targetGroup5xx(targetGroup)`.
   *
   * @default - none: only failed lifecycle scripts fail a deployment
   */
  readonly healthChecks?: HealthCheck[];

  /**
   * When CodeDeploy rolls back automatically.
   *
   * @default - Rollback.onFailureAndAlarm() with health checks, Rollback.on({ failure: true, stop: true }) without
   */
  readonly rollback?: Rollback;

  /**
   * A bucket of yours that revisions are deployed from.
   *
   * For example the bucket a pipeline uploads them to. The instance roles
   * of the rollout's Auto Scaling groups created in this app can read its objects (imported
   * groups: grant their instance role `s3:GetObject` and `s3:GetObjectVersion` on the objects, e.g.
   * with `RevisionBucket.grantRead`). A revision deployed with `addRevisionDeployment` needs none: its instances
   * may read that one object, wherever it is.
   *
   * @default - none until `revisionBucket` is read, which then creates a `RevisionBucket` (versioned, encrypted, private, TLS-only, access-logged)
   */
  readonly revisionBucket?: s3.IBucket;

  /**
   * How the CodeDeploy agent gets onto the EC2 instances. Systems Manager is the default because
   * it is the method AWS recommends, keeps the agent current, and reaches imported Auto Scaling
   * groups and instances that are already running, not only new launches.
   *
   * @default AgentInstallation.systemsManager()
   */
  readonly agent?: AgentInstallation;

  /**
   * What CodeDeploy does with instances that missed the last deployment.
   *
   * @default OutdatedInstances.UPDATE
   */
  readonly outdatedInstances?: OutdatedInstances;

  /**
   * Auto Scaling processes CodeDeploy suspends while it deploys to the rollout's Auto Scaling
   * groups, and resumes when the deployment ends, so that scale-in or rebalancing does not
   * replace instances halfway through an update. Needs `autoScalingGroups`.
   *
   * The CloudFormation validator bundled with aws-cdk-lib before 2.278.0 does not know this
   * property (Ec2DeploymentOptions, in CloudFormation's reference) and reports it as unknown
   * (F3002); the rollout acknowledges that one finding on its deployment group when the property is set.
   *
   * @default - no process is suspended
   */
  readonly autoScalingProcessesToSuspend?: AutoScalingProcess[];

  /**
   * Let CodeDeploy run the ApplicationStop, BeforeBlockTraffic and AfterBlockTraffic hooks on an
   * instance before its Auto Scaling group terminates it (CodeDeploy's termination hook).
   *
   * @default false
   */
  readonly terminationHook?: boolean;

  /**
   * The CodeDeploy application of the deployment group.
   *
   * @default - one server application shared by every server rollout in the stack
   */
  readonly application?: codedeploy.IServerApplication;

  /**
   * Deploy blue/green: each deployment copies the rollout's one Auto Scaling group (defined in this
   * app) into a new group, moves the load balancer's traffic to the copy, and retires the original.
   * CloudFormation creates no EC2 blue/green deployment group, so the rollout manages the group
   * with a custom resource, and CloudFormation does not manage the copies: read the README's
   * "Blue/green for Auto Scaling groups" before you use it.
   *
   * @default - in place: instances are updated where they run
   */
  readonly blueGreen?: BlueGreenOptions;

  /**
   * How the stack's server deployer runs (the library's function behind `addRevisionDeployment`,
   * every `RevisionDeployment` and blue/green groups): a customer managed key for its log group, a
   * VPC, its runtime. One deployer serves the stack: the first rollout that uses it sets these, and a
   * later one may give the same options or none. A rollout that deploys nothing does not use them.
   *
   * @default - the deployer's log group uses CloudWatch Logs' own encryption, and the function runs outside any VPC on aws-cdk-lib's latest Node.js runtime for the stack's Region
   */
  readonly deployer?: LibraryFunctionOptions;
}

/**
 * A CodeDeploy deployment group for a fleet of EC2 instances (in Auto Scaling groups or found by
 * tags) and on-premises servers, in place or blue/green (`blueGreen`): traffic control through
 * load balancers, a healthy-hosts threshold, alarm checks, rollback, notifications, and a secure
 * revision bucket when you ask for one (`revisionBucket`).
 *
 * The CodeDeploy agent is installed on the EC2 instances through AWS Systems Manager unless you
 * choose otherwise (`agent`). Auto Scaling groups and health checks can also be added after
 * construction (`addAutoScalingGroup`, `addHealthCheck`, `addAlarm`), with the same grants.
 */
export class ServerRollout extends Construct {
  /** The CodeDeploy deployment group, e.g. for a CodePipeline `CodeDeployServerDeployAction`. */
  public readonly deploymentGroup: codedeploy.IServerDeploymentGroup;
  /**
   * The deployment group's CloudFormation resource: the escape hatch for properties the rollout
   * does not set. Absent for blue/green rollouts (see `blueGreenDeploymentGroup`).
   */
  public readonly cfnDeploymentGroup?: codedeploy.CfnDeploymentGroup;
  /**
   * The custom resource that manages the deployment group of a blue/green rollout: the escape
   * hatch for the group's properties. Its `DeploymentGroup` property holds the group in
   * `AWS::CodeDeploy::DeploymentGroup`'s shape, and an override of a field the server deployer reads
   * works as on a `CfnDeploymentGroup`: `addPropertyOverride` on its `node.defaultChild` with a
   * path under `DeploymentGroup`, e.g. `DeploymentGroup.AlarmConfiguration.IgnorePollAlarmFailure`.
   * An override of any other field (tag sets, ECS services, tags...) throws at synth: the deployer
   * would refuse it and fail the deployment.
   */
  public readonly blueGreenDeploymentGroup?: CustomResource;
  /** The deployment config of the healthy-hosts threshold. */
  public readonly deploymentConfig: codedeploy.IServerDeploymentConfig;
  /** Every alarm that stops a deployment: the generated ones first, then the ones passed in, then the ones added. */
  public readonly alarms: cloudwatch.IAlarm[];
  /**
   * The rollout's revision bucket, created the first time it is read unless one was passed in.
   *
   * It is `revisionBucket` as given, or else a `RevisionBucket` created on the first read (as
   * aws-cdk-lib's `Function.currentVersion` is), e.g. for `Revision.fromBucket(rollout.revisionBucket, key)`
   * or for a pipeline to upload to. A rollout that never reads it creates no bucket: revisions from
   * `Revision.fromAsset` are in the CDK assets bucket, and those from another bucket or GitHub
   * where they are. The instance roles of the rollout's Auto Scaling groups created in this app
   * may read its objects.
   */
  public get revisionBucket(): s3.IBucket {
    if (!this.bucket) {
      this.bucket = new RevisionBucket(this, 'RevisionBucket').bucket;
      this.grantBucketRead(this.bucket);
    }
    return this.bucket;
  }
  /** The CodeDeploy application (shared per stack unless passed in). */
  public readonly application: codedeploy.IServerApplication;
  /** The CodeDeploy service role (shared per stack unless passed in). */
  public readonly serviceRole: iam.IRole;
  /** The topic notifications go to, if any. */
  public readonly notificationTopic?: sns.ITopic;
  /** The load balancers whose traffic the rollout controls (a `RolloutDashboard` graphs their hosts and errors). */
  public readonly loadBalancers: codedeploy.LoadBalancer[];
  /** `revisionBucket`, once given or created. */
  private bucket?: s3.IBucket;
  /** The instance roles of the rollout's Auto Scaling groups defined in this app: the roles the rollout lets read revisions. */
  private readonly instanceRoles: iam.IRole[];
  /** The policy that lets them, once something is granted in it. */
  private revisionReadPolicy?: iam.ManagedPolicy;
  /** The statement that lets the instance roles read the objects of revisions deployed with `addRevisionDeployment`. */
  private revisionObjectsStatement?: iam.PolicyStatement;
  /** The revision objects granted so far (and their keys), for instance roles that come later. */
  private readonly revisionObjects: Array<{ readonly objectArn: string; readonly key?: kms.IKey }> = [];
  /** The Auto Scaling groups deployed to, the ones given first. */
  private readonly autoScalingGroups: autoscaling.IAutoScalingGroup[];
  /** Every health check, the ones given first. */
  private readonly healthChecks: HealthCheck[];
  private readonly props: ServerRolloutProps;
  private readonly agent: AgentInstallation;
  private readonly policies: RolloutPolicies;
  private readonly processes: AutoScalingProcess[];
  private readonly groupResource: CfnResource | CustomResource;

  constructor(scope: Construct, id: string, props: ServerRolloutProps) {
    super(scope, id);
    this.props = props;
    this.healthChecks = [...(props.healthChecks ?? [])];
    this.autoScalingGroups = [...(props.autoScalingGroups ?? [])];
    this.agent = props.agent ?? AgentInstallation.systemsManager();
    const blueGreenWaitMinutes = validate(this, props, this.healthChecks, this.agent);

    this.deploymentConfig = (props.healthyHosts ?? HealthyHosts.oneAtATime()).bind(this);
    this.application = props.application ?? sharedServerApplication(this);
    const { role, policies } = rolloutRole(this, 'Server', props.serviceRole);
    this.serviceRole = role;
    this.policies = policies;
    this.notificationTopic = props.notifications?.bind(this);
    this.alarms = rolloutAlarms(this, this.healthChecks, this.alarmOptions());

    const loadBalancers = props.loadBalancers ?? [];
    this.loadBalancers = [...loadBalancers];
    this.processes = [...new Set(props.autoScalingProcessesToSuspend ?? [])];
    // Auto Scaling groups, alarms and the rollback they imply can be added after construction:
    // each is rendered when the app is synthesized. The L1 maps what a token resolves to into
    // CloudFormation's names itself; the blue/green custom resource takes them in that shape.
    const shape = props.blueGreen ? cloudFormationShape : (value: unknown) => value;
    const groupProps: codedeploy.CfnDeploymentGroupProps = {
      applicationName: this.application.applicationName,
      serviceRoleArn: this.serviceRole.roleArn,
      deploymentGroupName: props.deploymentGroupName,
      deploymentConfigName: this.deploymentConfig.deploymentConfigName,
      autoScalingGroups: Lazy.list({ produce: () => this.autoScalingGroups.map((group) => group.autoScalingGroupName) }, { omitEmpty: true }),
      ec2TagSet: props.ec2InstanceTags ? { ec2TagSetList: renderTagSet(props.ec2InstanceTags).map((ec2TagGroup) => ({ ec2TagGroup })) } : undefined,
      onPremisesTagSet: props.onPremisesInstanceTags
        ? { onPremisesTagSetList: renderTagSet(props.onPremisesInstanceTags).map((onPremisesTagGroup) => ({ onPremisesTagGroup })) }
        : undefined,
      deploymentStyle: {
        deploymentType: 'IN_PLACE',
        deploymentOption: loadBalancers.length > 0 ? 'WITH_TRAFFIC_CONTROL' : 'WITHOUT_TRAFFIC_CONTROL',
      },
      loadBalancerInfo: loadBalancers.length > 0 ? {
        elbInfoList: orUndefined(namesOf(loadBalancers, codedeploy.LoadBalancerGeneration.FIRST)),
        targetGroupInfoList: orUndefined(namesOf(loadBalancers, codedeploy.LoadBalancerGeneration.SECOND)),
      } : undefined,
      alarmConfiguration: Lazy.any({ produce: () => shape(this.renderAlarmConfiguration()) }),
      autoRollbackConfiguration: Lazy.any({ produce: () => shape(autoRollbackConfiguration(this.rollback())) }),
      triggerConfigurations: notificationTriggers(props.notifications, this.notificationTopic),
      outdatedInstancesStrategy: props.outdatedInstances ?? OutdatedInstances.UPDATE,
      terminationHookEnabled: props.terminationHook ?? false,
    };
    let deploymentGroupName: string;
    if (props.blueGreen) {
      // CloudFormation creates EC2 blue/green groups for no platform: a custom resource does, under a name known at synth.
      const name = props.deploymentGroupName ?? blueGreenGroupName(this);
      this.groupResource = this.blueGreenDeploymentGroup = blueGreenDeploymentGroup(this, 'DeploymentGroup', props.deployer, {
        ...groupProps,
        deploymentGroupName: name,
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
        blueGreenDeploymentConfiguration: renderBlueGreen(props.blueGreen),
      });
      deploymentGroupName = name;
      this.groupResource.node.addDependency(
        blueGreenServicePolicy(this, this.serviceRole, this.autoScalingGroups[0] as autoscaling.AutoScalingGroup, name),
        grantGroupManagement(this, this.application.applicationName, name, this.serviceRole),
      );
    } else {
      const cfnGroup = this.cfnDeploymentGroup = new codedeploy.CfnDeploymentGroup(this, 'DeploymentGroup', groupProps);
      this.groupResource = cfnGroup;
      if (this.processes.length > 0) {
        // A property override rather than CfnDeploymentGroup.ec2DeploymentOptions, which aws-cdk-lib
        // added after the oldest release this library supports (the peer floor, 2.257.0).
        cfnGroup.addPropertyOverride('Ec2DeploymentOptions', { AutoScalingGroupProcessesToSuspend: this.processes });
        acknowledge(cfnGroup, {
          id: 'CloudFormation-Validate::F3002',
          reason: 'Ec2DeploymentOptions is in CloudFormation\'s AWS::CodeDeploy::DeploymentGroup reference but not in the schema of the validator bundled with aws-cdk-lib before 2.278.0',
        });
      }
      deploymentGroupName = cfnGroup.ref;
    }
    this.deploymentGroup = codedeploy.ServerDeploymentGroup.fromServerDeploymentGroupAttributes(this, 'DeploymentGroupRef', {
      application: this.application,
      deploymentGroupName,
      deploymentConfig: this.deploymentConfig,
    });
    registerRolloutTarget(this.deploymentGroup, {
      owner: this,
      withTrafficControl: loadBalancers.length > 0,
      // Both default rollbacks roll a stopped deployment back.
      rollbackOnStop: props.rollback?.stop ?? true,
      blueGreenWaitMinutes,
      deployerOptions: props.deployer,
      grantRevisionRead: (objectArn, key) => this.grantRevisionRead(objectArn, key),
    });

    // Only groups defined in this app have an instance role the rollout can grant to.
    this.instanceRoles = this.autoScalingGroups.flatMap((group) => (group instanceof autoscaling.AutoScalingGroup ? [group.role] : []));
    if (props.revisionBucket) {
      this.bucket = props.revisionBucket;
      this.grantBucketRead(props.revisionBucket);
    }
    installAgent(this, this.agent, { autoScalingGroups: this.autoScalingGroups, ec2InstanceTags: props.ec2InstanceTags });

    // Permissions, scoped to this rollout's groups, load balancers and topic.
    const targetGroupArns = namesOf(loadBalancers, codedeploy.LoadBalancerGeneration.SECOND).map(({ name }) => targetGroupArn(this, name));
    const classicArns = namesOf(loadBalancers, codedeploy.LoadBalancerGeneration.FIRST).map(({ name }) => classicLoadBalancerArn(this, name));
    const statements: RolloutStatement[] = [
      SERVER_DISCOVERY,
      ...this.autoScalingGroupStatements(this.autoScalingGroups),
      { actions: CLASSIC_LOAD_BALANCER_ACTIONS, resources: classicArns },
      { actions: TARGET_GROUP_ACTIONS, resources: targetGroupArns },
      publishTo(this.notificationTopic ? [topicArn(this.notificationTopic.topicArn)] : []),
    ];
    const policy = this.grantServiceRole(statements, this.autoScalingGroups);
    for (const arn of targetGroupArns) {
      acknowledgeWildcardResource(policy, arn.arn, 'A target group ARN ends in an id not known from its name; the name before it pins the group');
    }

    // What can still change after construction (groups, alarms) is checked when the app is synthesized.
    this.node.addValidation({ validate: () => this.checkComplete() });

    // For `cdk-rollouts watch`: the application, and whether a deployment may wait for ContinueDeployment.
    recordRollout(this, this.groupResource, {
      kind: 'server',
      application: { resource: this.application, name: this.application.applicationName },
      deploymentGroupName,
      blueGreen: props.blueGreen !== undefined,
    });
  }

  /**
   * Adds a `RevisionDeployment` (a child of the rollout with this `id`) that deploys `revision` to
   * the fleet during `cdk deploy`: the stack waits for the deployment and fails with CodeDeploy's
   * verdict if it fails. One revision per rollout (per deployment group).
   */
  public addRevisionDeployment(id: string, revision: Revision, options: RevisionDeploymentOptions = {}): RevisionDeployment {
    return new RevisionDeployment(this, id, { ...options, deploymentGroup: this.deploymentGroup, revision });
  }

  /**
   * Deploys to one more Auto Scaling group (aws-cdk-lib's `ServerDeploymentGroup.addAutoScalingGroup`),
   * with everything a group given as a prop gets: the service role's lifecycle-hook permissions on
   * it, read access to the revisions for its instance role (a group defined in this app), and the agent.
   * Not for blue/green rollouts, which copy the one group they were created with.
   */
  public addAutoScalingGroup(group: autoscaling.IAutoScalingGroup): void {
    const problems = Problems.ofConstruct('ServerRollout', this);
    const where = `addAutoScalingGroup(${group.node.path})`;
    if (this.props.blueGreen) {
      problems.add(`${where}: a blue/green rollout copies the one Auto Scaling group it was created with, and takes no other`);
    }
    if (this.autoScalingGroups.includes(group)) {
      problems.add(`${where}: the rollout already deploys to that group`);
    }
    if (this.autoScalingGroups.length + 1 > SERVER_TARGETS.maxAutoScalingGroups) {
      problems.add(`${where}: autoScalingGroups must hold at most ${SERVER_TARGETS.maxAutoScalingGroups} groups, got ${this.autoScalingGroups.length + 1}`);
    }
    checkAgentInstallation(problems, this.agent, { autoScalingGroups: [group] });
    checkLaunchTemplates(problems, [group], this.agent, this.autoScalingGroups.length);
    problems.throwIfAny();
    this.autoScalingGroups.push(group);
    this.addInstanceRole(group);
    installAgentOnGroup(this, this.agent, group, this.autoScalingGroups);
    this.grantServiceRole(this.autoScalingGroupStatements([group]), [group]);
  }

  /**
   * Stops deployments on one more signal (as `healthChecks` does): the rollout creates the alarm of
   * a metric check and adds it, or the alarm given with `HealthCheck.alarm`, to the deployment
   * group's alarms. With the default rollback, a rollout given its first alarm this way rolls back on alarm.
   */
  public addHealthCheck(check: HealthCheck): void {
    const problems = Problems.ofConstruct('ServerRollout', this);
    const where = `addHealthCheck(${check._kind.factory})`;
    const checks = [...this.healthChecks, check];
    if (check._kind.watchesLambdaAlias) {
      problems.add(`${where}: a Lambda check watches a Lambda alias, which a server rollout does not have`);
    } else {
      checkHealthChecks(problems, this, checks, { hasLambdaAlias: false });
    }
    const maxAlarms = this.props.maxAlarms ?? DEFAULT_MAX_ALARMS;
    if (countAlarms(checks) > maxAlarms) {
      problems.add(`${where}: the deployment group would have ${countAlarms(checks)} alarms, more than maxAlarms `
        + `(${maxAlarms}; raise it if your CodeDeploy quota was raised)`);
    }
    problems.throwIfAny();
    this.healthChecks.push(check);
    this.alarms.push(...rolloutAlarms(this, [check], this.alarmOptions()));
  }

  /** Stops deployments when `alarm` goes off (aws-cdk-lib's `ServerDeploymentGroup.addAlarm`): `addHealthCheck(HealthCheck.alarm(alarm))`. */
  public addAlarm(alarm: cloudwatch.IAlarm): void {
    this.addHealthCheck(HealthCheck.alarm(alarm));
  }

  /**
   * Lets the instance roles of the rollout's Auto Scaling groups read one revision object (and its
   * versions), in the rollout's revision read policy. Other instances' roles are granted with
   * `RevisionDeployment.grantRead`.
   */
  private grantRevisionRead(objectArn: string, key?: kms.IKey): void {
    this.revisionObjects.push({ objectArn, key });
    const policy = this.readPolicy();
    if (policy) {
      this.addRevisionObject(policy, objectArn, key);
    }
  }

  private addRevisionObject(policy: iam.ManagedPolicy, objectArn: string, key?: kms.IKey): void {
    if (!this.revisionObjectsStatement) {
      this.revisionObjectsStatement = new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'] });
      policy.addStatements(this.revisionObjectsStatement);
    }
    this.revisionObjectsStatement.addResources(objectArn);
    if (key) {
      key.grantDecrypt(policy);
    }
  }

  /** Lets the instance roles of the rollout's Auto Scaling groups read every object of the rollout's revision bucket. */
  private grantBucketRead(bucket: s3.IBucket): void {
    const policy = this.readPolicy();
    if (policy) {
      grantBucketRevisions(policy, bucket);
    }
  }

  /** The instance roles' revision read policy, created with its first grant; none without instance roles. */
  private readPolicy(): iam.ManagedPolicy | undefined {
    if (this.instanceRoles.length === 0) {
      return undefined;
    }
    this.revisionReadPolicy ??= emptyRevisionReadPolicy(this, this.instanceRoles);
    return this.revisionReadPolicy;
  }

  /**
   * Lets the instance role of an Auto Scaling group added after construction read what the roles of
   * the others may (only a group defined in this app has a role the rollout can grant to): attached
   * to the read policy, or, when nothing could be granted yet for want of a role, with the grants
   * made so far (the bucket, the revision objects) replayed into a new one.
   */
  private addInstanceRole(group: autoscaling.IAutoScalingGroup): void {
    if (!(group instanceof autoscaling.AutoScalingGroup)) {
      return;
    }
    this.instanceRoles.push(group.role);
    if (this.revisionReadPolicy) {
      this.revisionReadPolicy.attachToRole(group.role);
      return;
    }
    if (this.bucket) {
      this.grantBucketRead(this.bucket);
    }
    for (const { objectArn, key } of this.revisionObjects) {
      this.addRevisionObject(this.readPolicy()!, objectArn, key);
    }
  }

  /** The lifecycle-hook permissions (and the suspended processes') on Auto Scaling groups. */
  private autoScalingGroupStatements(groups: autoscaling.IAutoScalingGroup[]): RolloutStatement[] {
    const arns = groups.map((group) => autoScalingGroupArn(this, group.autoScalingGroupName));
    return [
      { actions: AUTO_SCALING_HOOK_ACTIONS, resources: arns },
      // CodeDeploy suspends and resumes the chosen processes with the service role (API reference, EC2DeploymentOptions).
      { actions: AUTO_SCALING_PROCESS_ACTIONS, resources: this.processes.length > 0 ? arns : [] },
    ];
  }

  /** Grants the service role `statements`; the group waits for them (CodeDeploy checks them when it creates the group). */
  private grantServiceRole(statements: RolloutStatement[], groups: autoscaling.IAutoScalingGroup[]): iam.ManagedPolicy {
    const policy = this.policies.grant({ statements });
    for (const group of groups) {
      acknowledgeWildcardResource(policy, autoScalingGroupArn(this, group.autoScalingGroupName).arn,
        'An Auto Scaling group ARN holds an id CloudFormation does not expose; the name after it pins the group');
    }
    this.groupResource.node.addDependency(policy);
    return policy;
  }

  private alarmOptions(): { description: string; alarmActions?: cloudwatch.IAlarmAction[] } {
    return { description: `Stops a CodeDeploy deployment of ${this.node.path}`, alarmActions: this.props.alarmActions };
  }

  /** The rollback given, or by default: on failure and alarm with alarms, on failure and stop without. */
  private rollback(): Rollback {
    return this.props.rollback ?? (this.alarms.length > 0 ? Rollback.onFailureAndAlarm() : Rollback.on({ failure: true, stop: true }));
  }

  /** The deployment group's alarm configuration; none without alarms. */
  private renderAlarmConfiguration(): codedeploy.CfnDeploymentGroup.AlarmConfigurationProperty | undefined {
    if (this.alarms.length === 0) {
      return undefined;
    }
    return {
      enabled: !(this.props.ignoreAlarms ?? false),
      alarms: this.alarms.map((alarm) => ({ name: alarm.alarmName })),
      ignorePollAlarmFailure: this.props.ignorePollAlarmsFailure ? true : undefined,
    };
  }

  /** What must hold once nothing more can be added: a target, and what the rollback and the agent need. */
  private checkComplete(): string[] {
    const problems: string[] = [];
    if (this.autoScalingGroups.length === 0 && !this.props.ec2InstanceTags && !this.props.onPremisesInstanceTags) {
      problems.push('give at least one target: autoScalingGroups (or addAutoScalingGroup), ec2InstanceTags or onPremisesInstanceTags, got none');
    }
    if (this.processes.length > 0 && this.autoScalingGroups.length === 0) {
      problems.push('autoScalingProcessesToSuspend needs autoScalingGroups (or addAutoScalingGroup), got none');
    }
    problems.push(...agentNeedsGroups(this.agent, this.autoScalingGroups));
    problems.push(...rollbackNeedsAlarm(this.rollback(), this.alarms.length, 'addHealthCheck or addAlarm'));
    return constructProblems('ServerRollout', this, problems);
  }
}

/** An empty list as an absent property: CloudFormation's templates stay minimal. */
function orUndefined<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

function namesOf(loadBalancers: codedeploy.LoadBalancer[], generation: codedeploy.LoadBalancerGeneration): Array<{ name: string }> {
  return loadBalancers.filter((lb) => lb.generation === generation).map((lb) => ({ name: lb.name }));
}

/** Checks every prop that cannot change after construction; returns the minutes a blue/green deployment waits on its own. */
function validate(scope: Construct, props: ServerRolloutProps, healthChecks: HealthCheck[], agent: AgentInstallation): number | undefined {
  const problems = Problems.ofConstruct('ServerRollout', scope);
  const groups = props.autoScalingGroups ?? [];
  if (groups.length > SERVER_TARGETS.maxAutoScalingGroups) {
    problems.add(`autoScalingGroups must hold at most ${SERVER_TARGETS.maxAutoScalingGroups} groups, got ${groups.length}`);
  }
  checkTagSet(problems, 'ec2InstanceTags', props.ec2InstanceTags);
  checkTagSet(problems, 'onPremisesInstanceTags', props.onPremisesInstanceTags);
  const loadBalancers = props.loadBalancers ?? [];
  const classic = loadBalancers.filter((lb) => lb.generation === codedeploy.LoadBalancerGeneration.FIRST).length;
  if (classic > SERVER_TARGETS.maxClassicLoadBalancers) {
    problems.add(`loadBalancers must hold at most ${SERVER_TARGETS.maxClassicLoadBalancers} Classic Load Balancers, got ${classic}`);
  }
  if (loadBalancers.length - classic > SERVER_TARGETS.maxTargetGroups) {
    problems.add(`loadBalancers must hold at most ${SERVER_TARGETS.maxTargetGroups} target groups, got ${loadBalancers.length - classic}`);
  }
  checkDeploymentGroup(problems, props, countAlarms(healthChecks));
  checkHealthChecks(problems, scope, healthChecks, { hasLambdaAlias: false });
  checkAgentInstallation(problems, agent, { autoScalingGroups: groups, ec2InstanceTags: props.ec2InstanceTags });
  checkLibraryFunctionOptions(problems, 'deployer', props.deployer);
  checkLaunchTemplates(problems, groups, agent);
  const blueGreenWait = props.blueGreen ? checkBlueGreen(problems, props.blueGreen, {
    autoScalingGroups: groups,
    loadBalancers,
    hasTagSets: props.ec2InstanceTags !== undefined || props.onPremisesInstanceTags !== undefined,
    suspendsProcesses: (props.autoScalingProcessesToSuspend ?? []).length > 0,
  }) : undefined;
  problems.throwIfAny();
  return blueGreenWait;
}
