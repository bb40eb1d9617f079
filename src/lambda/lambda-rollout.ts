import { CfnCondition, Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { checkAliasConflicts, registerRolloutAlias } from './alias-conflicts';
import { aliasPermissions } from './alias-permissions';
import { DeploymentGroupRole, GroupRoleGrants } from './deployment-group-role';
import { DeploymentStagger } from './deployment-stagger';
import { checkProvisionedConcurrency } from './provisioned-concurrency';
import { checkRolloutConditions, conditionRollout } from './rollout-condition';
import { AlarmReference, DeploymentGroupAdditions, RolloutDeploymentGroup } from './rollout-deployment-group';
import { SmokeTest } from './smoke-test';
import { checkTrafficHookProps, usesTrafficHook, wireTrafficHook } from './traffic-hook-wiring';
import { TrafficShift } from '../config/traffic-shift';
import { checkLibraryFunctionOptions } from '../functions/library-function';
import { LibraryFunctionOptions } from '../functions/library-function-options';
import { HealthCheck } from '../health/health-check';
import { Rollback } from '../health/rollback';
import { RolloutOptions } from '../health/rollout-options';
import { LAMBDA_ALIAS_NAME } from '../private/codedeploy-limits';
import { DEFAULT_ALIAS_NAME, DEFAULT_CANARY_INTERVAL, DEFAULT_CANARY_PERCENTAGE, DEFAULT_MAX_ALARMS } from '../private/defaults';
import {
  DESCRIBE_ALARMS, functionArn, publishTo, RolloutPermissions, RolloutPolicies, topicArn,
} from '../private/rollout-service-role';
import { sharedLambdaApplication } from '../private/shared-application';
import { constructError, constructProblems, Problems } from '../private/validation';
import { autoRollbackConfiguration } from '../rollout/auto-rollback';
import { checkDeploymentGroup, rollbackNeedsAlarm } from '../rollout/deployment-group-checks';
import { notificationTriggers } from '../rollout/notification-triggers';
import { checkHealthChecks, countAlarms, rolloutAlarms } from '../rollout/rollout-alarms';
import { recordRollout } from '../rollout/rollout-record';
import { rolloutRole } from '../rollout/service-role';

/** Properties of a `LambdaRollout`. */
export interface LambdaRolloutProps extends RolloutOptions {
  /** The function to release. Its current version is deployed through the alias on every change. */
  readonly function: lambda.Function;

  /**
   * Name of the alias that serves traffic and that CodeDeploy shifts: letters, digits, `-` and
   * `_`, 1 to 128 characters, not only digits.
   *
   * @default 'live'
   */
  readonly aliasName?: string;

  /**
   * How traffic moves to the new version.
   *
   * @default TrafficShift.canary({ percentage: 10, interval: Duration.minutes(5) }) (CodeDeployDefault.LambdaCanary10Percent5Minutes)
   */
  readonly trafficShift?: TrafficShift;

  /**
   * The signals that stop a deployment. Lambda checks watch the new version only. The default judges
   * the new version's failure rate against the old version's, chosen with the guard simulator
   * (README, "Judging a canary"); it sees little of a quiet function (under about a request a
   * second), which needs an active pre-traffic test.
   *
   * @default [HealthCheck.lambdaErrorRate()]: one alarm when the new version's errors and throttles are significantly (z ≥ 4) and at least 1 percentage point more frequent than the old version's over 5 minutes
   */
  readonly healthChecks?: HealthCheck[];

  /**
   * When CodeDeploy rolls back automatically.
   *
   * @default Rollback.onFailureAndAlarm()
   */
  readonly rollback?: Rollback;

  /**
   * A function CodeDeploy runs before any traffic moves, to test the new version; it reports its
   * verdict with `PutLifecycleEventHookExecutionStatus`, which the rollout grants it on this
   * deployment group only. Any name works. The name is aws-cdk-lib's (`LambdaDeploymentGroupProps.preHook`,
   * `deploymentGroup.addPreHook`).
   *
   * @default - no pre-traffic hook
   */
  readonly preHook?: lambda.IFunction;

  /**
   * A function CodeDeploy runs after all traffic has moved, with the same grants as the pre-traffic hook.
   *
   * @default - no post-traffic hook
   */
  readonly postHook?: lambda.IFunction;

  /**
   * An active test of the new version before any traffic moves: the library's hook (one function
   * per stack) invokes the new version by its version number and fails the deployment on a
   * function error, a timeout or a response that does not match. Not with `preHook`
   * (CodeDeploy runs one BeforeAllowTraffic hook).
   *
   * @default - no smoke test
   */
  readonly smokeTest?: SmokeTest;

  /**
   * After a successful shift (the AfterAllowTraffic step, after `bakeTime`), the library's hook
   * deletes the function's versions older than the newest `keepVersions`, never one an alias
   * points to nor the one the alias served before (where a rollback returns), at most 10 per
   * deployment, one a second. An integer of at least 1. Not with `postHook`
   * (CodeDeploy runs one AfterAllowTraffic hook).
   *
   * @default - versions are kept
   */
  readonly keepVersions?: number;

  /**
   * After the final shift, the library's hook keeps the deployment open this long, reading the
   * rollout's alarms every minute, and fails it (so CodeDeploy rolls back) when one goes off.
   * Whole minutes, 1 to 50 (a hook has one hour to report). Needs a health check; skipped under
   * `ignoreAlarms`. Not with `postHook`.
   *
   * @default - the deployment ends at the final shift
   */
  readonly bakeTime?: Duration;

  /**
   * The CodeDeploy application of the deployment group.
   *
   * @default - one Lambda application shared by every rollout in the stack
   */
  readonly application?: codedeploy.ILambdaApplication;

  /**
   * How the stack's traffic hook runs (the library's function behind `smokeTest`, `keepVersions`
   * and `bakeTime`): a customer managed key for its log group, a VPC, its runtime. One hook serves
   * the stack: the first rollout that uses it sets these, and a later one may give the same
   * options or none. A rollout that uses none of those three does not use them.
   *
   * @default - the hook's log group uses CloudWatch Logs' own encryption, and the function runs outside any VPC on aws-cdk-lib's latest Node.js runtime for the stack's Region
   */
  readonly trafficHook?: LibraryFunctionOptions;

  /**
   * Provisioned concurrency of the alias (aws-cdk-lib's `Alias` prop of that name): an integer of
   * at least 1, at most the function's reserved concurrency when it has one. While traffic shifts,
   * Lambda splits it between the old and the new version by their weights, and CloudFormation
   * waits for it before it reports the alias updated. It is billed whether used or not. Change it
   * in a `cdk deploy` that publishes no new version: Lambda refuses a change to an alias's
   * provisioned concurrency while the alias routes to two versions. Not with a SnapStart function.
   * docs/lambda-rollout.md, "Provisioned concurrency".
   *
   * @default - none: every invocation of the alias runs on demand
   */
  readonly provisionedConcurrentExecutions?: number;

  /**
   * The CloudFormation condition the rollout is created under, for a function that exists only
   * under a condition (a `CfnCondition`): the alias, the deployment group, its alarms, the hook
   * settings and the rollout's share of the stack's policies are then created only when it holds.
   * Give the function and its versions the same condition (e.g. an Aspect that sets
   * `cfnOptions.condition` on the function's scope). The rollout refuses at synth any other
   * condition on its resources or on what they name: the stack's shared policies follow this prop only.
   *
   * @default - none: the rollout is always created
   */
  readonly condition?: CfnCondition;
}

/**
 * A safe, alarm-guarded release of one Lambda function on every `cdk deploy`: an alias on the
 * function's current version, a CodeDeploy deployment group that CloudFormation drives through
 * the alias's `CodeDeployLambdaAliasUpdate` policy, the traffic shift, alarms on the new version,
 * hooks, notifications and rollback.
 *
 * Per function it adds the alias, the deployment group and the alarms; the CodeDeploy application
 * and service role are shared by every rollout in the stack.
 *
 * @example
 * new LambdaRollout(this, 'Api', { function: fn });
 */
export class LambdaRollout extends Construct {
  /**
   * The Lambda rollouts of `scope`'s stack start their deployments `groupSize` at a time (0: all
   * as soon as they can). CloudFormation updates every changed function of a stack together, and
   * each alias update starts a CodeDeploy deployment whose first calls to Lambda's control plane
   * share one account quota of 15 requests a second; staggered, the new version of each rollout's
   * function is published after that of the rollout created `groupSize` before it, so the
   * deployments start a few seconds apart and still run side by side (a version created under a
   * condition waits only for versions under the same condition). Applies to the stack's
   * rollouts created before and after the call. Without a call, groups of 3 (chosen with the
   * deployment model, docs/performance.md: it keeps 82 rollouts under the quota, for a few more
   * minutes of deploy time).
   *
   * @param scope any construct of the stack
   * @param groupSize an integer of at least 0
   */
  public static staggerDeployments(scope: Construct, groupSize: number): void {
    DeploymentStagger.of(scope).setGroupSize('LambdaRollout.staggerDeployments', groupSize);
  }

  /** The alias that serves traffic; point callers (a Function URL, an API) at it. */
  public readonly alias: lambda.Alias;
  /**
   * The CodeDeploy deployment group. What you add to it later gets the rollout's part too:
   * `addPreHook`, `addPostHook` and `addAlarm` grant the service role and make the alias wait, or
   * throw where the rollout cannot honour them. Its `role` is the rollout's service role
   * (`serviceRole`, shared by the stack's rollouts unless you pass one): a statement granted to it
   * goes into a customer managed policy of this rollout on that role, which the alias waits for;
   * `addManagedPolicy` and `attachInlinePolicy` reach `serviceRole` itself.
   */
  public readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;
  /** The deployment config of the traffic shift. */
  public readonly deploymentConfig: codedeploy.ILambdaDeploymentConfig;
  /** Every alarm that stops a deployment: the generated ones first, then the ones passed in. */
  public readonly alarms: cloudwatch.IAlarm[];
  /** The CodeDeploy application (shared per stack unless passed in). */
  public readonly application: codedeploy.ILambdaApplication;
  /** The CodeDeploy service role (shared per stack unless passed in). */
  public readonly serviceRole: iam.IRole;
  /** The topic notifications go to, if any. */
  public readonly notificationTopic?: sns.ITopic;
  /** The library's hook function of the stack, when `smokeTest`, `keepVersions` or `bakeTime` is used. */
  public readonly trafficHook?: lambda.IFunction;
  /** The SSM parameter holding this rollout's settings for the library's hook, when it is used. */
  public readonly trafficHookSettings?: ssm.IStringParameter;

  constructor(scope: Construct, id: string, props: LambdaRolloutProps) {
    super(scope, id);
    // The default guard, chosen with the guard simulator; its thresholds are the DEFAULT_ERROR_RATE_* constants.
    const healthChecks = props.healthChecks ?? [HealthCheck.lambdaErrorRate()];
    const rollback = props.rollback ?? Rollback.onFailureAndAlarm();
    const aliasName = props.aliasName ?? DEFAULT_ALIAS_NAME;
    validate(this, props, aliasName, healthChecks);

    this.alias = new lambda.Alias(this, 'Alias', {
      aliasName,
      version: props.function.currentVersion,
      provisionedConcurrentExecutions: props.provisionedConcurrentExecutions,
    });
    registerRolloutAlias(this, props.function, this.alias);
    this.deploymentConfig = (props.trafficShift
      ?? TrafficShift.canary({ percentage: DEFAULT_CANARY_PERCENTAGE, interval: DEFAULT_CANARY_INTERVAL })).bind(this);
    this.application = props.application ?? sharedLambdaApplication(this);
    const { role, policies } = rolloutRole(this, 'Lambda', props.serviceRole);
    this.serviceRole = role;

    this.alarms = rolloutAlarms(this, healthChecks, {
      alias: this.alias,
      description: `Stops a CodeDeploy deployment of ${props.function.functionName}:${aliasName}`,
      alarmActions: props.alarmActions,
    });

    const groupRole = new DeploymentGroupRole(this, 'ServiceRoleRef', this.serviceRole);
    const deploymentGroup = new RolloutDeploymentGroup(this, 'DeploymentGroup', {
      alias: this.alias,
      application: this.application,
      deploymentConfig: this.deploymentConfig,
      deploymentGroupName: props.deploymentGroupName,
      // A view that takes nothing while the group is built: the group would attach AWS's broad
      // managed policy and grant hooks itself; the rollout grants exact permissions below instead
      // (and for hooks and alarms added to the group later: RolloutDeploymentGroup). Grants made to
      // it afterwards reach the service role (DeploymentGroupRole).
      role: groupRole.role,
      // A copy: the group keeps the array it is given and adds to it (addAlarm); the rollout keeps its own.
      alarms: [...this.alarms],
      autoRollback: rollback.toAutoRollbackConfig(),
      ignoreAlarmConfiguration: props.ignoreAlarms ?? false,
      ignorePollAlarmsFailure: props.ignorePollAlarmsFailure,
      condition: props.condition,
      // The group grants each hook codedeploy:PutLifecycleEventHookExecutionStatus on this deployment
      // group. The Service Authorization Reference data lists no resource type for that action, but
      // CodeDeploy authorizes it against the deployment group: its AccessDeniedException names the
      // group's ARN (davidgf/serverless-plugin-canary-deployments#58), and the CodeDeploy User Guide's
      // permissions reference, SAM and that plugin (#110) scope it the same way. The IAM suite holds
      // this as a documented exception (test/iam/documented-exceptions.ts).
      preHook: props.preHook,
      postHook: props.postHook,
    });
    this.deploymentGroup = deploymentGroup;
    // Rendered by the rollout rather than by aws-cdk-lib's group, which fails to resolve rollback on
    // alarm without an alarm: alarms can be added later, and the rollout's own check says what to do.
    (deploymentGroup.node.defaultChild as codedeploy.CfnDeploymentGroup).autoRollbackConfiguration = autoRollbackConfiguration(rollback);

    const wiring = usesTrafficHook(props) ? wireTrafficHook(this, props, {
      condition: props.condition,
      function: props.function,
      aliasName,
      alias: this.alias,
      deploymentGroup: this.deploymentGroup,
      application: this.application,
      sharedApplication: props.application === undefined,
      alarms: this.alarms,
    }) : undefined;
    this.trafficHook = wiring?.hook.function;
    this.trafficHookSettings = wiring?.parameter;
    const hooks = [props.preHook, props.postHook, wiring?.hook.function]
      .filter((hook): hook is lambda.IFunction => hook !== undefined);
    this.notificationTopic = props.notifications?.bind(this);
    const triggers = notificationTriggers(props.notifications, this.notificationTopic);
    if (triggers) {
      (this.deploymentGroup.node.defaultChild as codedeploy.CfnDeploymentGroup).triggerConfigurations = triggers;
    }

    // Permissions, scoped to this rollout: the function and its alias, the hooks and the topic.
    const permissions: RolloutPermissions = {
      statements: [
        ...aliasPermissions(props.function.functionArn, aliasName),
        ...(this.alarms.length > 0 ? [DESCRIBE_ALARMS] : []),
        { actions: ['lambda:InvokeFunction'], resources: hooks.map((hook) => functionArn(hook.functionArn)) },
        publishTo(this.notificationTopic ? [topicArn(this.notificationTopic.topicArn)] : []),
      ],
    };
    const permissionsPolicy = policies.grant(permissions, props.condition);

    // CloudFormation starts the deployment when it updates the alias; by then the alarms must
    // watch the new version, and the service role and hook roles must hold their permissions.
    this.alias.node.addDependency(...this.alarms.filter((alarm): alarm is cloudwatch.Alarm => alarm instanceof cloudwatch.Alarm),
      permissionsPolicy, ...hooks, ...deploymentGroup.reportPolicies, ...(wiring?.dependencies ?? []));

    DeploymentStagger.of(this).add(props.function.currentVersion);

    deploymentGroup.connect(groupAdditions(this, {
      policies, props, maxAlarms: props.maxAlarms ?? DEFAULT_MAX_ALARMS, groupRole, deploymentGroup,
    }));
    groupRole.forwardTo(serviceRoleGrants(this, props.condition));
    conditionRollout(this, props.condition);
    // Alarms and hooks can be added to the group after construction; rollback on alarm, and the
    // conditions an Aspect may set, are checked once the app is complete.
    const named = (problems: string[]) => constructProblems('LambdaRollout', this, problems);
    this.node.addValidation({ validate: () => named(rollbackNeedsAlarm(rollback, this.alarms.length, 'deploymentGroup.addAlarm')) });
    this.node.addValidation({
      validate: () => named(checkRolloutConditions(this, props.condition, {
        function: props.function,
        version: props.function.currentVersion,
        hooks,
        alarms: this.alarms,
        topic: this.notificationTopic,
        application: props.application,
        serviceRole: props.serviceRole,
      })),
    });

    // For `cdk-rollouts watch`: where the alias, the application and the hook's settings and log are.
    recordRollout(this, this.deploymentGroup, {
      kind: 'lambda',
      application: { resource: this.application, name: this.application.applicationName },
      deploymentGroupName: props.deploymentGroupName,
      alias: this.alias,
      hookSettings: wiring?.parameter,
      hookLogGroup: wiring?.hook.logGroup,
    });
  }
}

/**
 * The rollout's part of a hook or alarm added to its deployment group after construction: the
 * service role's grant, the alias's dependency, and the rollout's own rules (one hook per event,
 * the alarm quota, alarms watched by `bakeTime`).
 */
function groupAdditions(rollout: LambdaRollout, context: {
  policies: RolloutPolicies; props: LambdaRolloutProps; maxAlarms: number; groupRole: DeploymentGroupRole; deploymentGroup: RolloutDeploymentGroup;
}): DeploymentGroupAdditions {
  const { policies, props, groupRole } = context;
  // One problem at a time: each is a single call, made after construction.
  const fail = (message: string): never => {
    throw constructError('LambdaRollout', rollout, message);
  };
  return {
    checkHook(event, hook) {
      const libraryHook = event === 'preHook' ? props.smokeTest !== undefined : props.keepVersions !== undefined || props.bakeTime !== undefined;
      if (libraryHook) {
        fail(`deploymentGroup.${event === 'preHook' ? 'addPreHook' : 'addPostHook'}(${hook.node.path}): the rollout's `
          + `${event === 'preHook' ? 'smokeTest' : 'keepVersions or bakeTime'} already runs the library's hook in that event, and CodeDeploy runs one hook per event`);
      }
    },
    withoutRoleGrants(action) {
      groupRole.withoutGrants(action);
    },
    hookAdded(hook) {
      const policy = policies.grant({ statements: [{ actions: ['lambda:InvokeFunction'], resources: [functionArn(hook.functionArn)] }] }, props.condition);
      rollout.alias.node.addDependency(policy, hook, ...context.deploymentGroup.reportPolicies);
    },
    checkAlarm() {
      if (props.bakeTime !== undefined) {
        fail('deploymentGroup.addAlarm: bakeTime watches the alarms the rollout was created with; '
          + 'pass the alarm in healthChecks as HealthCheck.alarm(alarm) instead');
      }
      if (rollout.alarms.length + 1 > context.maxAlarms) {
        fail(`deploymentGroup.addAlarm: the deployment group would have ${rollout.alarms.length + 1} alarms, more than `
          + `maxAlarms (${context.maxAlarms}; raise it if your CodeDeploy quota was raised)`);
      }
    },
    alarmAdded(reference) {
      if (rollout.alarms.length === 0) {
        // The rollout was created without alarms, so its permissions did not include reading them.
        rollout.alias.node.addDependency(policies.grant({ statements: [DESCRIBE_ALARMS] }, props.condition));
      }
      const alarm = isAlarm(reference) ? reference
        : cloudwatch.Alarm.fromAlarmArn(rollout, `AddedAlarm${rollout.alarms.length + 1}`, reference.alarmRef.alarmArn);
      rollout.alarms.push(alarm);
      if (alarm instanceof cloudwatch.Alarm) {
        rollout.alias.node.addDependency(alarm);
      }
    },
  };
}

/**
 * Where grants to `rollout.deploymentGroup.role` go: statements into a customer managed policy of
 * this rollout, attached to the service role, that the alias waits for (CodeDeploy uses the role
 * when CloudFormation updates the alias); managed and inline policies onto the service role itself.
 */
function serviceRoleGrants(rollout: LambdaRollout, condition: CfnCondition | undefined): GroupRoleGrants {
  let policy: iam.ManagedPolicy | undefined;
  return {
    addStatement(statement) {
      if (!policy) {
        policy = new iam.ManagedPolicy(rollout, 'DeploymentGroupRoleGrants', {
          description: `What was granted to the deployment group role of ${rollout.node.path}, on the rollout's CodeDeploy service role`,
          roles: [rollout.serviceRole],
        });
        // Created after construction: under the rollout's condition, as its other resources are (conditionRollout).
        conditionRollout(policy, condition);
        rollout.alias.node.addDependency(policy);
      }
      policy.addStatements(statement);
      return { statementAdded: true, policyDependable: policy };
    },
    addManagedPolicy: (managed) => rollout.serviceRole.addManagedPolicy(managed),
    attachInlinePolicy: (inline) => rollout.serviceRole.attachInlinePolicy(inline),
  };
}

function isAlarm(reference: AlarmReference): reference is cloudwatch.IAlarm {
  return (reference as cloudwatch.IAlarm).alarmName !== undefined;
}

function validate(rollout: LambdaRollout, props: LambdaRolloutProps, aliasName: string, healthChecks: HealthCheck[]): void {
  const problems = Problems.ofConstruct('LambdaRollout', rollout);
  problems.text('aliasName', aliasName, LAMBDA_ALIAS_NAME);
  checkAliasConflicts(problems, props.function, aliasName);
  if (!Token.isUnresolved(aliasName) && LAMBDA_ALIAS_NAME.allDigits.test(aliasName)) {
    problems.add(`aliasName must not be only digits (that names a version), got '${aliasName}'`);
  }
  checkTrafficHookProps(problems, props, countAlarms(healthChecks));
  checkLibraryFunctionOptions(problems, 'trafficHook', props.trafficHook);
  checkDeploymentGroup(problems, props, countAlarms(healthChecks),
    ', or give Lambda checks the same period and evaluationPeriods to share an alarm');
  checkProvisionedConcurrency(problems, props.function, props.provisionedConcurrentExecutions);
  checkHealthChecks(problems, rollout, healthChecks, { hasLambdaAlias: true });
  const serverOnly = props.notifications?._serverOnlyEvents ?? [];
  if (serverOnly.length > 0) {
    problems.add(`notifications.events ${serverOnly.join(', ')} apply to server deployments only`);
  }
  problems.throwIfAny();
}
