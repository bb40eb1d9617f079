import { parse } from 'yaml';

/**
 * The function version a Lambda deployment moves traffic to, read from its AppSpec: the one
 * resource's `Name`, `Alias`, `CurrentVersion` and `TargetVersion` (User Guide, "AppSpec 'resources'
 * section for an AWS Lambda deployment",
 * https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html).
 * The AppSpec may be JSON or YAML; CloudFormation writes one per alias update.
 */

/** The deployment's target: what the smoke test invokes and pruning works on. */
export interface DeploymentTarget {
  /** The function's name (an ARN in the AppSpec is reduced to its name). */
  readonly functionName: string;
  readonly alias: string;
  /** The version the alias served before: where a rollback, CodeDeploy's or CloudFormation's, points it again. */
  readonly currentVersion: string;
  readonly targetVersion: string;
}

const KEYS = ['Name', 'Alias', 'CurrentVersion', 'TargetVersion'] as const;
type Key = typeof KEYS[number];

/** Reads the target from AppSpec content; throws naming what is missing. */
export function appSpecTarget(content: string): DeploymentTarget {
  const values = lambdaResourceProperties(readDocument(content));
  const missing = KEYS.filter((key) => !values[key]);
  if (missing.length > 0) {
    throw new Error(`the deployment's AppSpec names no ${missing.join(', ')} of a Lambda function`);
  }
  return {
    functionName: functionNameOf(values.Name!),
    alias: values.Alias!,
    currentVersion: values.CurrentVersion!,
    targetVersion: values.TargetVersion!,
  };
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`, `<account>:function:<name>` or `<name>`: the name. */
function functionNameOf(nameOrArn: string): string {
  const parts = nameOrArn.split(':');
  const at = parts.indexOf('function');
  return at >= 0 && at + 1 < parts.length ? parts[at + 1] : parts[0];
}

/**
 * The AppSpec as a document whose scalars are all strings: JSON as JSON, anything else as YAML with
 * the `yaml` package's failsafe schema (every scalar a string), so that quotes, comments and
 * numbers read as YAML defines them and a version stays the text it was written as (`6`, `"7"`).
 */
function readDocument(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    // Not JSON: YAML (JSON is YAML too, but a JSON parser reads JSON's numbers as JSON does).
  }
  try {
    return parse(content, { schema: 'failsafe' });
  } catch (err) {
    throw new Error(`the deployment's AppSpec is neither JSON nor YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
}

/** The four keys of the AppSpec's Lambda resource: `Resources` is a list of one-key maps, `{ <name>: { Type, Properties } }`. */
function lambdaResourceProperties(document: unknown): Partial<Record<Key, string>> {
  const resources = isRecord(document) && Array.isArray(document.Resources) ? document.Resources : [];
  const definitions = resources.flatMap((entry) => (isRecord(entry) ? Object.values(entry) : [])).filter(isRecord);
  const lambda = definitions.find((definition) => definition.Type === 'AWS::Lambda::Function') ?? definitions[0];
  const properties = isRecord(lambda?.Properties) ? lambda.Properties : {};
  return Object.fromEntries(KEYS.map((key) => [key, scalar(properties[key])]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
