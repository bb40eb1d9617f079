import { AppResource, AppRuleFinding, byEnvironment, describeEnvironment } from '../app-template';
import { DEPLOYMENT_CONFIG } from '../template';

/**
 * No two deployment configs of the app have the same name in one account and Region: names are
 * unique there (CodeDeploy API reference, CreateDeploymentConfig:
 * DeploymentConfigAlreadyExistsException), so CloudFormation fails to create the second. Configs
 * without a literal name get a unique one from CloudFormation or from this library.
 */
export function uniqueConfigNames(resources: readonly AppResource[]): AppRuleFinding[] {
  const named = resources.filter((r) => r.resource.type === DEPLOYMENT_CONFIG && typeof r.resource.properties.DeploymentConfigName === 'string');
  return byEnvironment(named).flatMap((configs) => {
    const byName = new Map<string, AppResource[]>();
    for (const config of configs) {
      const name = config.resource.properties.DeploymentConfigName as string;
      byName.set(name, [...(byName.get(name) ?? []), config]);
    }
    return [...byName.entries()].filter(([, same]) => same.length > 1).map(([name, same]) => ({
      detail: `${same.map((c) => `${c.stackPath} (${c.resource.logicalId})`).join(', ')} each create '${name}' for ${describeEnvironment(same[0].environment)}.`,
      resources: same,
    }));
  });
}
