/**
 * Synthesizes an app once and returns its templates together with everything the checks found:
 * the five cdk-nag packs, AWS Control Tower's proactive controls (the cfn-guard rules of
 * `@cdklabs/cdk-validator-cfnguard`) and CloudFormation's own rules and resource schemas (the
 * validator that aws-cdk-lib bundles and runs on every synth). Warnings of that validator count as
 * findings: a wrong enum value is only a warning there (W3030) and fails at deploy time.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { App, AppProps, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { CONTROL_TOWER, controlId, ControlTowerRules, isLibraryConstruct } from './control-tower';
import { CodeDeployChecks } from '../../src';

/** What CloudFormation's validator calls itself in the validation report. */
export const TEMPLATE_VALIDATOR = 'CloudFormation Validate';

/** The cdk-nag packs every example and construct must pass, by the name they report under. */
export const NAG_PACKS = ['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321', 'Serverless'];

/** One unacknowledged finding of a check. */
export interface Finding {
  /** The plugin that reported it: a cdk-nag pack or `CloudFormation Validate`. */
  readonly check: string;
  /** Rule id, e.g. `AwsSolutions-S1` or `W3030`. */
  readonly rule: string;
  readonly severity: string;
  /** Construct path of the offending resource, plus the property path when the validator gives one. */
  readonly where: string;
  readonly description: string;
}

/** A resource that fails one of Control Tower's proactive controls. */
export interface ControlTowerFinding {
  /** The control, e.g. `CT.S3.PR.10`. */
  readonly control: string;
  /** The cfn-guard rule, e.g. `s3_bucket_default_encryption_kms_check`. */
  readonly rule: string;
  /** Construct path of the failing resource. */
  readonly where: string;
  /** Whether this library created the resource (rather than the app around it). */
  readonly byLibrary: boolean;
}

/** The result of one checked synthesis. */
export interface CheckedSynth {
  /** Unacknowledged findings of the five cdk-nag packs. */
  readonly nagFindings: Finding[];
  /** Unacknowledged findings of this library's own rule pack, `CodeDeployChecks`. */
  readonly guardrailFindings: Finding[];
  /** Findings of CloudFormation's validator, warnings included. */
  readonly templateFindings: Finding[];
  /**
   * Resources that fail a Control Tower proactive control, each once per control, in construct-path
   * order. Throws when the app was made without `controlTower`.
   */
  readonly controlTowerFindings: ControlTowerFinding[];
  /** The cloud assembly's directory, e.g. to read a staged asset. */
  readonly directory: string;
  /** The synthesized template of a stack in the app. */
  template(stack: Stack): Template;
}

/**
 * An app whose synthesis runs the five cdk-nag packs, this library's `CodeDeployChecks` (with
 * `guardrails` props), and, when `controlTower` is given, Control Tower's proactive controls (they cost
 * a cfn-guard run per synthesis, so only the tests that read `controlTowerFindings` ask for them;
 * `bench/control-tower.ts` measures it) and CloudFormation's validator in strict mode,
 * and records their findings in the cloud assembly instead of throwing, so a test can read them all.
 */
export function checkedApp(
  props: AppProps = {},
  guardrails: CodeDeployChecks = new CodeDeployChecks(),
  controlTower: ControlTowerRules | false = false,
): App {
  const app = new App({
    ...props,
    context: {
      ...props.context,
      // Validator errors stay errors, and warnings count too (construct-library strict mode).
      '@aws-cdk/core:validateAgainstDefaultRules': true,
      '@aws-cdk/core:strictCfnValidateErrors': true,
      // Report findings in validation-report.json rather than failing synth on the first plugin.
      '@aws-cdk/core:failSynthOnValidationErrors': false,
    },
  });
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
    new PCIDSS321Checks(app),
    new ServerlessChecks(app),
    guardrails,
    ...(controlTower ? [controlTower] : []),
  );
  if (controlTower) {
    WITH_CONTROL_TOWER.add(app);
  }
  return app;
}

/** The apps whose synthesis runs Control Tower's rules. */
const WITH_CONTROL_TOWER = new WeakSet<App>();

/** Synthesizes an app made by `checkedApp` once and collects every finding. */
export function checkedSynth(app: App): CheckedSynth {
  const assembly = app.synth();
  const reported = readFindings(join(assembly.directory, 'validation-report.json'));
  const findings: Finding[] = reported.map(({ check, rule, severity, where, description }) => ({ check, rule, severity, where, description }));
  const constructs = new Map<string, IConstruct>(app.node.findAll().map((c) => [c.node.path, c]));
  const controlTower = new Map<string, ControlTowerFinding>();
  for (const finding of reported.filter((f) => f.check === CONTROL_TOWER)) {
    const where = finding.constructPath;
    const construct = constructs.get(where);
    const control = controlId(finding.description);
    // cfn-guard reports a resource once per failed clause; one finding per resource and control.
    controlTower.set(`${where} ${control}`, { control, rule: finding.rule, where, byLibrary: construct !== undefined && isLibraryConstruct(construct) });
  }
  return {
    nagFindings: findings.filter((f) => NAG_PACKS.includes(f.check)),
    guardrailFindings: findings.filter((f) => f.check === 'CodeDeployChecks'),
    templateFindings: findings.filter((f) => f.check === TEMPLATE_VALIDATOR),
    get controlTowerFindings(): ControlTowerFinding[] {
      if (!WITH_CONTROL_TOWER.has(app)) {
        // An empty list would pass every assertion: fail instead.
        throw new Error('checkedApp ran without Control Tower\'s rules: pass new ControlTowerRules() as its controlTower argument');
      }
      return [...controlTower.values()].sort((a, b) => `${a.where} ${a.control}`.localeCompare(`${b.where} ${b.control}`));
    },
    template: (stack) => Template.fromJSON(assembly.getStackByName(stack.stackName).template),
    directory: assembly.directory,
  };
}

interface ReportJson {
  readonly pluginReports: Array<{
    readonly pluginName: string;
    readonly violations: Array<{
      readonly ruleName: string;
      readonly description: string;
      readonly severity?: string;
      readonly violatingConstructs: Array<{
        readonly constructPath?: string;
        readonly cloudFormationResource?: { readonly propertyPaths?: string[] };
      }>;
    }>;
  }>;
}

function readFindings(reportFile: string): Array<Finding & { readonly constructPath: string }> {
  const report = JSON.parse(readFileSync(reportFile, 'utf-8')) as ReportJson;
  return report.pluginReports.flatMap((plugin) => plugin.violations.flatMap((violation) =>
    violation.violatingConstructs.map((construct) => ({
      check: plugin.pluginName,
      rule: violation.ruleName,
      severity: violation.severity ?? 'unknown',
      where: [construct.constructPath, ...(construct.cloudFormationResource?.propertyPaths ?? [])].join(' '),
      description: violation.description,
      constructPath: construct.constructPath ?? '',
    }))));
}
