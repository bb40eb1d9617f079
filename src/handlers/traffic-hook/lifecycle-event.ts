/**
 * What CodeDeploy sends a Lambda hook: the deployment and the hook execution to report on, and
 * nothing else (User Guide, "AppSpec 'hooks' section for an AWS Lambda deployment",
 * https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#appspec-hooks-lambda).
 */
export interface LifecycleEvent {
  readonly DeploymentId: string;
  readonly LifecycleEventHookExecutionId: string;
}

/** The two lifecycle events a Lambda deployment runs hooks in. */
export type HookLifecycleEvent = 'BeforeAllowTraffic' | 'AfterAllowTraffic';

export function isLifecycleEvent(payload: unknown): payload is LifecycleEvent {
  if (typeof payload !== 'object' || payload === null) return false;
  const { DeploymentId, LifecycleEventHookExecutionId } = payload as Record<string, unknown>;
  return typeof DeploymentId === 'string' && DeploymentId.length > 0
    && typeof LifecycleEventHookExecutionId === 'string' && LifecycleEventHookExecutionId.length > 0;
}

/** What the hook decided; `reason` goes to the log (CodeDeploy takes a status only). */
export interface Verdict {
  readonly status: 'Succeeded' | 'Failed';
  readonly reason: string;
}

export function succeeded(reason: string): Verdict {
  return { status: 'Succeeded', reason };
}

export function failed(reason: string): Verdict {
  return { status: 'Failed', reason };
}
