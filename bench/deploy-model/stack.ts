/**
 * What a synthesized template holds for the deployment model, read back from the template only
 * (as the guard simulator reads its alarms): every alias CodeDeploy deploys (its deployment group's
 * traffic shift and alarms, the library hook's settings, the aliases it waits for) and every
 * server revision deployment.
 */
import type { HookWork, TrafficSteps } from './calls';
import { REVISION_DEPLOYMENT_RESOURCE_TYPE } from '../../src/contract/revision-deployment';
import type { TrafficHookSettings } from '../../src/contract/traffic-hook';

type Json = any;

export interface TemplateRollout {
  /** The alias's logical id. */
  readonly id: string;
  readonly steps: TrafficSteps;
  readonly alarms: number;
  readonly hook?: HookWork;
  /** Aliases whose update this alias waits for (its DependsOn), in the same template. */
  readonly after: string[];
  /** The logical id of the version the alias deploys. */
  readonly version: string;
  /** Versions whose publication this rollout's version waits for (its DependsOn). */
  readonly versionAfter: string[];
}

export interface TemplateFleet {
  readonly id: string;
  readonly alarms: number;
}

export interface TemplateModel {
  readonly rollouts: TemplateRollout[];
  readonly fleets: TemplateFleet[];
}

export function templateModel(template: Json): TemplateModel {
  const resources: Record<string, Json> = template.Resources ?? {};
  const aliasIds = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::Lambda::Alias'
    && resources[id].UpdatePolicy?.CodeDeployLambdaAliasUpdate);
  const aliases = new Set(aliasIds);
  const rollouts = aliasIds.map((id): TemplateRollout => {
    const alias = resources[id];
    const groupId = alias.UpdatePolicy.CodeDeployLambdaAliasUpdate.DeploymentGroupName?.Ref;
    const group = resources[groupId]?.Properties;
    if (!group) throw new Error(`deploy model: alias ${id} names no deployment group of this template`);
    const dependsOn: string[] = [alias.DependsOn ?? []].flat();
    const version: string = alias.Properties.FunctionVersion?.['Fn::GetAtt']?.[0];
    if (resources[version]?.Type !== 'AWS::Lambda::Version') {
      throw new Error(`deploy model: alias ${id} deploys no AWS::Lambda::Version of this template`);
    }
    return {
      version,
      versionAfter: [resources[version].DependsOn ?? []].flat().filter((dep: string) => resources[dep]?.Type === 'AWS::Lambda::Version'),
      id,
      steps: trafficSteps(resources, group.DeploymentConfigName),
      alarms: alarmCount(group),
      hook: hookWork(resources, alias.Properties.FunctionName?.Ref, alarmCount(group)),
      after: dependsOn.filter((dep) => aliases.has(dep)),
    };
  });
  const fleets = Object.keys(resources).filter((id) => resources[id].Type === REVISION_DEPLOYMENT_RESOURCE_TYPE).map((id) => {
    const group = resources[id].Properties?.DeploymentGroupName?.Ref;
    return { id, alarms: resources[group] ? alarmCount(resources[group].Properties) : 0 };
  });
  return { rollouts, fleets };
}

function alarmCount(group: Json): number {
  const config = group.AlarmConfiguration;
  return config && (config.Enabled === true || config.Enabled === 'true') ? (config.Alarms ?? []).length : 0;
}

/** CodeDeploy's predefined Lambda configs (CodeDeploy User Guide, "Deployment configurations on an AWS Lambda compute platform"). */
const PREDEFINED = /^CodeDeployDefault\.Lambda(Canary|Linear)(\d+)Percent(?:Every)?(\d+)Minutes?$/;

/** The minutes of each shift after the first, from the group's deployment config (predefined by name, or the template's own). */
export function trafficSteps(resources: Record<string, Json>, configName: Json): TrafficSteps {
  if (configName === 'CodeDeployDefault.LambdaAllAtOnce') return { name: 'all at once', shiftMinutes: [0] };
  if (typeof configName === 'string') {
    const match = PREDEFINED.exec(configName);
    if (!match) throw new Error(`deploy model: unknown deployment config ${configName}`);
    return shape(match[1] === 'Canary' ? 'TimeBasedCanary' : 'TimeBasedLinear', Number(match[2]), Number(match[3]));
  }
  const routing = resources[configName?.Ref]?.Properties?.TrafficRoutingConfig;
  if (!routing) throw new Error(`deploy model: deployment config ${JSON.stringify(configName)} is not in the template`);
  if (routing.Type === 'AllAtOnce') return { name: 'all at once', shiftMinutes: [0] };
  const canary = routing.TimeBasedCanary;
  const linear = routing.TimeBasedLinear;
  return canary ? shape('TimeBasedCanary', canary.CanaryPercentage, canary.CanaryInterval)
    : shape('TimeBasedLinear', linear.LinearPercentage, linear.LinearInterval);
}

function shape(type: 'TimeBasedCanary' | 'TimeBasedLinear', percentage: number, minutes: number): TrafficSteps {
  if (type === 'TimeBasedCanary') return { name: `canary ${percentage}% ${minutes} min`, shiftMinutes: [0, minutes] };
  const shifts = Math.ceil(100 / percentage);
  return { name: `linear ${percentage}% every ${minutes} min`, shiftMinutes: Array.from({ length: shifts }, (_, i) => i * minutes) };
}

/** The library hook's work for the function `functionId`, from its settings parameter (none: the rollout does not use it). */
function hookWork(resources: Record<string, Json>, functionId: string | undefined, alarms: number): HookWork | undefined {
  const parameter = Object.values(resources).find((r) => r.Type === 'AWS::SSM::Parameter'
    && functionId !== undefined && JSON.stringify(r.Properties?.Name).includes(`{"Ref":"${functionId}"}`));
  if (!parameter) return undefined;
  const settings = JSON.parse(flatten(parameter.Properties.Value)) as TrafficHookSettings;
  const after = settings.afterAllowTraffic;
  return {
    smokeInvocations: settings.beforeAllowTraffic?.smokeTest.invocations ?? 0,
    bakeMinutes: (after?.bakeSeconds ?? 0) / 60,
    bakeReadsAlarms: (after?.alarmNames ?? []).length > 0 && alarms > 0,
    prunes: after?.keepVersions !== undefined,
  };
}

/** A template value as text, references written as their logical ids (enough to read the settings' JSON). */
function flatten(value: Json): string {
  if (typeof value === 'string') return value;
  if (value?.Ref) return value.Ref;
  if (value?.['Fn::GetAtt']) return value['Fn::GetAtt'].join('.');
  if (value?.['Fn::Join']) return value['Fn::Join'][1].map(flatten).join(value['Fn::Join'][0]);
  throw new Error(`deploy model: cannot read ${JSON.stringify(value)}`);
}
