import type { Emulator } from './emulator';
import type { EmulatedStack } from './services/cloudformation-world';
import { AppWorld, StackTemplate, StackWorld, Template } from '../../iam/template-world';

/**
 * Puts a synthesized stack into the emulator's account as CloudFormation would have created it, so
 * that `cdk-rollouts` reads the records, alarms and settings the library really writes: its template
 * and resources (CloudFormation), its alarms with their definitions resolved (CloudWatch), SSM
 * parameters, log groups, functions with their aliases (Lambda), deployment configs and deployment
 * groups (CodeDeploy). Scenarios then change the services' state over time (watch-scenarios.ts).
 */

/** `Fn::GetAtt [<version>, Version]` is the function's new version number in the scenario (the IAM suite's world says '1'). */
class ScenarioStackWorld extends StackWorld {
  public constructor(stack: StackTemplate, app: AppWorld, private readonly version: string) {
    super(stack, app);
  }

  public getAtt(logicalId: string, attribute: string): string {
    return this.resource(logicalId).Type === 'AWS::Lambda::Version' && attribute === 'Version' ? this.version : super.getAtt(logicalId, attribute);
  }
}

/** A deployment group `loadStack` created in CodeDeploy. */
export interface LoadedGroup {
  readonly logicalId: string;
  readonly application: string;
  readonly name: string;
  readonly computePlatform: string;
  readonly alarms: string[];
}

/** What `loadStack` found, for the scenario to drive. */
export interface LoadedStack {
  readonly stack: EmulatedStack;
  /** Physical names by logical id. */
  readonly names: Record<string, string>;
  /** The deployment groups, with their application, compute platform and alarms. */
  readonly groups: LoadedGroup[];
  /** The Lambda aliases, as `<function>:<alias>`. */
  readonly aliases: string[];
  readonly logGroups: string[];
}

/**
 * Loads the stack: its alarms in state OK, parameters, log groups, its functions' aliases on
 * `currentVersion` (each function has versions up to `newVersion`), deployment configs and groups.
 */
export function loadStack(emulator: Emulator, stackName: string, template: Template, options: {
  readonly status?: string; readonly newVersion?: string; readonly currentVersion?: string;
} = {}): LoadedStack {
  const app = new AppWorld([]);
  const newVersion = options.newVersion ?? '2';
  const stackWorld = new ScenarioStackWorld({ stackName, template }, app, newVersion);
  const resources = Object.entries(template.Resources ?? {});
  const names = Object.fromEntries(resources.map(([logicalId]) => [logicalId, stackWorld.ref(logicalId)]));
  const stack: EmulatedStack = {
    name: stackName,
    stackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${stackName}/11111111-2222-3333-4444-555555555555`,
    status: options.status ?? 'UPDATE_IN_PROGRESS',
    template,
    resources: resources.map(([logicalId, resource]) => ({
      LogicalResourceId: logicalId, PhysicalResourceId: names[logicalId], ResourceType: resource.Type,
    })),
  };
  emulator.cloudformation.addStack(stack);
  const groups: LoadedGroup[] = [];
  const aliases: string[] = [];
  const logGroups: string[] = [];
  const functionAliases = new Map<string, Record<string, string>>();
  for (const [logicalId, resource] of resources) {
    const properties = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::CloudWatch::Alarm': {
        const name = stackWorld.nameOf(logicalId);
        emulator.cloudwatch.addAlarm(name, ['OK'], 'MetricAlarm', {
          definition: alarmDefinition(stackWorld, properties), reason: 'Threshold Crossed: no datapoint was breaching', updated: 0,
        });
        break;
      }
      case 'AWS::SSM::Parameter':
        emulator.ssm.put(stackWorld.resolve(properties.Name), stackWorld.resolve(properties.Value));
        break;
      case 'AWS::Logs::LogGroup':
        emulator.logs.addLogGroup(names[logicalId]);
        logGroups.push(names[logicalId]);
        break;
      case 'AWS::Lambda::Alias': {
        const functionName = stackWorld.resolve(properties.FunctionName);
        const aliasName = stackWorld.resolve(properties.Name);
        functionAliases.set(functionName, { ...functionAliases.get(functionName), [aliasName]: options.currentVersion ?? '1' });
        aliases.push(`${functionName}:${aliasName}`);
        break;
      }
      case 'AWS::CodeDeploy::DeploymentConfig': {
        const routing = properties.TrafficRoutingConfig;
        const canary = routing?.TimeBasedCanary;
        const linear = routing?.TimeBasedLinear;
        const hosts = properties.MinimumHealthyHosts;
        emulator.world.configs.set(names[logicalId], {
          computePlatform: stackWorld.resolve(properties.ComputePlatform ?? 'Server'),
          ...(routing ? {
            trafficRoutingConfig: {
              type: routing.Type,
              ...(canary ? { timeBasedCanary: { canaryPercentage: canary.CanaryPercentage, canaryInterval: canary.CanaryInterval } } : {}),
              ...(linear ? { timeBasedLinear: { linearPercentage: linear.LinearPercentage, linearInterval: linear.LinearInterval } } : {}),
            },
          } : {}),
          ...(hosts ? { minimumHealthyHosts: { type: hosts.Type, value: hosts.Value } } : {}),
        });
        break;
      }
      case 'AWS::CodeDeploy::DeploymentGroup':
      case 'Custom::CodeDeployServerDeploymentGroup': {
        const group = resource.Type === 'AWS::CodeDeploy::DeploymentGroup' ? properties : properties.DeploymentGroup;
        const application = stackWorld.resolve(group.ApplicationName);
        const applicationResource = resources.find(([id]) => names[id] === application)?.[1];
        const computePlatform = String(applicationResource?.Properties?.ComputePlatform ?? 'Server');
        const name = resource.Type === 'AWS::CodeDeploy::DeploymentGroup' ? names[logicalId] : stackWorld.resolve(group.DeploymentGroupName);
        const alarms = ((group.AlarmConfiguration?.Alarms ?? []) as Array<{ Name: unknown }>).map((alarm) => stackWorld.resolve(alarm.Name));
        emulator.world.addGroup(application, name, {
          computePlatform,
          deploymentConfigName: group.DeploymentConfigName ? stackWorld.resolve(group.DeploymentConfigName) : 'CodeDeployDefault.OneAtATime',
          ...(alarms.length > 0 ? { alarmConfiguration: { enabled: true, alarms: alarms.map((alarmName) => ({ name: alarmName })) } } : {}),
          ...(group.DeploymentStyle ? {
            deploymentStyle: { deploymentType: group.DeploymentStyle.DeploymentType, deploymentOption: group.DeploymentStyle.DeploymentOption },
          } : {}),
        });
        groups.push({ logicalId, application, name, computePlatform, alarms });
        break;
      }
      default:
        break;
    }
  }
  for (const [functionName, functionAliasMap] of functionAliases) emulator.lambda.addFunction(functionName, Number(newVersion), functionAliasMap);
  return { stack, names, groups, aliases, logGroups };
}

/** DescribeAlarms' view of an alarm resource: its properties with every value resolved, numbers kept. */
function alarmDefinition(stack: StackWorld, properties: Record<string, any>): Record<string, unknown> {
  const keep = ['AlarmDescription', 'ComparisonOperator', 'Threshold', 'EvaluationPeriods', 'DatapointsToAlarm', 'TreatMissingData', 'Metrics',
    'MetricName', 'Namespace', 'Dimensions', 'Period', 'Statistic', 'ExtendedStatistic', 'Unit', 'ActionsEnabled'];
  const resolved = resolveTyped(stack, Object.fromEntries(keep.filter((key) => properties[key] !== undefined).map((key) => [key, properties[key]])));
  return { ActionsEnabled: true, ...(resolved as Record<string, unknown>) };
}

/** Resolves intrinsics to strings, keeping numbers and booleans as they are. */
function resolveTyped(stack: StackWorld, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => resolveTyped(stack, item));
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return stack.resolve(value);
  return Object.fromEntries(keys.map((key) => [key, resolveTyped(stack, (value as Record<string, unknown>)[key])]));
}
