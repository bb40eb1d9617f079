import { CfnResource, CustomResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DEPLOYMENT_GROUP_PROPERTIES_SHAPE, PropertyShape } from '../contract/deployment-group';
import { constructError } from '../private/validation';

/**
 * Makes the escape hatch of a blue/green group (`blueGreenDeploymentGroup`, a custom resource)
 * refuse at synth, with a message, a property override the server deployer would refuse at deploy
 * time: it creates the group from the fields of `DEPLOYMENT_GROUP_PROPERTIES_SHAPE` only, and a
 * stack whose update carries another field fails at that resource. An override of a field it
 * reads (e.g. `DeploymentGroup.AlarmConfiguration.IgnorePollAlarmFailure`) works as on a
 * `CfnDeploymentGroup`.
 *
 * Every override of a `CfnResource` (`addPropertyOverride`, `addPropertyDeletionOverride`,
 * `addDeletionOverride`) goes through its `addOverride`, which is checked here on this one resource.
 */
export function refuseUnsupportedOverrides(resource: CustomResource, rollout: IConstruct): void {
  const cfn = resource.node.defaultChild as CfnResource;
  const addOverride = cfn.addOverride.bind(cfn);
  cfn.addOverride = (path: string, value: unknown): void => {
    const segments = path.split(/(?<!\\)\./).map((segment) => segment.replace(/\\\./g, '.'));
    if (segments[0] === 'Properties') {
      const problem = overrideProblem(segments.slice(1), value);
      if (problem) {
        throw constructError('ServerRollout', rollout, `blueGreenDeploymentGroup cannot take the override of ${path}: ${problem}; `
          + 'the server deployer creates the group from the fields it reads only, and would fail the deployment');
      }
    }
    addOverride(path, value);
  };
}

/** What is wrong with setting (or, with `undefined`, deleting) the property at `segments`, if anything. */
function overrideProblem(segments: string[], value: unknown): string | undefined {
  let shape: PropertyShape = DEPLOYMENT_GROUP_PROPERTIES_SHAPE;
  let parent: PropertyShape | undefined;
  const at: string[] = ['Properties'];
  for (const segment of segments) {
    parent = shape;
    if (shape.kind === 'object') {
      const field: PropertyShape | undefined = Object.prototype.hasOwnProperty.call(shape.fields, segment) ? shape.fields[segment] : undefined;
      if (!field) {
        return `${[...at, segment].join('.')} is not a field the server deployer reads (${at.join('.')} takes ${Object.keys(shape.fields).join(', ')})`;
      }
      shape = field;
    } else if (shape.kind === 'list') {
      if (!/^\d+$/.test(segment)) {
        return `${at.join('.')} is a list, got the field ${segment}`;
      }
      shape = shape.of;
    } else {
      return `${at.join('.')} is a ${shape.kind}, got the field ${segment}`;
    }
    at.push(segment);
  }
  const name = segments[segments.length - 1];
  if (value === undefined) {
    return parent?.kind === 'object' && parent.required?.includes(name) ? `${at.join('.')} is required` : undefined;
  }
  return valueProblem(value, shape, at.join('.'));
}

/** What is wrong with `value` as a value of `shape`: a field the deployer does not read, or an object where a list belongs. */
function valueProblem(value: unknown, shape: PropertyShape, path: string): string | undefined {
  if (shape.kind === 'object' && isPlainObject(value)) {
    for (const [key, field] of Object.entries(value)) {
      const fieldShape = Object.prototype.hasOwnProperty.call(shape.fields, key) ? shape.fields[key] : undefined;
      const problem = fieldShape
        ? valueProblem(field, fieldShape, `${path}.${key}`)
        : `${path}.${key} is not a field the server deployer reads (${path} takes ${Object.keys(shape.fields).join(', ')})`;
      if (problem) {
        return problem;
      }
    }
  }
  if (shape.kind === 'list' && Array.isArray(value)) {
    return value.map((item, i) => valueProblem(item, shape.of, `${path}.${i}`)).find((problem) => problem !== undefined);
  }
  return undefined;
}

/** An object literal, not a token or an intrinsic function's result (both resolve to what CloudFormation passes). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && Object.getPrototypeOf(value) === Object.prototype && !Object.keys(value).some((key) => key.startsWith('Fn::') || key === 'Ref');
}
