/**
 * Who calls what, and when, while one CodeDeploy deployment of a Lambda rollout runs: CloudFormation
 * (which starts it by updating the alias), CodeDeploy (with the rollouts' service role) and the
 * library's traffic hook. Every call carries its basis:
 *
 * - `policy`: the action is in AWS's managed policy for CodeDeploy on Lambda,
 *   AWSCodeDeployRoleForLambda (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRoleForLambda.html:
 *   lambda:GetAlias, lambda:UpdateAlias, lambda:GetProvisionedConcurrencyConfig, lambda:InvokeFunction
 *   on hooks, cloudwatch:DescribeAlarms, sns:Publish, s3:GetObject), and the CodeDeploy User Guide
 *   says in which step it happens (hooks: "AppSpec 'hooks' section for an AWS Lambda deployment",
 *   https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#appspec-hooks-lambda;
 *   alarms: "Monitoring deployments with CloudWatch alarms in CodeDeploy",
 *   https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-create-alarms.html);
 *   CodeDeploy shifts traffic with the alias's weights (Lambda Developer Guide, "Implement Lambda
 *   canary deployments using a weighted alias", https://docs.aws.amazon.com/lambda/latest/dg/configuring-alias-routing.html).
 * - `handler`: the library's own traffic hook makes it (src/handlers/traffic-hook/, read for this model).
 * - `inferred`: nothing published says how many or when; the number is this model's assumption,
 *   named in `ASSUMPTIONS`, and the report prints it.
 */
import { MAX_PRUNED_VERSIONS_PER_RUN } from '../../src/contract/traffic-hook';
import { BAKE_POLL_MS, PRUNE_DELETE_INTERVAL_MS } from '../../src/handlers/shared/timing';

export type Actor = 'CloudFormation' | 'CodeDeploy' | 'TrafficHook' | 'ServerDeployer';
export type Service = 'lambda' | 'codedeploy' | 'ssm' | 'cloudwatch' | 'logs';
export type Basis = 'policy' | 'handler' | 'inferred';

/** One request, at `t` seconds after the stack update began. */
export interface Call {
  readonly t: number;
  readonly actor: Actor;
  readonly service: Service;
  readonly api: string;
  readonly basis: Basis;
  /** The rollout (alias logical id) or fleet it is for. */
  readonly owner: string;
  /** The step of the stack update or of the deployment it belongs to. */
  readonly step: string;
}

/**
 * The model's timings, none published: each is a guess in the range AWS's documentation implies,
 * and the report prints them. Seconds.
 */
export const ASSUMPTIONS = {
  /**
   * A function update (UpdateFunctionConfiguration or UpdateFunctionCode) until its LastUpdateStatus is
   * Successful: "In most cases your function is ready to be invoked or modified after a few seconds"
   * (Lambda Developer Guide, "Lambda function states", https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html).
   */
  functionUpdate: 10,
  /** CloudFormation's AWS::Lambda::Version: PublishVersion until the version exists. */
  publishVersion: 5,
  /**
   * CloudFormation starts the updates of independent resources together; the functions' updates
   * then end spread over this many seconds (they take different times), and so do the aliases'
   * starts. The report also runs 2 and 30.
   */
  startSpread: 10,
  /** CloudFormation polls GetFunction while a function update stabilizes, this often. */
  functionPoll: 5,
  /** CloudFormation polls GetDeployment while an alias's deployment runs, this often; it sees the end at its next poll. */
  deploymentPoll: 15,
  /** From CreateDeployment to CodeDeploy's first call. */
  codeDeployStart: 2,
  /** One AWS API call's latency: sequential calls of one caller are this far apart. */
  apiLatency: 0.2,
  /** CodeDeploy reads the group's alarms this often while a deployment runs (one DescribeAlarms per deployment). */
  alarmPoll: 60,
  /** One smoke-test invocation of the new version (the function's own duration: the user's). */
  smokeInvocation: 1,
  /** From the last step to the deployment's end. */
  codeDeployEnd: 2,
  /** A server instance's in-place update (stop, install, start, validate), as the guard simulator's fleet model. */
  instanceUpdate: 180,
  /** The server deployer's hand-over: its invocations last 15 minutes, with margins. */
  deployerInvocation: 780,
  /** The traffic hook's bake hands over to its next invocation this often (15-minute invocations, a poll and a report margin kept). */
  hookInvocation: 780,
} as const;

/** How traffic moves: the minutes after the first shift at which CodeDeploy moves traffic, the first included. */
export interface TrafficSteps {
  readonly name: string;
  /** Minutes from the first shift; `[0]` for all at once, `[0, 5]` for a 5-minute canary. */
  readonly shiftMinutes: number[];
}

/** What the library's hook does in one deployment, from the rollout's settings parameter. */
export interface HookWork {
  /** Smoke-test invocations before traffic moves (0: no BeforeAllowTraffic step). */
  readonly smokeInvocations: number;
  /** Minutes of bake after the last shift (0: none). */
  readonly bakeMinutes: number;
  /** Whether the bake reads alarms (it has some and alarms are not ignored). */
  readonly bakeReadsAlarms: boolean;
  /** Whether AfterAllowTraffic prunes versions. */
  readonly prunes: boolean;
}

/** One Lambda rollout, as the template says and the scenario adds. */
export interface RolloutWork {
  readonly id: string;
  readonly steps: TrafficSteps;
  /** Alarms CodeDeploy watches (0: none, or alarms ignored). */
  readonly alarms: number;
  /** The library's hook, if the rollout uses it. */
  readonly hook?: HookWork;
  /** Versions the function has beyond what pruning keeps, when AfterAllowTraffic runs. */
  readonly versionsToPrune: number;
  /** Versions the function has in all (ListVersionsByFunction pages of 50). */
  readonly versions: number;
}

/** Calls in order from `t`, each `apiLatency` after the one before. */
class Caller {
  public constructor(
    private readonly out: Call[], private readonly actor: Actor, private readonly owner: string, public t: number, private readonly step: string,
  ) {}

  public call(service: Service, api: string, basis: Basis): this {
    this.out.push({ t: this.t, actor: this.actor, service, api, basis, owner: this.owner, step: this.step });
    this.t += ASSUMPTIONS.apiLatency;
    return this;
  }

  public wait(seconds: number): this {
    this.t += seconds;
    return this;
  }
}

/** CloudFormation updates one changed function from `t` (UpdateFunctionConfiguration, then polls it): returns when it is updated. */
export function functionUpdate(out: Call[], owner: string, t: number): number {
  new Caller(out, 'CloudFormation', owner, t, 'function update').call('lambda', 'UpdateFunctionConfiguration', 'inferred');
  for (let poll = ASSUMPTIONS.functionPoll; poll <= ASSUMPTIONS.functionUpdate; poll += ASSUMPTIONS.functionPoll) {
    new Caller(out, 'CloudFormation', owner, t + poll, 'function update').call('lambda', 'GetFunction', 'inferred');
  }
  return t + ASSUMPTIONS.functionUpdate;
}

/** CloudFormation publishes the function's new version (AWS::Lambda::Version) from `t`: returns when it exists. */
export function publishVersion(out: Call[], owner: string, t: number): number {
  new Caller(out, 'CloudFormation', owner, t, 'new version').call('lambda', 'PublishVersion', 'inferred');
  return t + ASSUMPTIONS.publishVersion;
}

/** What one deployment produced: its calls are in `out`; CloudFormation sees it end at `completed`. */
export interface DeploymentRun {
  readonly start: number;
  readonly end: number;
  /** When CloudFormation marks the alias updated (its next GetDeployment poll after the end). */
  readonly completed: number;
}

/** One CodeDeploy deployment of a rollout, CloudFormation calling CreateDeployment at `start`. */
export function lambdaDeployment(out: Call[], rollout: RolloutWork, start: number): DeploymentRun {
  new Caller(out, 'CloudFormation', rollout.id, start, 'alias update').call('codedeploy', 'CreateDeployment', 'inferred');
  const cd = new Caller(out, 'CodeDeploy', rollout.id, start + ASSUMPTIONS.codeDeployStart, 'Start');
  // Start: read the alias it shifts and its provisioned concurrency (both in the managed policy; when and how often: inferred).
  cd.call('lambda', 'GetAlias', 'inferred').call('lambda', 'GetProvisionedConcurrencyConfig', 'inferred');
  let t = cd.t;
  if (rollout.hook && rollout.hook.smokeInvocations > 0) {
    new Caller(out, 'CodeDeploy', rollout.id, t, 'BeforeAllowTraffic').call('lambda', 'Invoke', 'policy');
    t = beforeAllowTraffic(out, rollout, t + ASSUMPTIONS.apiLatency);
  }
  // AllowTraffic: every shift sets the alias's weights (UpdateAlias, policy), after reading it (inferred).
  const firstShift = t;
  for (const minutes of rollout.steps.shiftMinutes) {
    const shift = new Caller(out, 'CodeDeploy', rollout.id, firstShift + minutes * 60, 'AllowTraffic (each shift)');
    shift.call('lambda', 'GetAlias', 'inferred').call('lambda', 'UpdateAlias', 'policy');
    t = shift.t;
  }
  if (rollout.hook && (rollout.hook.bakeMinutes > 0 || rollout.hook.prunes)) {
    new Caller(out, 'CodeDeploy', rollout.id, t, 'AfterAllowTraffic').call('lambda', 'Invoke', 'policy');
    t = afterAllowTraffic(out, rollout, t + ASSUMPTIONS.apiLatency);
  }
  const end = t + ASSUMPTIONS.codeDeployEnd;
  // The group's alarms, read once a minute for as long as the deployment runs (policy; how often: inferred).
  if (rollout.alarms > 0) {
    for (let poll = start + ASSUMPTIONS.codeDeployStart; poll < end; poll += ASSUMPTIONS.alarmPoll) {
      new Caller(out, 'CodeDeploy', rollout.id, poll + 1, 'every minute').call('cloudwatch', 'DescribeAlarms', 'inferred');
    }
  }
  // CloudFormation waits for the deployment, polling it (inferred).
  let completed = start;
  do {
    completed += ASSUMPTIONS.deploymentPoll;
    new Caller(out, 'CloudFormation', rollout.id, completed, 'alias update').call('codedeploy', 'GetDeployment', 'inferred');
  } while (completed < end);
  return { start, end, completed };
}

/**
 * The hook's first calls in an invocation (handler.ts): the claim of the execution (execution-claim.ts,
 * a log stream per invocation), the deployment, the settings, and which event runs (not asked again
 * by a bake's next invocation, which carries the event with it).
 */
function serve(hook: Caller, rollout: RolloutWork, continuation = false): void {
  hook.call('logs', 'CreateLogStream', 'handler');
  hook.call('codedeploy', 'GetDeployment', 'handler');
  // The AppSpec comes inline (CloudFormation writes it), so no GetApplicationRevision.
  hook.call('ssm', 'GetParameter', 'handler');
  if (!continuation && rollout.hook!.smokeInvocations > 0 && (rollout.hook!.bakeMinutes > 0 || rollout.hook!.prunes)) {
    hook.call('codedeploy', 'ListDeploymentTargets', 'handler').call('codedeploy', 'BatchGetDeploymentTargets', 'handler');
  }
}

/** The smoke test (smoke-test.ts): returns when the hook has reported. */
function beforeAllowTraffic(out: Call[], rollout: RolloutWork, t: number): number {
  const hook = new Caller(out, 'TrafficHook', rollout.id, t, 'BeforeAllowTraffic');
  serve(hook, rollout);
  for (let i = 0; i < rollout.hook!.smokeInvocations; i++) {
    hook.call('lambda', 'Invoke', 'handler').wait(ASSUMPTIONS.smokeInvocation);
  }
  hook.call('codedeploy', 'PutLifecycleEventHookExecutionStatus', 'handler');
  return hook.t;
}

/** Bake (bake.ts) and pruning (prune-versions.ts): returns when the hook has reported. */
function afterAllowTraffic(out: Call[], rollout: RolloutWork, t: number): number {
  const work = rollout.hook!;
  const hook = new Caller(out, 'TrafficHook', rollout.id, t, 'AfterAllowTraffic');
  serve(hook, rollout);
  if (work.bakeMinutes > 0) {
    const bakeStart = hook.t;
    let invocationStart = t;
    for (;;) {
      hook.call('codedeploy', 'GetDeployment', 'handler');
      if (work.bakeReadsAlarms) hook.call('cloudwatch', 'DescribeAlarms', 'handler');
      const elapsed = hook.t - bakeStart;
      if (elapsed >= work.bakeMinutes * 60) break;
      // The rollout's promote parameter (`cdk-rollouts promote` ends a bake early), with each read of the alarms.
      hook.call('ssm', 'GetParameter', 'handler');
      const wait = Math.min(BAKE_POLL_MS / 1000, work.bakeMinutes * 60 - elapsed);
      if (hook.t + wait - invocationStart > ASSUMPTIONS.hookInvocation) {
        // Hands the bake over to a new invocation of itself, which starts with `serve` again.
        hook.call('lambda', 'Invoke', 'handler');
        invocationStart = hook.t;
        serve(hook, rollout, true);
        continue;
      }
      hook.wait(wait);
    }
  }
  if (work.prunes) {
    for (let page = 0; page < Math.max(1, Math.ceil(rollout.versions / 50)); page++) hook.call('lambda', 'ListVersionsByFunction', 'handler');
    hook.call('lambda', 'ListAliases', 'handler');
    for (let i = 0; i < Math.min(rollout.versionsToPrune, MAX_PRUNED_VERSIONS_PER_RUN); i++) {
      if (i > 0) hook.wait(PRUNE_DELETE_INTERVAL_MS / 1000);
      hook.call('lambda', 'DeleteFunction', 'handler');
    }
  }
  hook.call('codedeploy', 'PutLifecycleEventHookExecutionStatus', 'handler');
  return hook.t;
}

/** A server fleet's revision deployment (RevisionDeployment through the server deployer), from `t`: returns its end. */
export function serverDeployment(out: Call[], owner: string, instances: number, alarms: number, t: number): DeploymentRun {
  new Caller(out, 'CloudFormation', owner, t, 'revision deployment').call('lambda', 'Invoke', 'inferred');
  const deployer = new Caller(out, 'ServerDeployer', owner, t + 1, 'revision deployment');
  deployer.call('codedeploy', 'ListDeployments', 'handler').call('codedeploy', 'CreateDeployment', 'handler');
  const start = deployer.t;
  // One instance at a time (CodeDeployDefault.OneAtATime).
  const end = start + ASSUMPTIONS.codeDeployStart + instances * ASSUMPTIONS.instanceUpdate;
  let invocationStart = t;
  for (let poll = start; poll < end + 15; poll += 15) {
    if (poll - invocationStart > ASSUMPTIONS.deployerInvocation) {
      new Caller(out, 'ServerDeployer', owner, poll, 'revision deployment').call('lambda', 'Invoke', 'handler');
      invocationStart = poll;
    }
    new Caller(out, 'ServerDeployer', owner, poll, 'revision deployment').call('codedeploy', 'GetDeployment', 'handler');
  }
  if (alarms > 0) {
    for (let poll = start + ASSUMPTIONS.codeDeployStart; poll < end; poll += ASSUMPTIONS.alarmPoll) {
      new Caller(out, 'CodeDeploy', owner, poll + 1, 'every minute').call('cloudwatch', 'DescribeAlarms', 'inferred');
    }
  }
  return { start, end, completed: end + 15 };
}
