/**
 * The differences many scenarios share, each with its verdict, its reason and what must hold of
 * the two values for the reason to be true.
 */
import { Explanation } from './scenario';

type Json = any;

const NEW_VERSION = 'the new version (alias metrics of the version being deployed)';

function watchesNewVersion(alarm: Json): boolean {
  return alarm.watches === NEW_VERSION;
}

/** The peer's service role holds an AWS managed policy; the library's none. */
export const EXACT_SERVICE_ROLE: Explanation = {
  label: 'exact service role',
  aspect: 'serviceRole',
  verdict: 'better',
  reason: 'one service role per stack with no AWS managed policy: exact statements on this rollout\'s function, alias, hooks and topic '
    + '(the calls CodeDeploy makes are all allowed, the deniedCalls aspect says so) instead of a managed policy\'s `*`',
  holds: (peer, library) => peer.awsManagedPolicies?.length > 0 && library.awsManagedPolicies?.length === 0,
};

/** A role passed in: the peer attaches an AWS managed policy to it, the library exact customer managed policies. */
export const EXACT_GRANTS_ON_PASSED_ROLE: Explanation = {
  ...EXACT_SERVICE_ROLE,
  label: 'exact grants on a passed role',
  reason: 'the role passed in gets exact customer managed policies from the library, not an AWS managed policy',
};

/** The peer has no alarm; the library's default guard judges the new version. */
export const DEFAULT_GUARD: Explanation = {
  label: 'default guard',
  aspect: 'alarms',
  verdict: 'better',
  reason: 'the library\'s default guard: one alarm that judges the new version\'s failure rate against the old version\'s, where the peer deploys unguarded',
  holds: (peer, library) => peer.length === 0 && library.length === 1 && watchesNewVersion(library[0]),
};

/** With the default guard, alarms are enabled. */
export const GUARD_ENABLED: Explanation = {
  label: 'guard enabled',
  aspect: 'alarmConfiguration',
  verdict: 'better',
  reason: 'the guard\'s alarm is enabled (the peer has no alarm)',
  holds: (peer, library) => peer === '(no alarms)' && library.enabled === true,
};

/** A threshold the same whatever the comparison: `> t` of a count is `>= t + 1`. */
function sameThreshold(peer: Json, library: Json): boolean {
  const lowest = (alarm: Json) => (alarm.comparison === 'GreaterThanThreshold' ? alarm.threshold + 1 : alarm.threshold);
  return ['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold'].includes(peer.comparison) && library.comparison === 'GreaterThanOrEqualToThreshold'
    && lowest(peer) === lowest(library);
}

/** The same count on the alias, on the new version only. */
export const NEW_VERSION_ONLY: Explanation = {
  label: 'new version only',
  aspect: 'alarms',
  verdict: 'better',
  reason: 'the same errors count over the same period, on the new version only (ExecutedVersion): old traffic neither hides a bad release '
    + 'nor trips the alarm, and a minute without an invocation of it is no evidence (notBreaching)',
  holds: (peer, library) => peer.length === library.length && library.every(watchesNewVersion)
    && peer.every((alarm: Json, i: number) => alarm.watches === 'the alias (every version it routes to)'
      && alarm.metrics[0].metricName === library[i].metrics[0].metricName && alarm.metrics[0].statistic === library[i].metrics[0].statistic
      && alarm.metrics[0].period === library[i].metrics[0].period && sameThreshold(alarm, library[i])),
};

/** The library rolls back on more events than the peer. */
export function rollsBackMore(events: string): Explanation {
  return {
    aspect: 'rollback',
    verdict: 'better',
    reason: `the library's default rollback also rolls back ${events}`,
    holds: (peer, library) => Array.isArray(library) && (peer === '(no automatic rollback)' || peer.every((e: string) => library.includes(e))),
  };
}

/** The library installs the agent with Systems Manager; aws-cdk-lib with user data. */
export const AGENT_BY_SYSTEMS_MANAGER: Explanation = {
  label: 'agent by Systems Manager',
  aspect: 'agent',
  verdict: 'better',
  reason: 'Systems Manager installs the agent and keeps it current every 14 days, on running instances too; aws-cdk-lib\'s user data installs it at launch only',
  holds: (peer, library) => JSON.stringify(peer).includes('user data') && JSON.stringify(library).includes('Systems Manager'),
};

/** Calls the peer's template leaves to be allowed elsewhere (or never). */
export function peerDenies(what: string): Explanation {
  return {
    aspect: 'deniedCalls',
    verdict: 'better',
    reason: `the library grants what the peer's template does not: ${what}`,
    holds: (peer, library) => peer.length > 0 && library.length === 0,
  };
}

/** Both refuse; or the library refuses what the peer accepts, for a stated reason. */
export function libraryRefuses(reason: string, verdict: 'better' | 'deliberate' = 'deliberate'): Explanation {
  return {
    aspect: 'refusal',
    verdict,
    reason,
    holds: (peer, library) => peer === '(accepted)' && typeof library === 'string',
  };
}

/** aws-cdk-lib creates a custom config for a shape CodeDeploy predefines; the library uses the predefined one. */
export const PREDEFINED_CONFIG: Explanation = {
  label: 'predefined config',
  aspect: 'configs',
  verdict: 'better',
  reason: 'a shape CodeDeploy predefines uses the predefined config: no resource, and none of the 50 custom configs an account may have',
  holds: (peer, library) => peer.length > library.length,
};

/** The library names a config after its stack and shape, where aws-cdk-lib leaves the name to CloudFormation. */
export const NAMED_BY_SHAPE: Explanation = {
  label: 'config named by shape',
  aspect: 'configs',
  verdict: 'deliberate',
  reason: 'the same shape, under a name made of the stack\'s name and the shape (e.g. `<stack>-LambdaLinear5PercentEvery1Minute`), '
    + 'so that every rollout of a stack asking for the shape shares one config and CodeDeployChecks can count them',
  holds: (peer, library) => peer.length === library.length
    && peer.every((config: any, i: number) => JSON.stringify(config.shape) === JSON.stringify(library[i].shape)
      && config.name === '(generated by CloudFormation)' && typeof library[i].name === 'string' && library[i].name.startsWith('<stack name>-')),
};


/** The peer refuses what the library accepts. */
export function peerRefuses(reason: string, verdict: 'better' | 'deliberate' = 'deliberate'): Explanation {
  return {
    aspect: 'refusal',
    verdict,
    reason,
    holds: (peer, library) => typeof peer === 'string' && peer !== '(accepted)' && library === '(accepted)',
  };
}
