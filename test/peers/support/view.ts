/**
 * What CodeDeploy sees of a template: each deployment group with its config, alarms (and what they
 * watch), rollback, alarm configuration, triggers, hooks, targets, load balancers, blue/green
 * settings, alias and update policy, conditions and service role, the custom deployment configs,
 * and the calls CodeDeploy and the hooks make that IAM would deny. Peers and the library name the
 * same resources differently (CDK's hashed logical ids, SAM's suffixes, stack names): every name is
 * replaced by a symbol, the user's resources by their own id and the generated ones by what they
 * are ("the version of Api", "the service role").
 *
 * Values are resolved as `test/iam/template-world.ts` resolves them, with parameter defaults, except
 * `Fn::If`, which stays a choice (`{ if: [condition, then, else] }`): a choice made at deploy time is
 * part of what CodeDeploy sees.
 */
import { codeDeployManagedPolicy } from './managed-policies';
import { appCalls } from '../../iam/calls';
import { LocatedPolicy, rolesWithPolicies } from '../../iam/policies';
import { evaluate } from '../../iam/simulate';
import { AppWorld, Resource, StackWorld, Template } from '../../iam/template-world';
import { conditionFindings } from '../../support/template-conditions';

type Json = any;

/** One deployment group as CodeDeploy sees it; each property is one aspect the comparison reports on. */
export interface GroupView {
  readonly key: string;
  readonly aspects: Record<string, Json>;
}

/** A template as CodeDeploy sees it. */
export interface TemplateView {
  readonly groups: GroupView[];
  /** The custom deployment configs the template creates (resources or custom resources). */
  readonly configs: Json[];
  /** Calls of CodeDeploy and of the user's hooks that IAM would deny with the template's policies. */
  readonly deniedCalls: string[];
  /** References to resources that some value of the template's conditions does not create (CloudFormation refuses the template then). */
  readonly unresolvedUnderConditions: string[];
}

/** The CodeDeploy-facing resource types whose symbol is what they are, not their id. */
const GENERATED_TYPES = new Set([
  'AWS::Lambda::Version', 'AWS::Lambda::Alias', 'AWS::CodeDeploy::Application', 'AWS::CodeDeploy::DeploymentGroup',
  'AWS::CodeDeploy::DeploymentConfig', 'Custom::CodeDeployServerDeploymentGroup',
]);

/** Predefined deployment configs, by name, as shapes. */
const PREDEFINED: Record<string, Json> = {
  'CodeDeployDefault.LambdaAllAtOnce': { type: 'AllAtOnce' },
  'CodeDeployDefault.OneAtATime': { type: 'OneAtATime' },
  'CodeDeployDefault.HalfAtATime': { minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 50 } },
  'CodeDeployDefault.AllAtOnce': { minimumHealthyHosts: { type: 'HOST_COUNT', value: 0 } },
};
for (const [kind, type] of [['Canary', 'TimeBasedCanary'], ['Linear', 'TimeBasedLinear']]) {
  for (const [percentage, minutes] of kind === 'Canary' ? [[10, 5], [10, 10], [10, 15], [10, 30]] : [[10, 1], [10, 2], [10, 3], [10, 10]]) {
    const name = kind === 'Canary' ? `CodeDeployDefault.LambdaCanary${percentage}Percent${minutes}Minutes`
      : `CodeDeployDefault.LambdaLinear${percentage}PercentEvery${minutes}Minute${minutes === 1 ? '' : 's'}`;
    PREDEFINED[name] = { type, percentage, interval: minutes };
  }
}

/**
 * @param userIds the resources the scenario's user code creates (functions, alarms, topics, groups):
 * their logical id mapped to the id both sides give them
 */
export async function viewOf(template: Template, userIds: Record<string, string>, stackName = 'Stack'): Promise<TemplateView> {
  const app = new AppWorld([{ stackName, template }]);
  const world = app.stacks[0];
  const namer = new Namer(world, userIds, stackName);
  const resources = world.resources;
  const groups = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::CodeDeploy::DeploymentGroup' || r.Type === 'Custom::CodeDeployServerDeploymentGroup')
    .map(([id, r]) => groupView(world, namer, id, r.Type === 'AWS::CodeDeploy::DeploymentGroup' ? r.Properties ?? {} : r.Properties!.DeploymentGroup, r))
    .sort((a, b) => a.key.localeCompare(b.key));
  const configs = Object.entries(resources).flatMap(([id, r]) => customConfig(world, namer, id, r)).sort(byJson);
  const unresolved = conditionFindings(template).map((f) => `${f.assignment}: ${namer.symbolOf(f.from)} names ${namer.symbolOf(f.to)} (${f.via})`);
  return { groups, configs, deniedCalls: await deniedCalls(app, namer), unresolvedUnderConditions: [...new Set(unresolved)].sort() };
}

/** Replaces every physical name of the template's resources by a symbol. */
class Namer {
  private replacements: Array<[string, string]> = [];

  constructor(private readonly world: StackWorld, private readonly userIds: Record<string, string>, private readonly stackName = 'Stack') {
    const pairs: Array<[string, string]> = [];
    for (const id of Object.keys(world.resources)) {
      const symbol = `<${this.symbolOf(id)}>`;
      for (const value of [safe(() => world.ref(id)), safe(() => world.nameOf(id))]) {
        if (value && value.length > 3) {
          pairs.push([value, symbol]);
        }
      }
    }
    this.replacements = pairs.sort((a, b) => b[0].length - a[0].length);
  }

  /** A resource's symbol: the user's id, or what a generated resource is. */
  public symbolOf(logicalId: string): string {
    if (this.userIds[logicalId]) {
      return this.userIds[logicalId];
    }
    const resource = this.world.resources[logicalId];
    if (!resource) {
      return logicalId;
    }
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::Lambda::Version': return `version of ${this.targetSymbol(props.FunctionName)}`;
      case 'AWS::Lambda::Alias': return `alias ${this.text(props.Name)} of ${this.targetSymbol(props.FunctionName)}`;
      case 'AWS::CodeDeploy::Application': return 'application';
      default: return GENERATED_TYPES.has(resource.Type) ? resource.Type.split('::')[2] : `generated ${resource.Type}`;
    }
  }

  /** The symbol of the resource a `Ref` or `Fn::GetAtt` names, or the value as text. */
  private targetSymbol(value: Json): string {
    const target = value?.Ref ?? (Array.isArray(value?.['Fn::GetAtt']) ? value['Fn::GetAtt'][0] : undefined);
    return typeof target === 'string' && this.world.resources[target] ? this.symbolOf(target) : this.text(value);
  }

  /** A value resolved and with names replaced by symbols; `Fn::If` kept as a choice. */
  public value(value: Json): Json {
    if (Array.isArray(value)) {
      return value.map((item) => this.value(item));
    }
    if (value && typeof value === 'object') {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === 'Fn::If') {
        const [condition, then, otherwise] = value['Fn::If'];
        return { if: [condition, this.value(then), this.value(otherwise)] };
      }
      if (keys.length === 1 && keys[0] === 'Ref' && value.Ref === 'AWS::NoValue') {
        return '(no value)';
      }
      if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
        return this.text(value);
      }
      return Object.fromEntries(keys.map((key) => [key, this.value(value[key])]));
    }
    return typeof value === 'string' ? this.rename(value) : value;
  }

  /** A value resolved to text, with names replaced. */
  public text(value: Json): string {
    const resolved = safe(() => this.world.resolveAny(value));
    return resolved === undefined ? JSON.stringify(value) : this.rename(typeof resolved === 'string' ? resolved : JSON.stringify(resolved));
  }

  /** A name, with only the stack's name replaced (`<stack name>-LambdaCanary5Percent1Minute`). */
  public withoutStackName(text: string): string {
    return text.split(this.stackName).join('<stack name>');
  }

  public rename(text: string): string {
    let result = text;
    for (const [from, to] of this.replacements) {
      result = result.split(from).join(to);
    }
    return result
      .split(this.stackName).join('<stack name>')
      .replace(/arn:aws:([a-z0-9-]+):us-east-1:111111111111:/g, 'arn:aws:$1:<region>:<account>:')
      .replace(/arn:aws:iam::111111111111:/g, 'arn:aws:iam::<account>:');
  }
}

function groupView(world: StackWorld, namer: Namer, logicalId: string, props: Json, resource: Resource): GroupView {
  // The alias whose update this group deploys (compared before names become symbols: every group's symbol is the same).
  const groupName = world.ref(logicalId);
  const alias = Object.entries(world.resources).find(([, r]) => r.Type === 'AWS::Lambda::Alias'
    && r.UpdatePolicy?.CodeDeployLambdaAliasUpdate
    && safe(() => world.resolve(r.UpdatePolicy!.CodeDeployLambdaAliasUpdate.DeploymentGroupName)) === groupName);
  const platform = alias ? 'Lambda' : 'Server';
  const key = alias ? `alias ${namer.text(alias[1].Properties!.Name)} of ${namer.text(alias[1].Properties!.FunctionName)}`
    : `server group ${props.AutoScalingGroups ? namer.text(props.AutoScalingGroups) : ''}${props.Ec2TagSet ? ' tags' : ''}`.trim();
  const { alarms, alarmConfiguration } = alarmAspects(world, namer, props.AlarmConfiguration);
  const update = alias?.[1].UpdatePolicy?.CodeDeployLambdaAliasUpdate ?? {};
  const aspects: Record<string, Json> = {
    deploymentConfig: deploymentConfig(world, namer, props.DeploymentConfigName ?? (platform === 'Lambda' ? 'CodeDeployDefault.LambdaCanary10Percent5Minutes' : 'CodeDeployDefault.OneAtATime')),
    deploymentGroupName: props.DeploymentGroupName === undefined ? '(generated by CloudFormation)' : namer.value(props.DeploymentGroupName),
    // CloudFormation's defaults when a property is absent: in place, without traffic control.
    deploymentStyle: {
      type: props.DeploymentStyle?.DeploymentType ?? 'IN_PLACE',
      option: props.DeploymentStyle?.DeploymentOption ?? 'WITHOUT_TRAFFIC_CONTROL',
    },
    alarms,
    alarmConfiguration,
    rollback: truthy(props.AutoRollbackConfiguration?.Enabled)
      ? [...namer.value(props.AutoRollbackConfiguration.Events ?? [])].sort()
      : '(no automatic rollback)',
    triggers: (props.TriggerConfigurations ?? []).map((trigger: Json) => ({
      name: namer.value(trigger.TriggerName), events: [...namer.value(trigger.TriggerEvents)].sort(), target: namer.text(trigger.TriggerTargetArn),
    })),
    application: namer.text(props.ApplicationName),
    conditions: {
      deploymentGroup: conditionOf(resource),
      ...(alias ? { alias: conditionOf(alias[1]) } : {}),
    },
    serviceRole: serviceRole(world, namer, props.ServiceRoleArn),
  };
  if (alias) {
    const aliasProps = alias[1].Properties!;
    aspects.alias = {
      name: namer.text(aliasProps.Name),
      function: namer.text(aliasProps.FunctionName),
      version: namer.text(aliasProps.FunctionVersion),
      provisionedConcurrency: aliasProps.ProvisionedConcurrencyConfig === undefined ? '(none)' : namer.value(aliasProps.ProvisionedConcurrencyConfig),
    };
    aspects.hooks = {
      beforeAllowTraffic: update.BeforeAllowTrafficHook === undefined ? '(none)' : namer.text(update.BeforeAllowTrafficHook),
      afterAllowTraffic: update.AfterAllowTrafficHook === undefined ? '(none)' : namer.text(update.AfterAllowTrafficHook),
    };
  } else {
    aspects.targets = {
      autoScalingGroups: props.AutoScalingGroups ? [...namer.value(props.AutoScalingGroups)].sort() : [],
      ec2TagSet: tagSet(namer, props.Ec2TagSet?.Ec2TagSetList?.map((g: Json) => g.Ec2TagGroup) ?? (props.Ec2TagFilters ? [props.Ec2TagFilters] : [])),
      onPremisesTagSet: tagSet(namer, props.OnPremisesTagSet?.OnPremisesTagSetList?.map((g: Json) => g.OnPremisesTagGroup)
        ?? (props.OnPremisesInstanceTagFilters ? [props.OnPremisesInstanceTagFilters] : [])),
    };
    aspects.loadBalancers = {
      classic: (props.LoadBalancerInfo?.ElbInfoList ?? []).map((lb: Json) => namer.text(lb.Name)).sort(),
      targetGroups: (props.LoadBalancerInfo?.TargetGroupInfoList ?? []).map((tg: Json) => namer.text(tg.Name)).sort(),
    };
    // CodeDeploy's defaults when a property is absent: update outdated instances, no termination hook.
    aspects.outdatedInstances = props.OutdatedInstancesStrategy ?? 'UPDATE';
    aspects.terminationHook = truthy(props.TerminationHookEnabled);
    aspects.suspendedProcesses = [...(props.Ec2DeploymentOptions?.AutoScalingGroupProcessesToSuspend ?? [])].sort();
    aspects.blueGreen = props.BlueGreenDeploymentConfiguration ? namer.value(props.BlueGreenDeploymentConfiguration) : '(in place)';
    aspects.agent = agentInstallation(world, namer, props.AutoScalingGroups ?? []);
  }
  return { key, aspects };
}

/**
 * The group's alarms and alarm configuration; a deploy-time choice between configurations (an
 * `Fn::If` over the property, or over its alarm list) stays a choice.
 */
function alarmAspects(world: StackWorld, namer: Namer, configuration: Json): { alarms: Json; alarmConfiguration: Json } {
  const choice = configuration?.['Fn::If'] ?? (configuration?.Alarms?.['Fn::If']
    ? [configuration.Alarms['Fn::If'][0], ...[1, 2].map((i) => ({ ...configuration, Alarms: configuration.Alarms['Fn::If'][i] }))] : undefined);
  if (choice) {
    const [condition, then, otherwise] = choice;
    const [a, b] = [then, otherwise].map((branch) => alarmAspects(world, namer, branch));
    return { alarms: { if: [condition, a.alarms, b.alarms] }, alarmConfiguration: { if: [condition, a.alarmConfiguration, b.alarmConfiguration] } };
  }
  const list: Json[] = configuration?.Alarms ?? [];
  return {
    alarms: list.map((alarm) => alarmView(world, namer, alarm.Name)).sort(byJson),
    // CodeDeploy ignores the alarm configuration of a group without alarms.
    alarmConfiguration: list.length > 0
      ? { enabled: truthy(configuration.Enabled), ignorePollAlarmFailure: truthy(configuration.IgnorePollAlarmFailure) }
      : '(no alarms)',
  };
}

function conditionOf(resource: Resource): string {
  return (resource as Resource & { Condition?: string }).Condition ?? '(always)';
}

function truthy(value: Json): boolean {
  return value === true || value === 'true';
}

function tagSet(namer: Namer, groups: Json[][]): Json[] {
  return groups.map((group) => group.map((tag: Json) => ({
    type: tag.Type,
    ...(tag.Key !== undefined ? { key: namer.value(tag.Key) } : {}),
    ...(tag.Value !== undefined ? { value: namer.value(tag.Value) } : {}),
  })).sort(byJson));
}

/** A deployment config's shape: predefined by name, or read from the template's config resource; a name otherwise. */
function deploymentConfig(world: StackWorld, namer: Namer, name: Json): Json {
  if (name && typeof name === 'object' && name['Fn::If']) {
    const [condition, then, otherwise] = name['Fn::If'];
    return { if: [condition, deploymentConfig(world, namer, then), deploymentConfig(world, namer, otherwise)] };
  }
  if (name && typeof name === 'object' && typeof name.Ref === 'string' && world.resources[name.Ref]?.Type === 'AWS::CodeDeploy::DeploymentConfig') {
    return configShape(world, world.resources[name.Ref].Properties ?? {});
  }
  const resolved = safe(() => world.resolve(name));
  if (resolved === undefined) {
    return { name: namer.value(name) };
  }
  if (PREDEFINED[resolved]) {
    return PREDEFINED[resolved];
  }
  // A custom config of the template, created under a name (CloudFormation's or a custom resource's).
  const own = Object.entries(world.resources).find(([id]) => safe(() => world.nameOf(id)) === resolved && world.resources[id].Type === 'AWS::CodeDeploy::DeploymentConfig');
  if (own) {
    return configShape(world, own[1].Properties ?? {});
  }
  const custom = customResourceConfigs(world).find((config) => config.name === resolved);
  return custom ? custom.shape : { name: namer.rename(resolved) };
}

function configShape(world: StackWorld, props: Json): Json {
  const routing = props.TrafficRoutingConfig;
  if (routing) {
    const step = routing.TimeBasedCanary ?? routing.TimeBasedLinear;
    return step
      ? {
        type: routing.Type,
        percentage: Number(step.CanaryPercentage ?? step.LinearPercentage),
        interval: Number(step.CanaryInterval ?? step.LinearInterval),
      }
      : { type: routing.Type };
  }
  const hosts = props.MinimumHealthyHosts;
  return {
    ...(hosts ? { minimumHealthyHosts: { type: hosts.Type, value: Number(world.resolveAny(hosts.Value)) } } : {}),
    ...(props.ZonalConfig ? { zonal: world.resolveAny(props.ZonalConfig) } : {}),
  };
}

/** aws-cdk-lib's deprecated CustomLambdaDeploymentConfig: a Custom::AWS resource that calls CreateDeploymentConfig. */
function customResourceConfigs(world: StackWorld): Array<{ name: string; shape: Json }> {
  return Object.values(world.resources).filter((r) => r.Type === 'Custom::AWS').flatMap((r) => {
    const create = JSON.parse(world.resolve(r.Properties!.Create));
    if (create.action !== 'createDeploymentConfig') {
      return [];
    }
    const routing = create.parameters.trafficRoutingConfig;
    const step = routing.timeBasedCanary ?? routing.timeBasedLinear;
    return [{
      name: create.parameters.deploymentConfigName,
      shape: {
        type: routing.type,
        percentage: Number(step.canaryPercentage ?? step.linearPercentage),
        interval: Number(step.canaryInterval ?? step.linearInterval),
      },
    }];
  });
}

function customConfig(world: StackWorld, namer: Namer, logicalId: string, resource: Resource): Json[] {
  if (resource.Type === 'AWS::CodeDeploy::DeploymentConfig') {
    const props = resource.Properties ?? {};
    return [{
      resource: 'AWS::CodeDeploy::DeploymentConfig',
      // The name itself, not the config's symbol: CodeDeploy and other stacks know the config by it.
      name: props.DeploymentConfigName === undefined ? '(generated by CloudFormation)' : namer.withoutStackName(world.resolve(props.DeploymentConfigName)),
      shape: configShape(world, props),
    }];
  }
  if (resource.Type === 'Custom::AWS') {
    return customResourceConfigs(world).filter(() => JSON.parse(world.resolve(resource.Properties!.Create)).action === 'createDeploymentConfig')
      .map(({ name, shape }) => ({ resource: 'Custom::AWS (an SDK call from a Lambda function)', name, shape }))
      .slice(0, 1);
  }
  void logicalId;
  return [];
}

/** An alarm of the group: what it watches and when it fires, or the name of an alarm made elsewhere. */
function alarmView(world: StackWorld, namer: Namer, name: Json): Json {
  const resolved = world.resolve(name);
  const found = Object.entries(world.resources).find(([id, r]) => r.Type === 'AWS::CloudWatch::Alarm' && world.nameOf(id) === resolved);
  if (!found) {
    return { alarm: namer.rename(resolved), definedIn: 'elsewhere' };
  }
  const [id, alarm] = found;
  const p = alarm.Properties!;
  const metrics = p.Metrics
    ? p.Metrics.map((m: Json) => (m.Expression ? { expression: m.Expression, id: m.Id } : {
      id: m.Id,
      ...metricView(namer,
        m.MetricStat.Metric, m.MetricStat.Stat, m.MetricStat.Period),
    }))
    : [metricView(namer, p, p.Statistic ?? p.ExtendedStatistic, p.Period)];
  const dimensions = metrics.flatMap((m: Json) => Object.keys(m.dimensions ?? {}));
  return {
    alarm: namer.symbolOf(id).startsWith('generated') ? '(generated)' : namer.symbolOf(id),
    watches: dimensions.includes('ExecutedVersion') ? 'the new version (alias metrics of the version being deployed)'
      : dimensions.includes('Resource') ? 'the alias (every version it routes to)'
        : dimensions.includes('FunctionName') ? 'the function (every version)' : 'its own metrics',
    metrics,
    threshold: Number(world.resolveAny(p.Threshold)),
    comparison: p.ComparisonOperator,
    evaluationPeriods: Number(world.resolveAny(p.EvaluationPeriods)),
    ...(p.DatapointsToAlarm !== undefined ? { datapointsToAlarm: Number(world.resolveAny(p.DatapointsToAlarm)) } : {}),
    treatMissingData: p.TreatMissingData ?? 'missing',
  };
}

function metricView(namer: Namer, metric: Json, statistic: Json, period: Json): Json {
  const dimensions = Object.fromEntries((metric.Dimensions ?? []).map((d: Json) => [d.Name, namer.text(d.Value)]));
  return { namespace: metric.Namespace, metricName: metric.MetricName, dimensions, statistic, period: Number(period ?? 60) };
}

/** The service role: who may assume it, and the AWS managed policies it holds (what it may do is in the denied calls). */
function serviceRole(world: StackWorld, namer: Namer, arn: Json): Json {
  const resolved = world.resolve(arn);
  const role = Object.entries(world.resources).find(([id, r]) => r.Type === 'AWS::IAM::Role' && safe(() => world.getAtt(id, 'Arn')) === resolved);
  if (!role) {
    return { role: namer.rename(resolved), definedIn: 'elsewhere' };
  }
  const props = role[1].Properties ?? {};
  const principals = (props.AssumeRolePolicyDocument?.Statement ?? []).flatMap((s: Json) => [s.Principal?.Service ?? []].flat())
    .map((p: Json) => namer.text(p)).sort();
  const managed = [world.resolveAny(props.ManagedPolicyArns ?? [])].flat().map((p: Json) => String(p).split('/').pop()).sort();
  return { assumedBy: principals, awsManagedPolicies: managed };
}

/** How the CodeDeploy agent reaches the Auto Scaling groups' instances. */
function agentInstallation(world: StackWorld, namer: Namer, groups: Json[]): Json {
  if (groups.length === 0) {
    return '(no Auto Scaling group)';
  }
  const names = new Set(groups.map((g) => world.resolve(g)));
  const ways = new Set<string>();
  for (const [, r] of Object.entries(world.resources)) {
    if (r.Type === 'AWS::SSM::Association' && JSON.stringify(r.Properties).includes('AWSCodeDeployAgent')) {
      ways.add('Systems Manager State Manager association (AWSCodeDeployAgent package)');
    }
  }
  const userData = JSON.stringify(Object.values(world.resources)
    .filter((r) => r.Type === 'AWS::AutoScaling::LaunchConfiguration' || r.Type === 'AWS::EC2::LaunchTemplate').map((r) => r.Properties));
  if (/aws-codedeploy-/.test(userData)) {
    ways.add('user data (the installer from the Region\'s aws-codedeploy bucket)');
  }
  void names;
  void namer;
  return ways.size > 0 ? [...ways].sort() : '(not installed by the template)';
}

/** The calls of CodeDeploy and of the user's hooks that the template's policies (and CodeDeploy's AWS managed ones) do not allow. */
async function deniedCalls(app: AppWorld, namer: Namer): Promise<string[]> {
  const calls = appCalls(app).filter((call) => call.actor.startsWith('CodeDeploy for ') || call.actor.startsWith('hook '));
  const roles = rolesWithPolicies(app);
  const denied: string[] = [];
  for (const call of calls) {
    const role = roles.find((candidate) => candidate.arn === call.roleArn);
    const managed: LocatedPolicy[] = (role?.managedPolicyArns ?? []).flatMap((arn) => {
      const policy = codeDeployManagedPolicy(arn);
      return policy ? [{ source: policy.name, kind: 'identity' as const, document: policy.document }] : [];
    });
    const documents = [...(role?.policies ?? []), ...managed].map((policy) => policy.document);
    const result = documents.length === 0 ? 'no policy in the template' : await evaluate(call, documents);
    if (result !== 'Allowed') {
      const actor = call.actor.startsWith('hook ') ? `hook ${namer.rename(call.actor.split(' ')[1])}` : 'CodeDeploy';
      denied.push(`${actor}: ${call.action} on ${namer.rename(call.resource)} (${result})`);
    }
  }
  return [...new Set(denied)].sort();
}

function byJson(a: Json, b: Json): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
