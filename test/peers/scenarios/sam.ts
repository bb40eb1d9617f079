/**
 * SAM's DeploymentPreference scenarios (tests/translator/input/*deployment_preference*,
 * function_with_deployment_*, hooks, alarms, conditions, and the errors the translator raises),
 * ported as templates of our own in test/peers/sam/inputs/, whose translations by aws-sam-translator
 * are the fixtures in test/peers/sam/outputs/ (test/peers/sam/translate.py makes them), and written
 * with the library over functions and resources of the same ids.
 */
import {
  Aspects, Aws, CfnCondition, CfnMapping, CfnParameter, CfnResource, Duration, Fn, IAspect, Stack, Token, aws_cloudwatch as cloudwatch,
  aws_iam as iam, aws_lambda as lambda, aws_sns as sns,
} from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { IConstruct } from 'constructs';
import { DeploymentEvent, HealthCheck, LambdaRollout, LambdaRolloutProps, Notifications, TrafficShift } from '../../../src';
import {
  DEFAULT_GUARD, EXACT_SERVICE_ROLE, GUARD_ENABLED, libraryRefuses, peerDenies, peerRefuses,
} from '../support/explanations';
import { Explanation, PeerScenario, scenario } from '../support/scenario';

const INPUT = 'tests/translator/input';

/** SAM's AWSCodeDeployRoleForLambda invokes only hooks named CodeDeployHook_*, and SAM grants hooks nothing to report with. */
const SAM_HOOKS = {
  label: 'SAM hooks cannot run',
  ...peerDenies('SAM\'s service role (AWSCodeDeployRoleForLambda) may invoke only functions named CodeDeployHook_*, '
  + 'and SAM gives a hook no permission to report its verdict (PutLifecycleEventHookExecutionStatus): the hooks here could not run'),
};

/** The library names its one trigger; the events and the topic are the same. */
const TRIGGER_NAME: Explanation = {
  label: 'trigger name',
  aspect: 'triggers',
  verdict: 'deliberate',
  reason: 'the same events to the same topic, in the library\'s one trigger, named `notifications` (a trigger\'s name is only a label)',
  holds: (peer, library) => peer.length === 1 && library.length === 1 && peer[0].target === library[0].target
    && JSON.stringify(peer[0].events) === JSON.stringify(library[0].events) && library[0].name === 'notifications',
};

/** The library creates a conditional function's deployment group under the function's condition. */
const GROUP_FOLLOWS_FUNCTION: Explanation = {
  label: 'group follows its function\'s condition',
  aspect: 'conditions',
  verdict: 'better',
  reason: 'the deployment group is created under its function\'s condition (SAM\'s PassthroughCondition: true), '
    + 'rather than left behind, empty, when the function is not created',
  holds: (peer, library) => peer.deploymentGroup === '(always)' && library.deploymentGroup === library.alias && library.alias === peer.alias,
};

/** A role a rollout is given, imported by ARN, gets the rollout's permissions; SAM leaves them to whoever made the role. */
const GRANTS_ON_IMPORTED_ROLES = peerDenies('the service role and the function\'s role are imported by ARN; SAM writes nothing for them, '
  + 'where the library attaches its exact customer managed policies to them by name (CodeDeploy\'s calls, and the hook\'s report, which '
  + 'goes into a policy no function waits for, so the shared role closes no dependency cycle)');

/** The CDK way to create a function only under a condition: an Aspect on its scope (its versions included). */
class CreateIf implements IAspect {
  constructor(private readonly when: CfnCondition) {}
  public visit(node: IConstruct): void {
    if (CfnResource.isCfnResource(node)) {
      node.cfnOptions.condition = this.when;
    }
  }
}

function fn(stack: Stack, id: string, props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline(`exports.handler = async () => '${id}';`), ...props,
  });
}

/** SAM's alarm of the scenarios: more than 10 checkout errors in 5 minutes. */
function checkoutErrors(stack: Stack): cloudwatch.CfnAlarm {
  return new cloudwatch.CfnAlarm(stack, 'CheckoutErrors', {
    comparisonOperator: 'GreaterThanThreshold', evaluationPeriods: 1, metricName: 'CheckoutErrors', namespace: 'Shop', period: 300, statistic: 'Sum', threshold: 10,
  });
}
function alarmOf(stack: Stack, alarm: cloudwatch.CfnAlarm): HealthCheck {
  return HealthCheck.alarm(cloudwatch.Alarm.fromAlarmArn(stack, `${alarm.node.id}Ref`, alarm.attrArn));
}

/** `Fn::Equals [Ref parameter, value]`, with the parameter, as SAM's inputs declare them. */
function condition(stack: Stack, id: string, parameter: string, value: string, defaultValue = value): CfnCondition {
  const existing = stack.node.tryFindChild(parameter) as CfnParameter | undefined;
  const p = existing ?? new CfnParameter(stack, parameter, { default: defaultValue });
  return new CfnCondition(stack, id, { expression: Fn.conditionEquals(p.valueAsString, value) });
}

/** SAM's provisioned concurrency, switched by a condition at deploy time: the library's prop, made conditional with an escape hatch. */
function provisioned(stack: Stack, released: LambdaRollout, enabled: CfnCondition, executions: CfnParameter): void {
  (released.alias.node.defaultChild as lambda.CfnAlias).addPropertyOverride('ProvisionedConcurrencyConfig',
    Fn.conditionIf(enabled.logicalId, { ProvisionedConcurrentExecutions: executions.valueAsNumber }, Aws.NO_VALUE));
  void stack;
}
function provisionedParameters(stack: Stack): { enabled: CfnCondition; executions: CfnParameter } {
  const executions = new CfnParameter(stack, 'ProvisionedConcurrency', { type: 'Number', default: 10 });
  const enabled = condition(stack, 'AliasProvisionedConcurrencyEnabled', 'EnableAliasProvisionedConcurrency', 'true');
  return { enabled, executions };
}

/** A library rollout of SAM's shape: alias `live`, the library's default checks unless given. */
function rollout(stack: Stack, f: lambda.Function, props: Partial<LambdaRolloutProps> = {}): LambdaRollout {
  return new LambdaRollout(stack, `${f.node.id}Rollout`, { function: f, ...props });
}

const SAM_DEFAULTS = [DEFAULT_GUARD, GUARD_ENABLED, EXACT_SERVICE_ROLE];
const named = (stack: Stack, id: string,
  name: string) => TrafficShift.fromDeploymentConfig(codedeploy.LambdaDeploymentConfig.fromLambdaDeploymentConfigName(stack, id, name));
const linear = (minutes: number) => TrafficShift.linear({ percentage: 10, interval: Duration.minutes(minutes) });

export const SAM: PeerScenario[] = [
  scenario({
    id: 'sam-linear-provisioned',
    peer: 'SAM',
    source: `${INPUT}/function_with_deployment_preference.yaml`,
    title: 'linear 10% every 3 minutes; the alias\'s provisioned concurrency switched by a parameter',
    sam: 'linear-provisioned',
    user: (stack) => fn(stack, 'Api'),
    library: (stack, api) => {
      const { enabled, executions } = provisionedParameters(stack);
      provisioned(stack, rollout(stack, api, { trafficShift: linear(3), provisionedConcurrentExecutions: executions.valueAsNumber }),
        enabled, executions);
    },
    differences: SAM_DEFAULTS,
  }),
  scenario({
    id: 'sam-custom-config-names',
    peer: 'SAM',
    source: `${INPUT}/function_with_custom_codedeploy_deployment_preference.yaml`,
    title: 'configs by name, from a mapping, chosen by a condition, from parameters',
    sam: 'custom-config-names',
    user: (stack) => Object.fromEntries(['Named', 'FromMap', 'Chosen', 'ChosenFromParameters', 'SubPredefined', 'SubCustom', 'RefPredefined']
      .map((id) => [id, fn(stack, id)])) as Record<string, lambda.Function>,
    library: (stack, fns) => {
      const stage = new CfnParameter(stack, 'Stage', { default: 'beta' });
      const predefined = new CfnParameter(stack, 'Predefined', { default: 'AllAtOnce' });
      const custom = new CfnParameter(stack, 'Custom', { default: 'TeamCanaryConfig' });
      // CloudFormation reads a mapping at deploy time, so it holds the configs' full names (SAM expands `AllAtOnce` itself).
      new CfnMapping(stack, 'ConfigByStage', { mapping: { prod: { Config: 'CodeDeployDefault.LambdaAllAtOnce' }, beta: { Config: 'TeamCanaryConfig' } } });
      const useCustom = new CfnCondition(stack, 'UseCustom', { expression: Fn.conditionEquals('true', 'false') });
      const allAtOnce = 'CodeDeployDefault.LambdaAllAtOnce';
      const shifts: Record<string, TrafficShift> = {
        Named: named(stack, 'NamedConfig', 'TeamCanaryConfig'),
        FromMap: named(stack, 'FromMapConfig', Fn.findInMap('ConfigByStage', stage.valueAsString, 'Config')),
        Chosen: named(stack, 'ChosenConfig', Token.asString(Fn.conditionIf(useCustom.logicalId, 'TeamCanaryConfig', allAtOnce))),
        ChosenFromParameters: named(stack, 'ChosenFromParametersConfig',
          Token.asString(Fn.conditionIf(useCustom.logicalId, Fn.sub('CodeDeployDefault.Lambda${Predefined}'), custom.valueAsString))),
        SubPredefined: named(stack, 'SubPredefinedConfig', Fn.sub('CodeDeployDefault.Lambda${Predefined}')),
        SubCustom: named(stack, 'SubCustomConfig', Fn.sub('${Custom}')),
        RefPredefined: named(stack, 'RefPredefinedConfig', `CodeDeployDefault.Lambda${predefined.valueAsString}`),
      };
      for (const [id, trafficShift] of Object.entries(shifts)) {
        rollout(stack, fns[id], { trafficShift });
      }
    },
    differences: SAM_DEFAULTS,
  }),
  scenario({
    id: 'sam-custom-role',
    peer: 'SAM',
    source: `${INPUT}/function_with_deployment_and_custom_role.yaml`,
    title: 'two functions all at once, one with a role of its own',
    sam: 'custom-role',
    user: (stack) => {
      const role = new iam.Role(stack, 'WorkerRole', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Basic', 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')],
      });
      return { api: fn(stack, 'Api'), worker: fn(stack, 'Worker', { role }) };
    },
    library: (stack, { api, worker }) => {
      rollout(stack, api, { trafficShift: TrafficShift.allAtOnce() });
      rollout(stack, worker, { trafficShift: TrafficShift.allAtOnce() });
    },
    differences: SAM_DEFAULTS,
  }),
  scenario({
    id: 'sam-hooks-alarm-trigger',
    peer: 'SAM',
    source: `${INPUT}/function_with_deployment_preference_all_parameters.yaml`,
    title: 'linear 10% a minute, both hooks, an alarm, a trigger',
    sam: 'hooks-alarm-trigger',
    user: (stack) => ({
      api: fn(stack, 'Api'),
      smokeTest: fn(stack, 'SmokeTest'),
      validation: fn(stack, 'Validation'),
      alarm: checkoutErrors(stack),
      topic: new sns.Topic(stack, 'Deployments'),
    }),
    library: (stack, { api, smokeTest, validation, alarm, topic }) => {
      rollout(stack, api, {
        trafficShift: linear(1),
        preHook: smokeTest,
        postHook: validation,
        healthChecks: [alarmOf(stack, alarm)],
        notifications: Notifications.toTopic(topic, { events: [DeploymentEvent.SUCCEEDED, DeploymentEvent.FAILED] }),
      });
    },
    differences: [EXACT_SERVICE_ROLE, TRIGGER_NAME, SAM_HOOKS],
  }),
  scenario({
    id: 'sam-shared-role-hook',
    peer: 'SAM',
    source: `${INPUT}/function_with_disabled_traffic_hook.yaml`,
    title: 'a function and its pre-traffic hook sharing one role imported by ARN, a service role imported by ARN',
    sam: 'shared-role-hook',
    user: (stack) => {
      const role = iam.Role.fromRoleArn(stack, 'LambdaRole', Fn.sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/lambda-role'));
      const api = fn(stack, 'Api', { role });
      const hook = fn(stack, 'PreTrafficHook', {
        role, functionName: 'CodeDeployHook_preTrafficHook', timeout: Duration.seconds(5), environment: { NewVersion: api.currentVersion.version },
      });
      return { api, hook };
    },
    library: (stack, { api, hook }) => {
      rollout(stack, api, {
        trafficShift: linear(1),
        preHook: hook,
        serviceRole: iam.Role.fromRoleArn(stack, 'ServiceRole', Fn.sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/custom-codedeploy-servicerole')),
      });
    },
    differences: [DEFAULT_GUARD, GUARD_ENABLED, GRANTS_ON_IMPORTED_ROLES],
  }),
  scenario({
    id: 'sam-disabled',
    peer: 'SAM',
    source: `${INPUT}/function_with_disabled_deployment_preference.yaml`,
    title: 'an alias on every version and no deployment (Enabled: false)',
    sam: 'disabled',
    user: (stack) => fn(stack, 'Api'),
    // Without a deployment the library has nothing to do: the function's own alias.
    library: (_stack, api) => { api.addAlias('live'); },
    differences: [],
  }),
  ...[true, false].map((passthrough) => scenario({
    id: `sam-service-role-condition${passthrough ? '-passthrough' : ''}`,
    peer: 'SAM',
    source: `${INPUT}/function_with_deployment_no_service_role_${passthrough ? 'with' : 'without'}_passthrough.yaml`,
    title: `all at once with a service role of the template's own; one function under a condition${passthrough ? ', its deployment too' : ''}`,
    sam: `service-role-condition${passthrough ? '-passthrough' : ''}`,
    user: (stack) => {
      const isProd = condition(stack, 'IsProd', 'Environment', 'prod');
      const reports = fn(stack, 'Reports');
      Aspects.of(reports).add(new CreateIf(isProd));
      const role = new iam.Role(stack, 'DeploymentRole', {
        assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromManagedPolicyArn(stack, 'ForLambda', 'arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda')],
      });
      return { api: fn(stack, 'Api'), reports, isProd, role };
    },
    library: (stack, { api, reports, isProd, role }) => {
      rollout(stack, api, { trafficShift: TrafficShift.allAtOnce(), serviceRole: role });
      rollout(stack, reports, { trafficShift: TrafficShift.allAtOnce(), serviceRole: role, condition: isProd });
    },
    differences: [DEFAULT_GUARD, GUARD_ENABLED, ...(passthrough ? [] : [GROUP_FOLLOWS_FUNCTION])],
  })),
  scenario({
    id: 'sam-alarms-if',
    peer: 'SAM',
    source: `${INPUT}/function_with_deployment_preference_alarms_intrinsic_if.yaml`,
    title: 'the alarms chosen at deploy time by the account (Fn::If over the alarm list)',
    sam: 'alarms-if',
    env: { account: '111111111111', region: 'us-east-1' },
    user: (stack) => fn(stack, 'Api'),
    library: (stack, api) => {
      // The CDK way: a choice at synth, for the stack's own account.
      const names = stack.account === '111111111111' ? ['api-errors', 'api-latency', 'checkout-errors'] : ['api-errors', 'staging-canary'];
      rollout(stack, api, {
        trafficShift: linear(3),
        healthChecks: names.map((name) => HealthCheck.alarm(cloudwatch.Alarm.fromAlarmName(stack, name, name))),
      });
    },
    differences: [{
      aspect: 'alarms',
      verdict: 'not expressible',
      reason: 'a deploy-time choice between alarm lists (Fn::If over AlarmConfiguration.Alarms) has no equivalent: the rollout lists the alarms of its '
        + 'healthChecks. The CDK way is a choice at synth, one stack per environment (here the production account\'s list)',
      holds: (peer, library) => Array.isArray(library) && !Array.isArray(peer) && JSON.stringify(peer.if[1]) === JSON.stringify(library),
    }, {
      aspect: 'alarmConfiguration',
      verdict: 'not expressible',
      reason: 'the same choice, of the alarm configuration that holds the list',
      holds: (peer, library) => peer.if !== undefined && JSON.stringify(peer.if[1]) === JSON.stringify(library),
    }, EXACT_SERVICE_ROLE],
  }),
  ...[true, false].map((passthrough) => scenario({
    id: `sam-condition${passthrough ? '-passthrough' : ''}`,
    peer: 'SAM',
    source: `${INPUT}/function_with_deployment_preference_condition_${passthrough ? 'with' : 'without'}_passthrough.yaml`,
    title: `a function under a condition, linear 10% every 3 minutes, provisioned concurrency switched by another${passthrough ? '; its deployment follows the condition' : ''}`,
    sam: `condition${passthrough ? '-passthrough' : ''}`,
    user: (stack) => {
      const isProd = condition(stack, 'IsProd', 'Environment', 'prod');
      const api = fn(stack, 'Api');
      Aspects.of(api).add(new CreateIf(isProd));
      return { api, isProd };
    },
    library: (stack, { api, isProd }) => {
      const { enabled, executions } = provisionedParameters(stack);
      provisioned(stack, rollout(stack, api, {
        trafficShift: linear(3),
        condition: isProd,
        provisionedConcurrentExecutions: executions.valueAsNumber,
      }), enabled, executions);
    },
    differences: [...SAM_DEFAULTS, ...(passthrough ? [] : [GROUP_FOLLOWS_FUNCTION])],
  })),
  scenario({
    id: 'sam-from-parameters',
    peer: 'SAM',
    source: `${INPUT}/function_with_deployment_preference_from_parameters.yaml`,
    title: 'deployments switched on and off by parameters the translator reads; hooks, an alarm, a trigger',
    sam: 'from-parameters',
    user: (stack) => ({
      api: fn(stack, 'Api'),
      smokeTest: fn(stack, 'SmokeTest'),
      validation: fn(stack, 'Validation'),
      alarm: checkoutErrors(stack),
      topic: new sns.Topic(stack, 'Deployments'),
    }),
    // The translator reads the parameters when it runs; CDK decides at synth. Only the API function is released.
    library: (stack, { api, smokeTest, validation, alarm, topic }) => {
      rollout(stack, api, {
        trafficShift: linear(1),
        preHook: smokeTest,
        postHook: validation,
        healthChecks: [alarmOf(stack, alarm)],
        notifications: Notifications.toTopic(topic, { events: [DeploymentEvent.SUCCEEDED, DeploymentEvent.FAILED] }),
      });
    },
    differences: [EXACT_SERVICE_ROLE, TRIGGER_NAME, SAM_HOOKS],
  }),
  scenario({
    id: 'sam-combinations',
    peer: 'SAM',
    source: `${INPUT}/function_with_deployment_preference_multiple_combinations.yaml`,
    title: 'an alias only, a minimal canary, and a linear shift with hooks and an alarm',
    sam: 'combinations',
    user: (stack) => ({
      plain: fn(stack, 'Plain'),
      canary: fn(stack, 'Canary'),
      hooked: fn(stack, 'Hooked'),
      smokeTest: fn(stack, 'SmokeTest'),
      validation: fn(stack, 'Validation'),
      alarm: checkoutErrors(stack),
    }),
    library: (stack, { plain, canary, hooked, smokeTest, validation, alarm }) => {
      plain.addAlias('live');
      rollout(stack, canary, { aliasName: 'canarylive' });
      rollout(stack, hooked, { aliasName: 'hookedlive', trafficShift: linear(2), preHook: smokeTest, postHook: validation, healthChecks: [alarmOf(stack, alarm)] });
    },
    differences: [...SAM_DEFAULTS, SAM_HOOKS],
  }),
  ...[true, false].map((passthrough) => scenario({
    id: `sam-combinations-conditions${passthrough ? '-passthrough' : ''}`,
    peer: 'SAM',
    source: `${INPUT}/function_with_deployment_preference_multiple_combinations_conditions_${passthrough ? 'with' : 'without'}_passthrough.yaml`,
    title: `three functions under conditions, a hook under a third${passthrough ? ', deployments following the conditions' : ''}`,
    sam: `combinations-conditions${passthrough ? '-passthrough' : ''}`,
    mayRefuse: true,
    user: (stack) => {
      const isProd = condition(stack, 'IsProd', 'Environment', 'prod');
      const isEu = condition(stack, 'IsEu', 'Region2', 'eu', 'none');
      const hasSmokeTests = condition(stack, 'HasSmokeTests', 'Region2', 'test', 'none');
      const create = (id: string, c: CfnCondition) => {
        const f = fn(stack, id);
        Aspects.of(f).add(new CreateIf(c));
        return f;
      };
      return {
        api: create('Api', isProd),
        canary: create('Canary', isEu),
        hooked: create('Hooked', isEu),
        smokeTest: create('SmokeTest', hasSmokeTests),
        validation: fn(stack, 'Validation'),
        alarm: checkoutErrors(stack),
        isProd,
        isEu,
      };
    },
    library: (stack, { api, canary, hooked, smokeTest, validation, alarm, isProd, isEu }) => {
      rollout(stack, api, { trafficShift: linear(2), condition: isProd });
      rollout(stack, canary, { aliasName: 'canarylive', condition: isEu });
      rollout(stack, hooked, {
        aliasName: 'hookedlive', trafficShift: linear(2), condition: isEu, preHook: smokeTest, postHook: validation, healthChecks: [alarmOf(stack, alarm)],
      });
    },
    differences: [libraryRefuses('SAM\'s template names the smoke test, created only under HasSmokeTests, from the alias of a function under IsEu: '
      + 'CloudFormation refuses it whenever IsEu holds without HasSmokeTests. The library refuses it at synth, naming the hook, its condition and the '
      + 'supported way', 'better')],
  })),
  scenario({
    id: 'sam-passthrough-intrinsics',
    peer: 'SAM',
    source: `${INPUT}/function_with_deployment_preference_passthrough_condition_with_supported_intrinsics.yaml`,
    title: 'whether deployments follow their functions\' condition, read from parameters and a mapping',
    sam: 'passthrough-intrinsics',
    user: (stack) => {
      const isProd = condition(stack, 'IsProd', 'Environment', 'prod');
      const fns = Object.fromEntries(['TrueRef', 'FalseRef', 'TrueFindInMap', 'FalseFindInMap'].map((id) => {
        const f = fn(stack, id);
        Aspects.of(f).add(new CreateIf(isProd));
        return [id, f];
      })) as Record<string, lambda.Function>;
      return { fns, isProd };
    },
    // The library's deployment always follows its function's condition.
    library: (stack, { fns, isProd }) => {
      for (const f of Object.values(fns)) {
        rollout(stack, f, { trafficShift: linear(3), condition: isProd });
      }
    },
    differences: [...SAM_DEFAULTS, GROUP_FOLLOWS_FUNCTION],
  }),
  scenario({
    id: 'sam-nested-if-config',
    peer: 'SAM',
    source: `${INPUT}/function_with_custom_conditional_codedeploy_deployment_preference.yaml`,
    title: 'the config chosen at deploy time by nested conditions',
    sam: 'nested-if-config',
    user: (stack) => fn(stack, 'Api'),
    library: (stack, api) => {
      const isDev = condition(stack, 'IsDev', 'EnvType', 'dev');
      const isEu = condition(stack, 'IsEu', 'Region2', 'eu', 'us');
      const name = Fn.conditionIf(isDev.logicalId, Fn.conditionIf(isEu.logicalId, 'CodeDeployDefault.LambdaAllAtOnce', 'TeamCanaryConfig'),
        'CodeDeployDefault.LambdaCanary10Percent15Minutes');
      rollout(stack, api, { trafficShift: named(stack, 'Chosen', Token.asString(name)) });
    },
    differences: SAM_DEFAULTS,
  }),
  scenario({
    id: 'sam-error-missing-alias',
    peer: 'SAM',
    source: `${INPUT}/error_function_with_deployment_preference_missing_alias.yaml`,
    title: 'a deployment preference without an alias: SAM refuses it',
    sam: 'error-missing-alias',
    mayRefuse: true,
    user: (stack) => fn(stack, 'Api'),
    library: (stack, api) => { rollout(stack, api, { trafficShift: TrafficShift.allAtOnce() }); },
    differences: [peerRefuses('the rollout creates the alias it shifts, so the mistake cannot be written', 'better')],
  }),
  scenario({
    id: 'sam-error-hook-property',
    peer: 'SAM',
    source: `${INPUT}/error_function_with_invalid_deployment_preference_hook_property.yaml`,
    title: 'hooks given as a name: SAM refuses it',
    sam: 'error-hook-property',
    mayRefuse: true,
    user: (stack) => ({ api: fn(stack, 'Api'), smokeTest: fn(stack, 'SmokeTest') }),
    library: (stack, { api, smokeTest }) => { rollout(stack, api, { trafficShift: TrafficShift.allAtOnce(), preHook: smokeTest }); },
    differences: [peerRefuses('each hook is a typed prop of its lifecycle event (preHook, postHook): the mistake does not type-check', 'better')],
  }),
  scenario({
    id: 'sam-error-alarms-not-list',
    peer: 'SAM',
    source: `${INPUT}/error_function_with_deployment_preference_invalid_alarms.yaml`,
    title: 'alarms given as one name: SAM refuses it',
    sam: 'error-alarms-not-list',
    mayRefuse: true,
    user: (stack) => fn(stack, 'Api'),
    library: (stack, api) => {
      rollout(stack, api, { trafficShift: linear(3), healthChecks: [HealthCheck.alarm(cloudwatch.Alarm.fromAlarmName(stack, 'ApiErrors', 'api-errors'))] });
    },
    differences: [peerRefuses('healthChecks is a typed list: the mistake does not type-check', 'better')],
  }),
  scenario({
    id: 'sam-error-provisioned-without-alias',
    peer: 'SAM',
    source: `${INPUT}/error_function_with_no_alias_provisioned_concurrency.yaml`,
    title: 'provisioned concurrency without an alias: SAM refuses it',
    sam: 'error-provisioned-without-alias',
    mayRefuse: true,
    user: (stack) => fn(stack, 'Api'),
    library: (stack, api) => { rollout(stack, api, { trafficShift: linear(3), provisionedConcurrentExecutions: 10 }); },
    differences: [peerRefuses('provisioned concurrency is a prop of the rollout, which creates the alias it is set on', 'better')],
  }),
];
