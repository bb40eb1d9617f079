import { PREDEFINED_ALL_AT_ONCE } from './not-all-at-once';
import { DEPLOYMENT_CONFIG, DEPLOYMENT_GROUP, RuleVerdict, TemplateResource, verdict } from '../template';

/**
 * A server deployment keeps part of the fleet serving: a custom server config needs at least one
 * healthy host, and no deployment group uses the predefined `CodeDeployDefault.AllAtOnce`.
 */
export function fleetStaysUp(resource: TemplateResource): RuleVerdict {
  if (resource.type === DEPLOYMENT_CONFIG) {
    const minimumHealthy = resource.properties.MinimumHealthyHosts;
    return minimumHealthy === undefined ? RuleVerdict.NOT_APPLICABLE : verdict(minimumHealthy.Value !== 0);
  }
  if (resource.type === DEPLOYMENT_GROUP && resource.properties.DeploymentConfigName === PREDEFINED_ALL_AT_ONCE[0]) {
    return RuleVerdict.NON_COMPLIANT;
  }
  return RuleVerdict.NOT_APPLICABLE;
}
