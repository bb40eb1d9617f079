import type { CreateDeploymentGroupInput } from '@aws-sdk/client-codedeploy';
import { DEPLOYMENT_GROUP_PROPERTIES_SHAPE, PropertyShape } from '../../../contract/deployment-group';

/**
 * Reads the `DeploymentGroup` property (AWS::CodeDeploy::DeploymentGroup's CloudFormation shape,
 * every leaf a string) into the SDK's CreateDeploymentGroupInput: keys lower-camel-cased, booleans
 * and integers coerced. Only the fields a blue/green `ServerRollout` sends are known (no tag sets,
 * ECS services, on-premises filters or tags); anything else is refused, every problem at once.
 * Enum values (DeploymentType, actions, events...) are passed through: CodeDeploy checks them and
 * names the field in its error.
 */

/** CodeDeploy names (applications, deployment groups) are 1 to 100 characters (API reference, CreateDeploymentGroup). */
export const MAX_NAME_LENGTH = 100;

/** The custom resource's properties besides `ServiceToken`: the fields the handler supports, in the contract. */
const PROPERTIES = DEPLOYMENT_GROUP_PROPERTIES_SHAPE;

/** A deployment group as CreateDeploymentGroup takes it; the names are always there. */
export type GroupInput = CreateDeploymentGroupInput & { readonly applicationName: string; readonly deploymentGroupName: string };

type GroupInputResult =
  | { readonly ok: true; readonly input: GroupInput }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Reads the custom resource's properties (ServiceToken is ignored). */
export function readGroupInput(resourceProperties: Record<string, unknown>): GroupInputResult {
  const { ServiceToken: _serviceToken, ...properties } = resourceProperties;
  const problems: string[] = [];
  const converted = convert(properties, PROPERTIES, '', problems) as { deploymentGroup?: GroupInput } | undefined;
  const input = converted?.deploymentGroup;
  if (input) {
    for (const [field, value] of [['ApplicationName', input.applicationName], ['DeploymentGroupName', input.deploymentGroupName]] as const) {
      if (value.length > MAX_NAME_LENGTH) {
        problems.push(`DeploymentGroup.${field} must be at most ${MAX_NAME_LENGTH} characters, got ${value.length}`);
      }
    }
  }
  return problems.length === 0 && input ? { ok: true, input } : { ok: false, problems };
}

/** `AutoScalingGroups` of a `DeploymentGroup` property as given, or undefined if it is not a list of strings. */
export function rawAutoScalingGroups(resourceProperties: Record<string, unknown> | undefined): readonly string[] | undefined {
  const group = resourceProperties?.DeploymentGroup;
  if (typeof group !== 'object' || group === null) return undefined;
  const groups = (group as Record<string, unknown>).AutoScalingGroups;
  return Array.isArray(groups) && groups.every((name) => typeof name === 'string') ? groups : undefined;
}

/** A string field of a `DeploymentGroup` property as given (for Delete and for comparing old and new). */
export function rawGroupField(resourceProperties: Record<string, unknown> | undefined, field: 'ApplicationName' | 'DeploymentGroupName'): string | undefined {
  const group = resourceProperties?.DeploymentGroup;
  if (typeof group !== 'object' || group === null) return undefined;
  const value = (group as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

function convert(value: unknown, shape: PropertyShape, path: string, problems: string[]): unknown {
  switch (shape.kind) {
    case 'string':
      if (typeof value === 'string' && value.length > 0) return value;
      problems.push(`${path} must be a non-empty string, got ${show(value)}`);
      return undefined;
    case 'boolean':
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false') return false;
      problems.push(`${path} must be "true" or "false", got ${show(value)}`);
      return undefined;
    case 'integer': {
      const text = typeof value === 'number' ? String(value) : value;
      if (typeof text === 'string' && /^\d{1,9}$/.test(text)) return Number(text);
      problems.push(`${path} must be a non-negative integer, got ${show(value)}`);
      return undefined;
    }
    case 'list':
      if (!Array.isArray(value)) {
        problems.push(`${path} must be a list, got ${show(value)}`);
        return undefined;
      }
      return value.map((item, i) => convert(item, shape.of, `${path}[${i}]`, problems));
    case 'object':
      return convertObject(value, shape, path, problems);
  }
}

function convertObject(value: unknown, shape: Extract<PropertyShape, { kind: 'object' }>, path: string, problems: string[]): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path || 'The properties'} must be an object, got ${show(value)}`);
    return undefined;
  }
  const result: Record<string, unknown> = {};
  const known = Object.keys(shape.fields);
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    const fieldPath = path ? `${path}.${key}` : key;
    const fieldShape = Object.prototype.hasOwnProperty.call(shape.fields, key) ? shape.fields[key] : undefined;
    if (!fieldShape) {
      problems.push(`${fieldPath} is not supported (supported: ${known.join(', ')})`);
      continue;
    }
    result[lowerCamelCase(key)] = convert(field, fieldShape, fieldPath, problems);
  }
  for (const key of shape.required ?? []) {
    if (!(key in (value as object))) problems.push(`${path ? `${path}.` : ''}${key} is required`);
  }
  return result;
}

/** `ElbInfoList` → `elbInfoList`, `TargetGroupInfoList` → `targetGroupInfoList`. */
function lowerCamelCase(key: string): string {
  return key.charAt(0).toLowerCase() + key.slice(1);
}

/** A value as it appears in a message, cut to stay readable. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
