import { readFileSync } from 'fs';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { RULES } from './rule-metadata';
import { RuleVerdict, ruleResource, TemplateResource } from './template';

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
 * notifications and the service role. It reads the synthesized templates and plugs in where
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
  public static readonly RULE_IDS: string[] = RULES.map((rule) => rule.id);

  public readonly name = 'CodeDeployChecks';
  public readonly version?: string = '1.0.0';
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
    for (const templatePath of context.templatePaths) {
      const template = JSON.parse(readFileSync(templatePath, 'utf-8')) as { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
      const resources = new Map<string, TemplateResource>(Object.entries(template.Resources ?? {}).map(([logicalId, r]) => [
        logicalId, ruleResource(logicalId, r),
      ]));
      for (const meta of RULES) {
        const failing = [...resources.values()].filter((resource) => meta.rule(resource, resources) === RuleVerdict.NON_COMPLIANT);
        if (failing.length > 0) {
          violations.push({
            ruleName: meta.id,
            description: meta.description,
            fix: meta.fix,
            severity: this.errors.has(meta.id) ? 'error' : meta.level,
            violatingResources: failing.map((resource) => ({ resourceLogicalId: resource.logicalId, templatePath, locations: [] })),
          });
        }
      }
    }
    return { success: violations.every((violation) => violation.severity !== 'error'), violations };
  }
}
