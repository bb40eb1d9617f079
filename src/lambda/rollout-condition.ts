import { CfnCondition, CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Creates every resource of the rollout (its alias, deployment group, alarms, hook settings) only
 * when `condition` holds. Its share of the stack's policies is conditioned where it is granted.
 */
export function conditionRollout(rollout: IConstruct, condition: CfnCondition | undefined): void {
  if (!condition) {
    return;
  }
  for (const resource of rollout.node.findAll().filter(CfnResource.isCfnResource)) {
    resource.cfnOptions.condition = condition;
  }
}

/** What a rollout's resources and its share of the stack's policies name. */
export interface RolloutReferences {
  readonly function: IConstruct;
  readonly version: IConstruct;
  readonly hooks: IConstruct[];
  readonly alarms: IConstruct[];
  readonly topic?: IConstruct;
  readonly application?: IConstruct;
  readonly serviceRole?: IConstruct;
}

/**
 * The rollout's conditions, checked once the app is complete (an Aspect may have set some): the
 * rollout's own resources carry its `condition` prop and nothing else, and every resource they or
 * the rollout's policies name exists whenever the rollout does (no condition, or the rollout's). A
 * resource that names one that may not exist is a template CloudFormation refuses whenever the
 * condition is false (cfn-lint W1001); the stack's shared policies follow the `condition` prop only.
 */
export function checkRolloutConditions(rollout: IConstruct, condition: CfnCondition | undefined, references: RolloutReferences): string[] {
  const problems: string[] = [];
  const supported = 'condition a rollout with its condition prop (the same CfnCondition as its function\'s), '
    + 'which creates its alias, deployment group, alarms and permissions under it';
  const own = rollout.node.findAll().filter(CfnResource.isCfnResource).filter((resource) => resource.cfnOptions.condition !== condition);
  for (const [other, resources] of groupBy(own, (resource) => resource.cfnOptions.condition)) {
    problems.push(`${resources.map((resource) => resource.node.path).join(', ')} ${resources.length === 1 ? 'is' : 'are'} created ${describe(other)}, `
      + `and the rollout ${describe(condition)}: the stack's shared policies name ${resources.length === 1 ? 'it' : 'them'} and cannot follow that condition; ${supported}`);
  }
  const named: Array<[string, IConstruct | undefined]> = [
    ['function', references.function], ['its version', references.version],
    ...references.hooks.map((hook): [string, IConstruct] => ['hook', hook]),
    ...references.alarms.map((alarm): [string, IConstruct] => ['alarm', alarm]),
    ['notification topic', references.topic], ['application', references.application], ['serviceRole', references.serviceRole],
  ];
  for (const [role, construct] of named) {
    // The rollout's own resources are reported above.
    const resource = construct && !construct.node.scopes.includes(rollout) ? resourceOf(construct) : undefined;
    const its = resource?.cfnOptions.condition;
    if (resource && its !== undefined && its !== condition) {
      problems.push(`${role} ${construct!.node.path} is created ${describe(its)}, and the rollout, which names it, ${describe(condition)}: ${supported}`);
    }
  }
  const fnCondition = resourceOf(references.function)?.cfnOptions.condition;
  const versionCondition = resourceOf(references.version)?.cfnOptions.condition;
  if (fnCondition !== undefined && versionCondition !== fnCondition) {
    problems.push(`the version ${references.version.node.path} is created ${describe(versionCondition)}, and its function ${describe(fnCondition)}: `
      + 'give the function\'s versions its condition (an Aspect on the function\'s scope reaches them)');
  }
  return problems;
}

/** The CloudFormation resource of a construct, or the construct itself when it is one. */
function resourceOf(construct: IConstruct): CfnResource | undefined {
  if (CfnResource.isCfnResource(construct)) {
    return construct;
  }
  const child = construct.node.defaultChild;
  return child && CfnResource.isCfnResource(child) ? child : undefined;
}

function describe(condition: CfnCondition | undefined): string {
  return condition ? `only if condition ${Stack.of(condition).getLogicalId(condition)} holds` : 'always';
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  }
  return groups;
}
