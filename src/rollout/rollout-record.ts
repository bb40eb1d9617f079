import { CfnResource, Lazy, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { RecordedReference, ROLLOUT_RECORD_KEY, ROLLOUT_RECORD_VERSION, RolloutRecord } from '../contract/rollout-record';

/** What a rollout records, by construct; turned into logical ids and names at synth. */
export interface RolloutRecordSource {
  readonly kind: RolloutRecord['kind'];
  /** The CodeDeploy application: its resource when it is one of this stack's, and its name. */
  readonly application: { readonly resource?: IConstruct; readonly name: string };
  readonly deploymentGroupName?: string;
  readonly alias?: IConstruct;
  readonly hookSettings?: IConstruct;
  readonly hookLogGroup?: IConstruct;
  readonly blueGreen?: boolean;
}

/**
 * Writes the rollout's record (src/contract/rollout-record.ts) into the `Metadata` of its deployment
 * group resource, for `cdk-rollouts watch`. Logical ids are read at synth (an overridden logical id
 * is the one written); a resource of another stack, or a name that is a token, is left out, never
 * written as a reference (a reference would make aws-cdk-lib export it from the other stack).
 */
export function recordRollout(rollout: IConstruct, deploymentGroup: IConstruct, source: RolloutRecordSource): void {
  const stack = Stack.of(rollout);
  const groupResource = cfnResourceOf(deploymentGroup);
  if (!groupResource) throw new Error(`${deploymentGroup.node.path} is not a CloudFormation resource and has none as its default child`);
  const reference = (resource: IConstruct | undefined, name?: string): RecordedReference | undefined => {
    const cfn = resource ? cfnResourceOf(resource) : undefined;
    if (cfn && Stack.of(cfn) === stack) return { logicalId: stack.getLogicalId(cfn) };
    return name !== undefined && !Token.isUnresolved(name) ? { name } : undefined;
  };
  const record = Lazy.any({
    produce: (): RolloutRecord => ({
      version: ROLLOUT_RECORD_VERSION,
      kind: source.kind,
      path: rollout.node.path.slice(stack.node.path.length + 1),
      application: reference(source.application.resource, source.application.name) ?? {},
      ...optional('deploymentGroupName', source.deploymentGroupName !== undefined && !Token.isUnresolved(source.deploymentGroupName)
        ? source.deploymentGroupName : undefined),
      ...optional('alias', reference(source.alias)),
      ...optional('hookSettings', reference(source.hookSettings)),
      ...optional('hookLogGroup', reference(source.hookLogGroup)),
      ...optional('blueGreen', source.blueGreen || undefined),
    }),
  });
  groupResource.addMetadata(ROLLOUT_RECORD_KEY, record);
}

function cfnResourceOf(construct: IConstruct): CfnResource | undefined {
  if (CfnResource.isCfnResource(construct)) return construct;
  const child = construct.node.defaultChild;
  return child && CfnResource.isCfnResource(child) ? child : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
