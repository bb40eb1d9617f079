import { DEPLOYMENT_GROUP, RuleVerdict, TemplateResource, verdict } from '../template';

/** A deployment group does not carry on when CodeDeploy cannot read its alarms (IgnorePollAlarmFailure). */
export function pollAlarmFailureStops(resource: TemplateResource): RuleVerdict {
  if (resource.type !== DEPLOYMENT_GROUP) {
    return RuleVerdict.NOT_APPLICABLE;
  }
  return verdict(resource.properties.AlarmConfiguration?.IgnorePollAlarmFailure !== true);
}
