import { DEPLOYMENT_GROUP, RuleVerdict, TemplateResource, verdict } from '../template';

/** A deployment group rolls back automatically when a deployment fails. */
export function rollbackOnFailure(resource: TemplateResource): RuleVerdict {
  if (resource.type !== DEPLOYMENT_GROUP) {
    return RuleVerdict.NOT_APPLICABLE;
  }
  const rollback = resource.properties.AutoRollbackConfiguration;
  return verdict(rollback?.Enabled === true && (rollback.Events ?? []).includes('DEPLOYMENT_FAILURE'));
}
