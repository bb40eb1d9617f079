import { DEPLOYMENT_GROUP, referenced, RuleVerdict, TemplateResource, TemplateResources, verdict } from '../template';

/**
 * A deployment group's service role, when defined in the same template, holds no AWS managed
 * policy (such as AWSCodeDeployRole): those grant CodeDeploy's actions on every resource.
 */
export function scopedServiceRole(resource: TemplateResource, template: TemplateResources): RuleVerdict {
  if (resource.type !== DEPLOYMENT_GROUP) {
    return RuleVerdict.NOT_APPLICABLE;
  }
  const role = referenced(resource.properties.ServiceRoleArn, template);
  if (role?.type !== 'AWS::IAM::Role') {
    return RuleVerdict.NOT_APPLICABLE;
  }
  const policies: unknown[] = role.properties.ManagedPolicyArns ?? [];
  return verdict(!policies.some((policy) => JSON.stringify(policy).includes(':iam::aws:policy/')));
}
