import type { CodeDeployWorld } from './codedeploy-world';
import { AppWorld, StackTemplate, StackWorld, Template } from '../../iam/template-world';

/**
 * The account `cdk-rollouts watch` reads, beyond CodeDeploy (codedeploy-world.ts): stacks with their
 * templates and resources (CloudFormation), alarms with their states, history and metric data
 * (CloudWatch), log events (CloudWatch Logs), parameters (SSM) and aliases (Lambda). Loaded from
 * synthesized templates (`loadStack`), so that the command reads the records, alarms and settings
 * the library really writes; scenarios then change it over time (watch-scenarios.ts). Values are in
 * the JSON protocols' wire form: timestamps in epoch seconds.
 */

export interface WorldStack {
  readonly name: string;
  readonly stackId: string;
  status: string;
  readonly template: Template;
  readonly resources: Array<{ readonly LogicalResourceId: string; readonly PhysicalResourceId: string; readonly ResourceType: string }>;
}

export interface WorldAlarm {
  /** The alarm as DescribeAlarms returns it, without its state. */
  readonly definition: Record<string, unknown>;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  reason: string;
  updated: number;
  readonly history: Array<{ readonly timestamp: number; readonly from: string; readonly to: string; readonly reason: string }>;
}

/** One metric's values per minute (epoch ms of the minute's start). */
export interface Series {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly values: Map<number, number>;
}

export class RolloutWorld {
  public readonly stacks = new Map<string, WorldStack>();
  public readonly alarms = new Map<string, WorldAlarm>();
  public readonly series: Series[] = [];
  public readonly logs = new Map<string, Array<{ readonly timestamp: number; readonly message: string }>>();
  public readonly parameters = new Map<string, { value: string; version: number; modified: number }>();
  public readonly aliases = new Map<string, { functionVersion: string; weights: Record<string, number> }>();

  public constructor(private readonly now: () => number) {}

  /** The metric's series, if it has one: the same namespace, name and dimensions (in any order). */
  public findMetric(namespace: string, metricName: string, dimensions: Readonly<Record<string, string>>): Series | undefined {
    const key = JSON.stringify(sortedDimensions(dimensions));
    return this.series.find((s) => s.namespace === namespace && s.metricName === metricName
      && JSON.stringify(sortedDimensions(s.dimensions)) === key);
  }

  /** The metric's series (created empty on first use). */
  public metric(namespace: string, metricName: string, dimensions: Record<string, string>): Series {
    let series = this.findMetric(namespace, metricName, dimensions);
    if (!series) {
      series = { namespace, metricName, dimensions, values: new Map() };
      this.series.push(series);
    }
    return series;
  }

  /** Sets an alarm's state (recording the change in its history, as CloudWatch does). */
  public setAlarm(name: string, state: WorldAlarm['state'], reason: string, at: number = this.now()): void {
    const alarm = this.alarms.get(name);
    if (!alarm) throw new Error(`no alarm ${name}`);
    if (alarm.state !== state) alarm.history.push({ timestamp: at / 1000, from: alarm.state, to: state, reason });
    alarm.state = state;
    alarm.reason = reason;
    alarm.updated = at / 1000;
  }

  public log(group: string, message: string, at: number = this.now()): void {
    const events = this.logs.get(group);
    if (!events) throw new Error(`no log group ${group}`);
    events.push({ timestamp: at, message });
  }
}

export function sortedDimensions(dimensions: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b));
}

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
  readonly stack: WorldStack;
  /** Physical names by logical id. */
  readonly names: Record<string, string>;
  /** The deployment groups, with their application, compute platform and alarms. */
  readonly groups: LoadedGroup[];
  /** The Lambda aliases, as `<function>:<alias>`. */
  readonly aliases: string[];
  readonly logGroups: string[];
}

/**
 * Puts a synthesized stack into the account as CloudFormation would have created it: its template
 * and resources, its alarms (definitions resolved, state OK), SSM parameters, log groups, Lambda
 * aliases (on `currentVersion`) and CodeDeploy deployment groups.
 */
export function loadStack(world: RolloutWorld, codedeploy: CodeDeployWorld, stackName: string, template: Template, options: {
  readonly status?: string; readonly newVersion?: string; readonly currentVersion?: string;
} = {}): LoadedStack {
  const app = new AppWorld([]);
  const stackWorld = new ScenarioStackWorld({ stackName, template }, app, options.newVersion ?? '2');
  const resources = Object.entries(template.Resources ?? {});
  const names = Object.fromEntries(resources.map(([logicalId]) => [logicalId, stackWorld.ref(logicalId)]));
  const stack: WorldStack = {
    name: stackName,
    stackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${stackName}/11111111-2222-3333-4444-555555555555`,
    status: options.status ?? 'UPDATE_IN_PROGRESS',
    template,
    resources: resources.map(([logicalId, resource]) => ({
      LogicalResourceId: logicalId, PhysicalResourceId: names[logicalId], ResourceType: resource.Type,
    })),
  };
  world.stacks.set(stackName, stack);
  const groups: LoadedGroup[] = [];
  const aliases: string[] = [];
  const logGroups: string[] = [];
  for (const [logicalId, resource] of resources) {
    const properties = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::CloudWatch::Alarm': {
        const name = stackWorld.nameOf(logicalId);
        world.alarms.set(name, { definition: alarmDefinition(stackWorld, name, properties), state: 'OK', reason: 'Threshold Crossed: no datapoint was breaching', updated: 0, history: [] });
        break;
      }
      case 'AWS::SSM::Parameter':
        world.parameters.set(stackWorld.resolve(properties.Name), {
          value: stackWorld.resolve(properties.Value), version: 1, modified: 1_700_000_000,
        });
        break;
      case 'AWS::Logs::LogGroup':
        world.logs.set(names[logicalId], []);
        logGroups.push(names[logicalId]);
        break;
      case 'AWS::Lambda::Alias': {
        const alias = `${stackWorld.resolve(properties.FunctionName)}:${stackWorld.resolve(properties.Name)}`;
        world.aliases.set(alias, { functionVersion: options.currentVersion ?? '1', weights: {} });
        aliases.push(alias);
        break;
      }
      case 'AWS::CodeDeploy::DeploymentConfig': {
        const routing = properties.TrafficRoutingConfig;
        const canary = routing?.TimeBasedCanary;
        const linear = routing?.TimeBasedLinear;
        const hosts = properties.MinimumHealthyHosts;
        codedeploy.configs.set(names[logicalId], {
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
        codedeploy.addGroup(application, name, {
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
  return { stack, names, groups, aliases, logGroups };
}

/** DescribeAlarms' view of an alarm resource: its properties with every value resolved, numbers kept. */
function alarmDefinition(stack: StackWorld, name: string, properties: Record<string, any>): Record<string, unknown> {
  const keep = ['AlarmDescription', 'ComparisonOperator', 'Threshold', 'EvaluationPeriods', 'DatapointsToAlarm', 'TreatMissingData', 'Metrics',
    'MetricName', 'Namespace', 'Dimensions', 'Period', 'Statistic', 'ExtendedStatistic', 'Unit', 'ActionsEnabled'];
  const resolved = resolveTyped(stack, Object.fromEntries(keep.filter((key) => properties[key] !== undefined).map((key) => [key, properties[key]])));
  return { AlarmName: name, AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`, ActionsEnabled: true, ...(resolved as Record<string, unknown>) };
}

/** Resolves intrinsics to strings, keeping numbers and booleans as they are. */
function resolveTyped(stack: StackWorld, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => resolveTyped(stack, item));
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return stack.resolve(value);
  return Object.fromEntries(keys.map((key) => [key, resolveTyped(stack, (value as Record<string, unknown>)[key])]));
}
