import { StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import type { AwsClients } from './aws-clients';
import { ActionResult, targetRollout } from './target-rollout';
import { errorName } from '../handlers/shared/errors';

/**
 * `cdk-rollouts stop`: StopDeployment on the rollout's active deployment, with `autoRollbackEnabled`
 * unless `--no-rollback` (API reference, StopDeployment: CodeDeploy then redeploys the last
 * successful revision to the instances already updated, or shifts a Lambda alias back;
 * https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_StopDeployment.html).
 */
export async function stop(clients: AwsClients, stackName: string, name: string, rollback: boolean): Promise<ActionResult> {
  const { rollout, deployment } = await targetRollout(clients, stackName, name);
  const base = { action: 'stop', rollout: rollout.label, deploymentGroup: rollout.deploymentGroupName, rollback };
  if (!deployment?.deploymentId) {
    return { done: false, text: `${rollout.label}: no deployment is in progress in deployment group ${rollout.deploymentGroupName}; nothing was stopped.`, data: base };
  }
  const id = deployment.deploymentId;
  try {
    const response = await clients.codedeploy.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: rollback }));
    const after = rollout.kind === 'lambda'
      ? ' CloudFormation fails the alias update that started it and rolls the stack back.'
      : rollback ? ' CodeDeploy redeploys the last successful revision to the instances it updated.' : ' Instances already updated keep the new revision.';
    return {
      done: true,
      text: `${rollout.label}: asked CodeDeploy to stop deployment ${id} (${deployment.status}) ${rollback ? 'with' : 'without'} rollback; `
        + `StopDeployment answered ${response.status}${response.statusMessage ? `: ${response.statusMessage}` : ''}.${after}`,
      data: { ...base, deploymentId: id, previousStatus: deployment.status, stopStatus: response.status, stopMessage: response.statusMessage },
    };
  } catch (err) {
    if (errorName(err) === 'DeploymentAlreadyCompletedException') {
      return { done: false, text: `${rollout.label}: deployment ${id} completed before the stop reached it; nothing was stopped.`, data: { ...base, deploymentId: id } };
    }
    throw err;
  }
}
