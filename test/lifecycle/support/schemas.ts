import * as fs from 'fs';
import * as path from 'path';

/**
 * Which property changes replace a resource, and what identifies one, from CloudFormation's
 * resource provider schemas (`createOnlyProperties`, `primaryIdentifier`), extracted from cfn-lint
 * by build-tools/extract-resource-schemas.py. "Replacement: AWS CloudFormation recreates the
 * resource during an update, which also generates a new physical ID. AWS CloudFormation usually
 * creates the replacement resource first, changes references from other dependent resources to
 * point to the replacement resource, and then deletes the old resource" (User Guide, "Update
 * behaviors of stack resources",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html);
 * "you can't perform an update that causes a custom-named resource to be replaced" (User Guide,
 * "Name type", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html).
 */

interface TypeSchema {
  readonly createOnlyProperties: readonly string[];
  readonly primaryIdentifier: readonly string[];
  readonly readOnlyProperties: readonly string[];
}

const file = JSON.parse(fs.readFileSync(path.join(__dirname, 'resource-schemas.json'), 'utf8')) as {
  readonly source: string;
  readonly types: Readonly<Record<string, TypeSchema>>;
};

export const SCHEMAS_SOURCE = file.source;

/** A property path of a schema (`/properties/A/B`) as keys. */
function keys(pointer: string): string[] {
  return pointer.replace(/^\/properties\//, '').split('/');
}

function at(properties: Record<string, unknown> | undefined, pointer: string): unknown {
  return keys(pointer).reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), properties);
}

/** Whether the change from `before` to `after` (resolved properties) replaces a resource of `type`. Custom resources never are by their properties. */
export function requiresReplacement(type: string, before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  const schema = file.types[type];
  if (!schema) {
    if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return false;
    throw new Error(`resource-schemas.json has no ${type}: add it to build-tools/extract-resource-schemas.py`);
  }
  return schema.createOnlyProperties.some((pointer) => JSON.stringify(at(before, pointer)) !== JSON.stringify(at(after, pointer)));
}

/**
 * What identifies a resource among others of its type, when the template sets it: the writable
 * members of its primary identifier (a deployment group: its application and name), or, for a
 * Lambda alias whose identifier is its ARN, the function and alias name it is made of. Undefined
 * when CloudFormation generates the identifier (a replacement then gets a new one).
 */
export function identityOf(type: string, properties: Record<string, unknown>): string | undefined {
  if (type === 'AWS::Lambda::Alias') return JSON.stringify([properties.FunctionName, properties.Name]);
  const schema = file.types[type];
  if (!schema) return undefined;
  const writable = schema.primaryIdentifier.filter((pointer) => !schema.readOnlyProperties.includes(pointer));
  if (writable.length === 0 || writable.length !== schema.primaryIdentifier.length) return undefined;
  const values = writable.map((pointer) => at(properties, pointer));
  return values.every((value) => value !== undefined) ? JSON.stringify(values) : undefined;
}
