/**
 * AWS Control Tower's proactive controls, as the cfn-guard rules that `@cdklabs/cdk-validator-cfnguard`
 * ships, run as a validation plugin next to cdk-nag; and which construct made a resource, so that a
 * test can tell what this library creates from what an example or a user wrote around it.
 */
import { readdirSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { LambdaRollout, OnPremisesInstanceRole, RevisionBucket, RevisionDeployment, ServerRollout } from '../../src';
import { LibraryFunction } from '../../src/functions/library-function';
import { RolloutPolicies, RolloutServiceRole } from '../../src/private/rollout-service-role';

/** What the plugin calls itself in the validation report. */
export const CONTROL_TOWER = 'Control Tower';

/** The Control Tower rule files the package ships, one folder per service. */
export const CONTROL_TOWER_RULES_DIR = join(dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');

/** A resource type named in a rule file, e.g. `let S3_BUCKET_TYPE = "AWS::S3::Bucket"`. */
const RESOURCE_TYPE = /['"](AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)['"]/g;

interface RuleFile {
  readonly path: string;
  /** The resource types the rule evaluates; empty when the file names none (then it always runs). */
  readonly resourceTypes: string[];
}

let ruleFiles: RuleFile[] | undefined;

/** Every Control Tower rule file with the resource types it evaluates, read once per process. */
export function controlTowerRuleFiles(): RuleFile[] {
  ruleFiles ??= readdirSync(CONTROL_TOWER_RULES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) => readdirSync(join(CONTROL_TOWER_RULES_DIR, dir.name)).map((file) => join(CONTROL_TOWER_RULES_DIR, dir.name, file)))
    .sort()
    .map((path) => ({ path, resourceTypes: [...new Set([...readFileSync(path, 'utf-8').matchAll(RESOURCE_TYPE)].map((m) => m[1]))] }));
  return ruleFiles;
}

/**
 * The Control Tower rule set as a validation plugin. Every rule of the set runs whose resource
 * types occur in the synthesized templates: a cfn-guard rule over a type a template does not hold
 * is skipped anyway (each rule is guarded by `%resources not empty`), and most of cfn-guard's time
 * goes into parsing the ~300 rule files, so leaving those out keeps the findings and saves most of
 * the time (measured in `bench/control-tower.ts`).
 */
export class ControlTowerRules implements IPolicyValidationPluginBeta1 {
  public readonly name = CONTROL_TOWER;

  /** @param allRules run every rule file, whatever the templates hold (the benchmark's baseline) */
  constructor(private readonly allRules = false) {}

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const types = new Set(context.templatePaths.flatMap((path) =>
      Object.values((JSON.parse(readFileSync(path, 'utf-8')).Resources ?? {}) as Record<string, { Type: string }>).map((r) => r.Type)));
    const rules = controlTowerRuleFiles()
      .filter((rule) => this.allRules || rule.resourceTypes.length === 0 || rule.resourceTypes.some((type) => types.has(type)))
      .map((rule) => rule.path);
    if (rules.length === 0) {
      return { success: true, violations: [] };
    }
    return new CfnGuardValidator({ controlTowerRulesEnabled: false, rules }).validate(context);
  }
}

/** The control a Control Tower rule reports, e.g. `CT.S3.PR.10`, read from its message. */
export function controlId(description: string): string {
  return /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(description)?.[1] ?? 'unknown';
}

/**
 * The constructs of this library: everything below one of them was created by the library. The
 * library's own functions (the server deployer, the traffic hook) are `LibraryFunction`s.
 */
const LIBRARY_CONSTRUCTS = [
  LambdaRollout, ServerRollout, RevisionBucket, RevisionDeployment, OnPremisesInstanceRole, LibraryFunction, RolloutServiceRole, RolloutPolicies,
];

/**
 * Ids of what the library creates once per stack, directly under the stack: the shared
 * applications, the notification topic and the shared deployment configs.
 */
const SHARED_STACK_CHILD = /^(LambdaRolloutsApplication|ServerRolloutsApplication|DeploymentNotificationsTopic|DeploymentNotificationsTopicKey|DeploymentConfig.*)$/;

/** Whether the library created `construct`: it is, or lies below, a library construct or a shared per-stack resource. */
export function isLibraryConstruct(construct: IConstruct): boolean {
  return construct.node.scopes.some((scope) =>
    LIBRARY_CONSTRUCTS.some((type) => scope instanceof type)
    || (scope.node.scope !== undefined && Stack.isStack(scope.node.scope) && SHARED_STACK_CHILD.test(scope.node.id)));
}
