import { DEPLOYMENT_GROUP_RESOURCE_TYPE } from '../contract/deployment-group';

/** A resource of a synthesized CloudFormation template, as the guardrail rules read it. */
export interface TemplateResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, any>;
}

/** Every resource of the template a resource is in, by logical id: for rules that follow a `Ref` or `Fn::GetAtt`. */
export type TemplateResources = ReadonlyMap<string, TemplateResource>;

/** What a rule says of one resource. */
export enum RuleVerdict {
  COMPLIANT = 'compliant',
  NON_COMPLIANT = 'non-compliant',
  NOT_APPLICABLE = 'not-applicable',
}

/** A rule: a small pure function over one resource and the template it is in. */
export type GuardrailRule = (resource: TemplateResource, template: TemplateResources) => RuleVerdict;

export const DEPLOYMENT_GROUP = 'AWS::CodeDeploy::DeploymentGroup';
export const DEPLOYMENT_CONFIG = 'AWS::CodeDeploy::DeploymentConfig';

/**
 * A template's resource as the rules read it. A deployment group the library manages through a
 * custom resource (blue/green server rollouts) holds CloudFormation's deployment group properties
 * under `DeploymentGroup`, and is read as the deployment group it is.
 */
export function ruleResource(logicalId: string, resource: { Type: string; Properties?: Record<string, any> }): TemplateResource {
  if (resource.Type === DEPLOYMENT_GROUP_RESOURCE_TYPE) {
    return { logicalId, type: DEPLOYMENT_GROUP, properties: resource.Properties?.DeploymentGroup ?? {} };
  }
  return { logicalId, type: resource.Type, properties: resource.Properties ?? {} };
}

/** The resource a `{ Ref }` or `{ Fn::GetAtt }` points at, if it is in the same template. */
export function referenced(value: unknown, template: TemplateResources): TemplateResource | undefined {
  const v = value as { 'Ref'?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
  const id = v?.Ref ?? v?.['Fn::GetAtt']?.[0];
  return typeof id === 'string' ? template.get(id) : undefined;
}

/** `COMPLIANT` when `ok`, else `NON_COMPLIANT`. */
export function verdict(ok: boolean): RuleVerdict {
  return ok ? RuleVerdict.COMPLIANT : RuleVerdict.NON_COMPLIANT;
}
