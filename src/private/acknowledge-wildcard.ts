import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { acknowledge } from './acknowledge';

/**
 * Acknowledges the `AwsSolutions-IAM5` finding of one wildcard resource of a policy, and only that
 * one (e.g. a bucket's objects, or an Auto Scaling group's ARN, whose id part is unknowable).
 *
 * cdk-nag names the finding after the resource as the template resolves it, which for a bucket of
 * another stack is only known once references are resolved at synthesis, so the finding id is
 * computed then, when the tree is validated (before the validation plugins run).
 */
export function acknowledgeWildcardResource(policy: IConstruct, resource: string, reason: string): void {
  const acknowledged = new Set<string>();
  policy.node.addValidation({
    validate: () => {
      const id = `AwsSolutions-IAM5[Resource::${flattenReference(Stack.of(policy).resolve(resource))}]`;
      if (!acknowledged.has(id)) {
        acknowledged.add(id);
        acknowledge(policy, { id, reason });
      }
      return [];
    },
  });
}

/**
 * A resolved CloudFormation value as one string, the way cdk-nag names a resource in a finding id
 * (cdk-nag's `flattenCfnReference`, src/utils/flatten-cfn-reference.ts).
 */
function flattenReference(node: unknown): string {
  if (node === undefined) {
    return '';
  }
  if (typeof node === 'string') {
    return node.replace(/\${/g, '<').replace(/}/g, '>');
  }
  const value = node as Record<string, unknown>;
  if (value['Fn::Join']) {
    const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
    return items.map(flattenReference).join(delimiter);
  }
  if (value['Fn::Sub']) {
    return flattenReference(value['Fn::Sub']);
  }
  if (value['Fn::GetAtt']) {
    const [resource, attribute] = value['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
  }
  if (value['Fn::ImportValue']) {
    return flattenReference(value['Fn::ImportValue']);
  }
  if (value.Ref) {
    return `<${flattenReference(value.Ref)}>`;
  }
  return JSON.stringify(node);
}

