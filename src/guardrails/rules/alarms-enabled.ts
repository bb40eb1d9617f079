import { DEPLOYMENT_GROUP, RuleVerdict, TemplateResource, verdict } from '../template';

/** A deployment group has an enabled alarm configuration with at least one alarm. */
export function alarmsEnabled(resource: TemplateResource): RuleVerdict {
  if (resource.type !== DEPLOYMENT_GROUP) {
    return RuleVerdict.NOT_APPLICABLE;
  }
  const config = resource.properties.AlarmConfiguration;
  return verdict(config?.Enabled === true && Array.isArray(config.Alarms) && config.Alarms.length > 0);
}
