import { PROPERTIES_THAT_DO_NOT_REDEPLOY } from '../../../contract/revision-deployment';

/**
 * Whether an Update changes what is deployed: the old and new properties differ in anything but
 * `PROPERTIES_THAT_DO_NOT_REDEPLOY`. Objects compare key by key whatever the key order; lists
 * compare in order; a key whose value is `undefined` counts as absent.
 */
export function changesDeployment(oldProperties: Record<string, unknown> | undefined, newProperties: Record<string, unknown>): boolean {
  return !deepEqual(withoutIgnored(oldProperties ?? {}), withoutIgnored(newProperties));
}

function withoutIgnored(properties: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (!PROPERTIES_THAT_DO_NOT_REDEPLOY.includes(key)) kept[key] = value;
  }
  return kept;
}

/** Whether two values are equal as JSON documents: objects key by key whatever the key order, lists in order, `undefined` values as absent keys. */
export function sameValue(a: unknown, b: unknown): boolean {
  return deepEqual(a, b);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const aKeys = definedKeys(a);
  const bKeys = definedKeys(b);
  return aKeys.length === bKeys.length
    && aKeys.every((key) => Object.prototype.hasOwnProperty.call(b, key)
      && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

function definedKeys(value: object): string[] {
  return Object.entries(value).filter(([, v]) => v !== undefined).map(([key]) => key);
}
