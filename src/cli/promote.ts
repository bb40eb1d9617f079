import { ContinueDeploymentCommand, DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import type { AwsClients } from './aws-clients';
import { getTargets, listTargets } from './deployment-targets';
import type { Rollout } from './discovery';
import { ActionResult, targetRollout } from './target-rollout';
import { promoteParameterName } from '../contract/traffic-hook';
import { appSpecTarget } from '../handlers/traffic-hook/app-spec-target';

/**
 * `cdk-rollouts promote`: what CodeDeploy lets a person hurry.
 * - A blue/green server deployment whose replacement waits for traffic (status Ready): ContinueDeployment
 *   with READY_WAIT reroutes it now (API reference, ContinueDeployment,
 *   https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_ContinueDeployment.html).
 * - A Lambda deployment in the library hook's bake (AfterAllowTraffic with `bakeTime`): the command
 *   writes the deployment's id to the rollout's promote parameter (contract/traffic-hook.ts), which
 *   the bake reads with the alarms once a minute and then reports the bake as passed.
 * Nothing else: CodeDeploy shifts a Lambda canary on its config's schedule and has no call to shift
 * early, and an in-place server deployment has no wait to end.
 */
export async function promote(clients: AwsClients, stackName: string, name: string): Promise<ActionResult> {
  const { rollout, deployment } = await targetRollout(clients, stackName, name);
  const base = { action: 'promote', rollout: rollout.label, deploymentGroup: rollout.deploymentGroupName };
  if (!deployment?.deploymentId) {
    return { done: false, text: `${rollout.label}: no deployment is in progress in deployment group ${rollout.deploymentGroupName}; nothing was promoted.`, data: base };
  }
  const id = deployment.deploymentId;
  if (rollout.kind === 'server') {
    if (deployment.status !== 'Ready') {
      return {
        done: false,
        text: `${rollout.label}: deployment ${id} is ${deployment.status}, not waiting for traffic to be rerouted; nothing was promoted `
          + '(CodeDeploy can only be told to continue a blue/green deployment that waits in status Ready).',
        data: { ...base, deploymentId: id, status: deployment.status },
      };
    }
    await clients.codedeploy.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' }));
    return {
      done: true,
      text: `${rollout.label}: told CodeDeploy to reroute traffic of deployment ${id} to the replacement instances now (ContinueDeployment, READY_WAIT).`,
      data: { ...base, deploymentId: id, call: 'ContinueDeployment', deploymentWaitType: 'READY_WAIT' },
    };
  }
  return promoteBake(clients, rollout, deployment, base);
}

async function promoteBake(clients: AwsClients, rollout: Rollout, deployment: DeploymentInfo, base: Record<string, unknown>): Promise<ActionResult> {
  const id = deployment.deploymentId!;
  const refuse = (why: string): ActionResult => ({ done: false, text: `${rollout.label}: ${why}; nothing was promoted.`, data: { ...base, deploymentId: id } });
  if (!rollout.hookSettingsParameter) {
    return refuse(`deployment ${id} has no bake to end: the rollout has no bakeTime, and CodeDeploy shifts a canary's traffic on its deployment config's schedule, with no call to shift early`);
  }
  const [target] = await getTargets(clients, id, await listTargets(clients, id));
  const afterTraffic = target?.lambdaTarget?.lifecycleEvents?.find((event) => event.lifecycleEventName === 'AfterAllowTraffic');
  if (afterTraffic?.status !== 'InProgress') {
    return refuse(`deployment ${id} is not baking yet (AfterAllowTraffic is ${afterTraffic?.status ?? 'unknown'}); CodeDeploy shifts a canary's traffic on its deployment config's schedule, with no call to shift early`);
  }
  const content = deployment.revision?.appSpecContent?.content ?? deployment.revision?.string?.content ?? '';
  const { functionName, alias } = appSpecTarget(content);
  // The settings parameter is `<prefix>/<function>/<alias>`: its prefix is the stack's.
  const prefix = rollout.hookSettingsParameter.split('/').slice(0, -2).join('/');
  const parameter = promoteParameterName(prefix, functionName, alias);
  await clients.ssm.send(new PutParameterCommand({
    Name: parameter,
    Value: id,
    Type: 'String',
    Overwrite: true,
    Description: `cdk-rollouts promote: ends the bake of CodeDeploy deployment ${id}`,
  }));
  return {
    done: true,
    text: `${rollout.label}: wrote deployment ${id} to parameter ${parameter}; the library's hook ends the bake at its next alarm check `
      + '(within a minute) and reports AfterAllowTraffic as succeeded, unless an alarm is in ALARM then.',
    data: { ...base, deploymentId: id, call: 'PutParameter', parameter },
  };
}
