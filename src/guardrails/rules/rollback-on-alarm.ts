import { DEPLOYMENT_GROUP, RuleVerdict, TemplateResource, verdict } from '../template';

/** A deployment group with alarms rolls back when one goes off; without alarms the rule does not apply. */
export function rollbackOnAlarm(resource: TemplateResource): RuleVerdict {
  const alarms = resource.properties.AlarmConfiguration?.Alarms;
  if (resource.type !== DEPLOYMENT_GROUP || !Array.isArray(alarms) || alarms.length === 0) {
    return RuleVerdict.NOT_APPLICABLE;
  }
  const rollback = resource.properties.AutoRollbackConfiguration;
  return verdict(rollback?.Enabled === true && (rollback.Events ?? []).includes('DEPLOYMENT_STOP_ON_ALARM'));
}
