import { Acknowledgment, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges validation findings on a construct, each naming one finding with its reason: what
 * `Validations.of(construct).acknowledge(...)` does, on every aws-cdk-lib from the peer floor on.
 *
 * A cdk-nag finding (`<pack>-<rule>`, or `<pack>-<rule>[<finding>]`) is written as the metadata
 * entry that 2.269.0 and later write, `{ 'Annotation::<id>': reason }` under
 * `Validations.ACKNOWLEDGED_RULES_METADATA_KEY`: cdk-nag 3 reads exactly that entry, on the
 * resource and its scopes, with the `annotation::` prefix stripped (`NagPack.isAcknowledged`,
 * lib/nag-pack.js), so the acknowledgement covers that one finding of that one resource. Two reasons:
 * - aws-cdk-lib 2.257.0 to 2.268.0 split an id on every `::` and throw `InvalidValidationId` when
 *   there is more than one (`Validations.qualifyId`, core/lib/validation/validations.js), which is
 *   every finding whose bracket holds an ARN, e.g.
 *   `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]`;
 *   2.269.0 parses the `::` inside brackets as part of the rule (aws/aws-cdk#38787).
 * - `Validations.acknowledge` captures and renders the call's stack trace for every id, and then
 *   keeps it only in debug mode: about a millisecond per id, paid by every generated alarm
 *   (the synthesis bench's profile, docs/performance.md).
 * Every other id (one with a namespace of its own: `CloudFormation-Validate::F0007`,
 * `CodeDeployChecks::CodeDeploy-Notifications`) goes through `Validations`, which every supported
 * release accepts and which aws-cdk-lib's own validation reads.
 */
export function acknowledge(construct: IConstruct, ...findings: Acknowledgment[]): void {
  for (const { id, reason } of findings) {
    if (isFindingOfRule(id)) {
      construct.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [`${ANNOTATION_NAMESPACE}::${id}`]: reason });
    } else {
      Validations.of(construct).acknowledge({ id, reason });
    }
  }
}

/**
 * The namespace 2.269.0 and later give an id without one of its own (`namespaceFromPluginName('Annotation')`,
 * core/lib/validation/private/validation-id.js); 2.257.0 wrote `annotation::`, which cdk-nag reads alike.
 */
const ANNOTATION_NAMESPACE = 'Annotation';

/**
 * A finding id as cdk-nag names it, `<rule>` or `<rule>[<finding>]`, with every `::` inside the
 * bracket: the ids that 2.269.0 and later store under the annotation namespace. An id with a
 * namespace of its own (`CodeDeployChecks::CodeDeploy-Notifications`) is left to `Validations`.
 */
function isFindingOfRule(id: string): boolean {
  const bracket = id.indexOf('[');
  if (bracket < 0) {
    return /^[A-Za-z0-9.]+-[A-Za-z0-9]+$/.test(id);
  }
  return bracket > 0 && id.endsWith(']') && !id.slice(0, bracket).includes('::');
}
