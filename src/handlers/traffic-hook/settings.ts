import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { DeploymentTarget } from './app-spec-target';
import { settingsParameterName, TRAFFIC_HOOK_SETTINGS_VERSION, TrafficHookSettings } from '../../contract/traffic-hook';
import { errorName } from '../shared/errors';
import { RetryOptions, withRetry } from '../shared/retry';

/** The rollout's settings, from its parameter (named after the stack's prefix, and the function and alias the AppSpec names). */
export async function loadSettings(ssm: SSMClient, prefix: string, target: DeploymentTarget, retry: RetryOptions): Promise<TrafficHookSettings> {
  const name = settingsParameterName(prefix, target.functionName, target.alias);
  const response = await withRetry('GetParameter', (signal) => ssm.send(new GetParameterCommand({ Name: name }), { abortSignal: signal }), retry)
    .catch((err: unknown) => {
      // SSM's ParameterNotFound may carry no message (the SDK then says `UnknownError`): name the parameter instead.
      if (errorName(err) !== 'ParameterNotFound') throw err;
      throw new Error(`the settings parameter ${name} does not exist (ParameterNotFound): the hook finds a rollout's settings by the `
        + `function and alias the deployment's AppSpec names (${target.functionName}:${target.alias}), and no rollout of this stack writes them`);
    });
  const value = response.Parameter?.Value;
  let settings: Partial<TrafficHookSettings> | undefined;
  try {
    settings = value === undefined ? undefined : JSON.parse(value);
  } catch {
    settings = undefined;
  }
  if (!settings || settings.version !== TRAFFIC_HOOK_SETTINGS_VERSION) {
    throw new Error(`parameter ${name} holds no settings of version ${TRAFFIC_HOOK_SETTINGS_VERSION}`);
  }
  return settings as TrafficHookSettings;
}
