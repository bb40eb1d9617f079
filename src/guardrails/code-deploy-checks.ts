import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { AppResource } from './app-template';
import { readStacks } from './assembly-stacks';
import { APP_RULES, RULES } from './rule-metadata';
import { RuleVerdict } from './template';
import { PACKAGE_VERSION } from '../private/package-version';

/** Properties of `CodeDeployChecks`. */
export interface CodeDeployChecksProps {
  /**
   * Ids of warning rules to report as errors, e.g. `['CodeDeploy-NotAllAtOnce', 'CodeDeploy-Notifications']`
   * for production stages.
   *
   * @default - every rule at its own level
   */
  readonly errors?: string[];
}

/**
 * A rule pack for every CodeDeploy deployment group and config in an app, whoever wrote it
 * (aws-cdk-lib L2, L1 or this library): alarms, rollback, all-at-once, fleet availability,
 * notifications and the service role, and, over every stack it sees at once, CodeDeploy's quota of
 * 50 custom deployment configs per account and Region and unique config names. It reads the synthesized templates and plugs in where
 * cdk-nag 3 does, so findings appear beside cdk-nag's and fail `cdk synth` the same way.
 *
 * Acknowledge a finding on the construct it concerns, naming the rule:
 * `Validations.of(group).acknowledge({ id: 'CodeDeployChecks::CodeDeploy-Notifications', reason: '...' })`.
 *
 * @example
 * Validations.of(app).addPlugins(new CodeDeployChecks({ errors: ['CodeDeploy-NotAllAtOnce'] }));
 */
export class CodeDeployChecks implements IPolicyValidationPlugin {
  /** The ids of every rule in the pack. */
  public static readonly RULE_IDS: string[] = [...RULES, ...APP_RULES].map((rule) => rule.id);

  public readonly name = 'CodeDeployChecks';
  /** The version of this library, reported with the findings. */
  public readonly version?: string = PACKAGE_VERSION;
  public readonly ruleIds?: string[] = CodeDeployChecks.RULE_IDS;
  private readonly errors: Set<string>;

  constructor(props: CodeDeployChecksProps = {}) {
    const unknown = (props.errors ?? []).filter((id) => !CodeDeployChecks.RULE_IDS.includes(id));
    if (unknown.length > 0) {
      throw new Error(`CodeDeployChecks: errors must name rules of the pack (${CodeDeployChecks.RULE_IDS.join(', ')}), got ${unknown.join(', ')}`);
    }
    this.errors = new Set(props.errors ?? []);
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = [];
    const stacks = readStacks(context.templatePaths);
    for (const stack of stacks) {
      for (const meta of RULES) {
        const failing = [...stack.resources.values()].filter((resource) => meta.rule(resource, stack.resources) === RuleVerdict.NON_COMPLIANT);
        if (failing.length > 0) {
          violations.push({
            ruleName: meta.id,
            description: meta.description,
            fix: meta.fix,
            severity: this.severity(meta),
            violatingResources: failing.map((resource) => ({
              resourceLogicalId: resource.logicalId, templatePath: stack.templatePath, locations: [],
            })),
          });
        }
      }
    }
    // Quotas and names shared by the stacks of one account and Region: every stack the pack sees at once.
    const appResources: AppResource[] = stacks.flatMap((stack) => [...stack.resources.values()].map((resource) => ({
      resource, stackPath: stack.stackPath, templatePath: stack.templatePath, environment: stack.environment,
    })));
    for (const meta of APP_RULES) {
      for (const finding of meta.rule(appResources)) {
        violations.push({
          ruleName: meta.id,
          description: `${meta.description} ${finding.detail}`,
          fix: meta.fix,
          severity: this.severity(meta),
          violatingResources: finding.resources.map((r) => ({
            resourceLogicalId: r.resource.logicalId, templatePath: r.templatePath, locations: [],
          })),
        });
      }
    }
    return { success: violations.every((violation) => violation.severity !== 'error'), violations };
  }

  private severity(meta: { readonly id: string; readonly level: string }): string {
    return this.errors.has(meta.id) ? 'error' : meta.level;
  }
}
