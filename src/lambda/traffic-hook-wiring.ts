import { ArnFormat, CfnCondition, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { SmokeTest } from './smoke-test';
import {
  AfterTrafficSettings, SETTINGS_MAX_BYTES, settingsParameterName, TRAFFIC_HOOK_SETTINGS_VERSION, TrafficHookSettings,
} from '../contract/traffic-hook';
import { LibraryFunctionOptions } from '../functions/library-function-options';
import { TrafficHook } from '../functions/traffic-hook';
import { acknowledgeWildcardResource } from '../private/acknowledge-wildcard';
import { TRAFFIC_HOOK } from '../private/codedeploy-limits';
import { IAM_POLICY } from '../private/iam-limits';
import { boundedArn, DESCRIBE_ALARMS, functionArn, RolloutStatement } from '../private/rollout-service-role';
import { MINUTE_MILLIS, Problems } from '../private/validation';

/** The rollout props the traffic hook serves. */
interface TrafficHookProps {
  readonly smokeTest?: SmokeTest;
  readonly keepVersions?: number;
  readonly bakeTime?: Duration;
  readonly preHook?: lambda.IFunction;
  readonly postHook?: lambda.IFunction;
  readonly ignoreAlarms?: boolean;
  readonly trafficHook?: LibraryFunctionOptions;
}

/** CloudWatch alarm names hold at most 255 characters (PutMetricAlarm, `AlarmName`): a token's bound in the settings. */
const MAX_ALARM_NAME_LENGTH = 255;

export function usesTrafficHook(props: TrafficHookProps): boolean {
  return props.smokeTest !== undefined || props.keepVersions !== undefined || props.bakeTime !== undefined;
}

/** Problems of the hook props that need nothing built: ranges and conflicts with the user's hooks. */
export function checkTrafficHookProps(problems: Problems, props: TrafficHookProps, alarmCount: number): void {
  if (props.smokeTest && props.preHook) {
    problems.add('smokeTest and preHook both need the BeforeAllowTraffic hook, and CodeDeploy runs one per lifecycle event: '
      + 'test in preHook, or leave it out');
  }
  for (const [prop, given] of [['keepVersions', props.keepVersions !== undefined], ['bakeTime', props.bakeTime !== undefined]] as const) {
    if (given && props.postHook) {
      problems.add(`${prop} and postHook both need the AfterAllowTraffic hook, and CodeDeploy runs one per lifecycle event: `
        + `leave out postHook, or ${prop}`);
    }
  }
  if (props.keepVersions !== undefined) {
    problems.integer('keepVersions', props.keepVersions, TRAFFIC_HOOK.keepVersions);
  }
  if (props.bakeTime !== undefined) {
    if (props.bakeTime.isUnresolved()) {
      problems.add('bakeTime must be known at synth, got a token (a value only known at deploy time, such as a CfnParameter\'s): '
        + 'it is written into the traffic hook\'s settings');
    }
    problems.wholeDuration('bakeTime', props.bakeTime, MINUTE_MILLIS, TRAFFIC_HOOK.bakeTime);
    if (alarmCount === 0) {
      problems.add('bakeTime needs at least one health check: the bake watches the rollout\'s alarms');
    }
  }
}

/** What the wiring gives the rollout. */
interface TrafficHookWiring {
  readonly hook: TrafficHook;
  readonly parameter: ssm.StringParameter;
  /** What the alias update must wait for: the parameter, the hook and its permissions. */
  readonly dependencies: Construct[];
}

/**
 * Makes the stack's traffic hook serve this rollout: the settings parameter, the hook as the
 * alias update's BeforeAllowTraffic and/or AfterAllowTraffic hook, and the hook's permissions on
 * this rollout's resources only.
 */
export function wireTrafficHook(scope: Construct, props: TrafficHookProps, rollout: {
  /** The condition the rollout is created under: its permissions go into policies under it. */
  readonly condition?: CfnCondition;
  readonly function: lambda.Function;
  readonly aliasName: string;
  readonly alias: lambda.Alias;
  readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;
  readonly application: codedeploy.ILambdaApplication;
  /** Whether `application` is the stack's shared one, which only this stack's rollouts have groups in. */
  readonly sharedApplication: boolean;
  readonly alarms: cloudwatch.IAlarm[];
}): TrafficHookWiring {
  const settings = hookSettings(props, rollout.alarms.map((alarm) => alarm.alarmName));
  checkSettingsSize(scope, settings);
  const hook = TrafficHook.of(scope, props.trafficHook);
  const stack = Stack.of(scope);
  const parameter = new ssm.StringParameter(scope, 'TrafficHookSettings', {
    parameterName: settingsParameterName(hook.settingsPrefix, rollout.function.functionName, rollout.aliasName),
    // The name starts with `/`, which CDK cannot see through the function name's token.
    simpleName: false,
    stringValue: Stack.of(scope).toJsonString(settings),
    description: `Settings of the library's CodeDeploy hook for ${rollout.aliasName} (smoke test, bake time, version pruning)`,
    tier: ssm.ParameterTier.STANDARD,
  });

  // The alias update names the hook itself: handing it to the deployment group as preHook/postHook
  // would put a grant per rollout into the hook role's inline policy, a cliff at 10,240 characters.
  const alias = rollout.alias.node.defaultChild as lambda.CfnAlias;
  const update = alias.cfnOptions.updatePolicy!.codeDeployLambdaAliasUpdate!;
  alias.cfnOptions.updatePolicy = {
    codeDeployLambdaAliasUpdate: {
      ...update,
      beforeAllowTrafficHook: settings.beforeAllowTraffic ? hook.function.functionName : update.beforeAllowTrafficHook,
      afterAllowTrafficHook: settings.afterAllowTraffic ? hook.function.functionName : update.afterAllowTrafficHook,
    },
  };
  if (settings.beforeAllowTraffic && settings.afterAllowTraffic) {
    hook.enableLifecycleLookup();
  }

  const fnArn = rollout.function.functionArn;
  // The groups of the stack's shared application are all this stack's rollouts: one grant covers
  // them all, so the shared policies do not grow with every rollout. An application passed in may
  // hold other stacks' groups: then this group only.
  const groups = rollout.sharedApplication
    ? stack.formatArn({ service: 'codedeploy', resource: 'deploymentgroup', resourceName: `${rollout.application.applicationName}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })
    : rollout.deploymentGroup.deploymentGroupArn;
  const statements: RolloutStatement[] = [
    { actions: ['codedeploy:GetDeployment', 'codedeploy:PutLifecycleEventHookExecutionStatus'], resources: [boundedArn(groups, IAM_POLICY.maxDeploymentGroupArnLength)] },
    { actions: ['codedeploy:GetApplicationRevision'], resources: [boundedArn(rollout.application.applicationArn, IAM_POLICY.maxApplicationArnLength)] },
  ];
  // Any version of this one function: the hook invokes the version being deployed (which is the
  // previous one again when CloudFormation rolls the alias back) and deletes old ones. One
  // statement for both keeps each function's ARN once in the shared policies.
  const versionActions = [
    ...(settings.beforeAllowTraffic ? ['lambda:InvokeFunction'] : []),
    ...(props.keepVersions !== undefined ? ['lambda:DeleteFunction'] : []),
  ];
  if (versionActions.length > 0) {
    statements.push({ actions: versionActions, resources: [functionArn(fnArn, '*')] });
  }
  if (props.keepVersions !== undefined) {
    // Versions only for DeleteFunction (above): on the unqualified ARN it would delete the whole function.
    statements.push({ actions: ['lambda:ListVersionsByFunction', 'lambda:ListAliases'], resources: [functionArn(fnArn)] });
  }
  if (settings.afterAllowTraffic?.alarmNames) {
    statements.push(DESCRIBE_ALARMS);
  }
  const policy = hook.policies.grant({ statements }, rollout.condition);
  if (rollout.sharedApplication) {
    acknowledgeWildcardResource(policy, groups,
      'The deployment groups of the stack\'s shared CodeDeploy application, which holds only this stack\'s rollouts: one grant for any number of them');
  }
  if (settings.beforeAllowTraffic || props.keepVersions !== undefined) {
    acknowledgeWildcardResource(policy, `${fnArn}:*`,
      'The versions of one function (a version ARN ends in its number): the hook invokes the version being deployed and deletes old ones, never the function itself');
  }
  return { hook, parameter, dependencies: [parameter, policy, hook.basePolicy, hook.function] };
}

/** The rollout's settings; the bake is left out under `ignoreAlarms`, which deploys a fix while alarms fire. */
function hookSettings(props: TrafficHookProps, alarmNames: string[]): TrafficHookSettings {
  const after: AfterTrafficSettings = {
    ...(props.bakeTime && !props.ignoreAlarms ? { bakeSeconds: props.bakeTime.toSeconds(), alarmNames } : {}),
    ...(props.keepVersions !== undefined ? { keepVersions: props.keepVersions } : {}),
  };
  return {
    version: TRAFFIC_HOOK_SETTINGS_VERSION,
    ...(props.smokeTest ? { beforeAllowTraffic: { smokeTest: props.smokeTest._settings } } : {}),
    ...(props.keepVersions !== undefined || props.bakeTime !== undefined ? { afterAllowTraffic: after } : {}),
  };
}

/** The settings must fit one standard parameter; alarm names that are tokens count at their longest. */
function checkSettingsSize(rollout: Construct, settings: TrafficHookSettings): void {
  const bounded = settings.afterAllowTraffic?.alarmNames
    ? {
      ...settings,
      afterAllowTraffic: {
        ...settings.afterAllowTraffic,
        alarmNames: settings.afterAllowTraffic.alarmNames
          .map((name) => (Token.isUnresolved(name) ? 'x'.repeat(MAX_ALARM_NAME_LENGTH) : name)),
      },
    }
    : settings;
  const bytes = Buffer.byteLength(JSON.stringify(bounded), 'utf8');
  if (bytes > SETTINGS_MAX_BYTES) {
    const problems = Problems.ofConstruct('LambdaRollout', rollout);
    problems.add(`the traffic hook's settings (smokeTest payloads, and ${MAX_ALARM_NAME_LENGTH} characters per alarm name bakeTime watches) `
      + `must fit the ${SETTINGS_MAX_BYTES} bytes of an SSM parameter, got ${bytes} bytes`);
    problems.throwIfAny();
  }
}
