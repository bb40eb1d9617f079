import { TemplateResource } from './template';

/** Where a stack deploys to; a part the app leaves to the CLI (an environment-agnostic stack) is undefined. */
export interface StackEnvironment {
  readonly account?: string;
  readonly region?: string;
}

/** A resource of one stack of the app, as the app-level rules read it. */
export interface AppResource {
  readonly resource: TemplateResource;
  /** The construct path of its stack, e.g. `Prod/Api`. */
  readonly stackPath: string;
  /** The absolute path of its stack's template. */
  readonly templatePath: string;
  readonly environment: StackEnvironment;
}

/** What an app-level rule found: the resources at fault, and what to tell of them. */
export interface AppRuleFinding {
  /** The finding's particulars (counts, names, the environment), added to the rule's description. */
  readonly detail: string;
  readonly resources: readonly AppResource[];
}

/** An app-level rule: a small pure function over every resource of every stack in the app. */
export type AppGuardrailRule = (resources: readonly AppResource[]) => AppRuleFinding[];

/** The environment in words, e.g. `account 123456789012 in eu-west-1`, or what the CLI decides. */
export function describeEnvironment(environment: StackEnvironment): string {
  const account = environment.account ? `account ${environment.account}` : 'the CLI\'s account';
  const region = environment.region ?? 'the CLI\'s Region';
  return `${account} in ${region}`;
}

/** Groups resources by the account and Region they deploy to (stacks that leave either to the CLI together). */
export function byEnvironment(resources: readonly AppResource[]): AppResource[][] {
  const groups = new Map<string, AppResource[]>();
  for (const r of resources) {
    const key = `${r.environment.account ?? ''}/${r.environment.region ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()];
}
