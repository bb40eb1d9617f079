/**
 * A peer scenario: one of aws-cdk's or SAM's own CodeDeploy scenarios, written once with the
 * peer's API (aws-cdk-lib L2s, or a SAM template whose translation is a committed fixture) and once
 * with the library, over the same user resources. Every difference in what CodeDeploy sees must be
 * explained with a verdict and its reason.
 */
import { Environment, Stack } from 'aws-cdk-lib';

type Json = any;

/** How a difference from the peer is judged. */
export type Verdict = 'better' | 'deliberate' | 'not expressible';

/** Why a difference exists. */
export interface Explanation {
  /** The aspect it explains (`alarms`, `rollback`, `serviceRole`, `deniedCalls`, `configs`, `refusal`, `groups`, …). */
  readonly aspect: string;
  /** Only for the group with this key, when the scenario has several. */
  readonly group?: string;
  readonly verdict: Verdict;
  /** A short name of a reason several scenarios share; docs/peer-scenarios.md lists it once, with the reason. */
  readonly label?: string;
  readonly reason: string;
  /** What must hold of the two values for the reason to be true; the difference is unexplained otherwise. */
  readonly holds?: (peer: Json, library: Json) => boolean;
}

/** The side of a scenario written with aws-cdk-lib, on the user's resources. */
export type Build<U> = (stack: Stack, user: U) => void;

export interface PeerScenario<U = any> {
  /** A short id, unique among the scenarios: the stacks' names. */
  readonly id: string;
  readonly peer: 'aws-cdk' | 'SAM';
  /** Where the scenario comes from in the peer's repository (file, and test name for unit tests). */
  readonly source: string;
  /** What it says, in a few words. */
  readonly title: string;
  /** The user's own resources (functions, alarms, topics, fleets), created alike for both sides. */
  readonly user?: (stack: Stack) => U;
  /** The aws-cdk-lib side. */
  readonly awsCdk?: Build<U>;
  /** The SAM side: the name of the fixture in test/peers/sam/outputs (without `.json`). */
  readonly sam?: string;
  /** The library side. */
  readonly library: Build<U>;
  /** The stacks' environment, when the scenario is about one. */
  readonly env?: Environment;
  /** Whether either side may refuse it: built in an app of its own, so that a refusal at synth fails only that app. */
  readonly mayRefuse?: boolean;
  /** Every difference, explained. */
  readonly differences: Explanation[];
}

/** A scenario with its user type checked against both sides. */
export function scenario<U>(definition: PeerScenario<U>): PeerScenario<U> {
  return definition;
}
