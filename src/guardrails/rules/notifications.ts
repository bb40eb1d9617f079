import { DEPLOYMENT_GROUP, RuleVerdict, TemplateResource, verdict } from '../template';

/** A deployment group tells someone about its deployments (at least one trigger). */
export function notifies(resource: TemplateResource): RuleVerdict {
  if (resource.type !== DEPLOYMENT_GROUP) {
    return RuleVerdict.NOT_APPLICABLE;
  }
  const triggers = resource.properties.TriggerConfigurations;
  return verdict(Array.isArray(triggers) && triggers.length > 0);
}
