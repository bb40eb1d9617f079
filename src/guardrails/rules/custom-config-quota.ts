import { CUSTOM_DEPLOYMENT_CONFIGS } from '../../private/codedeploy-limits';
import { AppResource, AppRuleFinding, byEnvironment, describeEnvironment } from '../app-template';
import { DEPLOYMENT_CONFIG } from '../template';

/**
 * The app creates at most as many custom deployment configs for one account and Region as
 * CodeDeploy allows there (50, not adjustable): past that, the stack that creates one too many
 * fails at deploy time, however the stacks are split.
 */
export function customConfigQuota(resources: readonly AppResource[]): AppRuleFinding[] {
  const quota = CUSTOM_DEPLOYMENT_CONFIGS.perAccountAndRegion;
  return byEnvironment(resources.filter((r) => r.resource.type === DEPLOYMENT_CONFIG))
    .filter((configs) => configs.length > quota)
    .map((configs) => ({
      detail: `It creates ${configs.length} custom deployment configs for ${describeEnvironment(configs[0].environment)}, `
        + `in ${new Set(configs.map((c) => c.stackPath)).size} stacks; CodeDeploy allows ${quota} per account and Region (not adjustable).`,
      resources: configs,
    }));
}
