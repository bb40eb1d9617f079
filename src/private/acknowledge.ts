import { Acknowledgment, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges validation findings on a construct, each naming one finding with its reason: what
 * `Validations.of(construct).acknowledge(...)` does, on every aws-cdk-lib from the peer floor on.
 *
 * aws-cdk-lib 2.257.0 to 2.268.0 split an id on every `::` and throw `InvalidValidationId` when
 * there is more than one (`Validations.qualifyId`, core/lib/validation/validations.js), which is
 * every cdk-nag finding whose bracket holds an ARN, e.g.
 * `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]`;
 * 2.269.0 parses the `::` inside brackets as part of the rule (aws/aws-cdk#38787). For those ids
 * this writes the metadata entry that 2.269.0 and later write, `{ 'Annotation::<id>': reason }`
 * under `Validations.ACKNOWLEDGED_RULES_METADATA_KEY`: cdk-nag 3 reads exactly that entry, on the
 * resource and its scopes, with the `annotation::` prefix stripped (`NagPack.isAcknowledged`,
 * lib/nag-pack.js), so the acknowledgement still covers that one finding of that one resource.
 * Every other id goes through `Validations`, which every supported release accepts.
 */
export function acknowledge(construct: IConstruct, ...findings: Acknowledgment[]): void {
  for (const { id, reason } of findings) {
    if (id.split('::').length > 2 && isFindingOfRule(id)) {
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
 * A finding id as cdk-nag names it, `<rule>[<finding>]`, with every `::` inside the bracket: the
 * ids that 2.269.0 and later store under the annotation namespace. An id with a namespace of its
 * own (`CodeDeployChecks::CodeDeploy-Notifications`) is left to `Validations`.
 */
function isFindingOfRule(id: string): boolean {
  const bracket = id.indexOf('[');
  return bracket > 0 && id.endsWith(']') && !id.slice(0, bracket).includes('::');
}
