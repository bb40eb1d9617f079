import { DEPLOYMENT_CONFIG, DEPLOYMENT_GROUP, referenced, RuleVerdict, TemplateResource, TemplateResources, verdict } from '../template';

/** The predefined configs that deploy to everything at once. */
export const PREDEFINED_ALL_AT_ONCE = ['CodeDeployDefault.AllAtOnce', 'CodeDeployDefault.LambdaAllAtOnce', 'CodeDeployDefault.ECSAllAtOnce'];

/**
 * A deployment group does not deploy all at once: neither a predefined all-at-once config, nor a
 * custom one that shifts all traffic in one step or needs no healthy host.
 */
export function notAllAtOnce(resource: TemplateResource, template: TemplateResources): RuleVerdict {
  if (resource.type !== DEPLOYMENT_GROUP) {
    return RuleVerdict.NOT_APPLICABLE;
  }
  const name = resource.properties.DeploymentConfigName;
  if (typeof name === 'string') {
    return verdict(!PREDEFINED_ALL_AT_ONCE.includes(name));
  }
  const config = referenced(name, template);
  if (config?.type !== DEPLOYMENT_CONFIG) {
    // Not set (CodeDeploy's default is one at a time), or defined elsewhere: nothing to read.
    return name === undefined ? RuleVerdict.COMPLIANT : RuleVerdict.NOT_APPLICABLE;
  }
  const routing = config.properties.TrafficRoutingConfig?.Type;
  const minimumHealthy = config.properties.MinimumHealthyHosts?.Value;
  return verdict(routing !== 'AllAtOnce' && minimumHealthy !== 0);
}
