/**
 * What a `LambdaRollout` tells the library's traffic hook (the one hook function of a stack that
 * runs smoke tests, bake times and version pruning): one SSM String parameter per rollout, which
 * the hook finds from the function and alias the deployment's AppSpec names. Shared by both sides
 * (the handler is bundled from src/handlers/), so it imports nothing.
 *
 * Why a parameter per rollout: a Lambda function's environment variables hold 4 KB in all
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), which a shared
 * function would run out of after a few rollouts; a parameter gives each rollout its own 4 KB.
 */

/** Bumped if the settings' shape changes, so that a hook never misreads another version's settings. */
export const TRAFFIC_HOOK_SETTINGS_VERSION = 1;

/** Where the parameters live: `<prefix>/<stack name>/<function name>/<alias name>`. */
export const TRAFFIC_HOOK_PARAMETER_PREFIX = '/cdk-codedeploy-rollouts/traffic-hook';

/** The environment variable that tells the hook its stack's prefix (one short value, whatever the number of rollouts). */
export const SETTINGS_PREFIX_ENV = 'SETTINGS_PREFIX';

/** The environment variable that names the hook's own log group, where it claims each lifecycle event it serves (a log stream per execution). */
export const CLAIMS_LOG_GROUP_ENV = 'CLAIMS_LOG_GROUP';

/**
 * The prefix of one stack's parameters: the hook may read the parameters under it and no other,
 * one grant for every rollout of the stack.
 */
export function settingsPrefix(stackName: string): string {
  return `${TRAFFIC_HOOK_PARAMETER_PREFIX}/${stackName}`;
}

/**
 * The parameter of one rollout. Stack names (letters, digits, `-`), function names and alias
 * names (letters, digits, `-`, `_`) use only characters SSM parameter names allow, and function
 * names are unique per account and Region, so the name is too.
 */
export function settingsParameterName(prefix: string, functionName: string, aliasName: string): string {
  return `${prefix}/${functionName}/${aliasName}`;
}

/**
 * The parameter `cdk-rollouts promote` writes to end a bake early: `<stack prefix>/promote/<function
 * name>/<alias name>`, under the stack's prefix that the hook may already read, holding the id of
 * the deployment to promote, so that a promote never ends a later deployment's bake. The bake reads
 * it once a minute, with the alarms. Settings parameters are `<prefix>/<function>/<alias>`, one level
 * shallower, so the two never collide.
 */
export function promoteParameterName(prefix: string, functionName: string, aliasName: string): string {
  return `${prefix}/promote/${functionName}/${aliasName}`;
}

/**
 * A standard SSM parameter's value holds at most 4 KB (Systems Manager API reference, PutParameter,
 * `Value`: "Standard parameters have a value limit of 4 KB";
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html). Advanced
 * parameters hold 8 KB but cost money per parameter and month, so the library stays at standard.
 */
export const SETTINGS_MAX_BYTES = 4096;

/** How a smoke test's responses are judged besides "no function error". */
export interface ResponseExpectation {
  /** `subset`: every key of `value` is in the response with the same value (recursively); `equals`: the whole response. */
  readonly match: 'subset' | 'equals';
  readonly value: unknown;
}

/** Before any traffic moves: invoke the new version. */
export interface SmokeTestSettings {
  /** JSON documents as text, sent in turn. */
  readonly payloads: string[];
  /** Invocations in all, cycling through the payloads. */
  readonly invocations: number;
  readonly expectedResponse?: ResponseExpectation;
}

/** After the last shift: bake, then prune. */
export interface AfterTrafficSettings {
  /** How long to keep the deployment open, watching `alarmNames`. */
  readonly bakeSeconds?: number;
  /** The rollout's alarms, watched during the bake. */
  readonly alarmNames?: string[];
  /** Keep the newest N versions (and every version an alias points to); delete older ones. */
  readonly keepVersions?: number;
}

/** One rollout's settings: the JSON value of its parameter. */
export interface TrafficHookSettings {
  readonly version: typeof TRAFFIC_HOOK_SETTINGS_VERSION;
  readonly beforeAllowTraffic?: { readonly smokeTest: SmokeTestSettings };
  readonly afterAllowTraffic?: AfterTrafficSettings;
}

/**
 * At most this many versions are deleted in one AfterAllowTraffic step; the rest go in later
 * deployments. Every deletion is a call to Lambda's control plane, whose quota (15 requests a
 * second per account) the stack's deployments share: sized with the deployment model
 * (bench/deploy-model/) so that 82 rollouts each clearing a backlog of old versions in the same
 * stack update stay under it (bench/results/lambda-rollout.txt, "keepVersions, 50 to prune").
 */
export const MAX_PRUNED_VERSIONS_PER_RUN = 10;
