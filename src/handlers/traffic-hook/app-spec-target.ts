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
  readonly currentVersion: string;
  readonly targetVersion: string;
}

const KEYS = ['Name', 'Alias', 'CurrentVersion', 'TargetVersion'] as const;
type Key = typeof KEYS[number];

/** Reads the target from AppSpec content; throws naming what is missing. */
export function appSpecTarget(content: string): DeploymentTarget {
  const values = readJson(content) ?? readYaml(content);
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

function readJson(content: string): Partial<Record<Key, string>> | undefined {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch {
    return undefined;
  }
  const resources = (document as { Resources?: unknown } | null)?.Resources;
  const first = Array.isArray(resources) ? resources[0] : undefined;
  const resource = typeof first === 'object' && first !== null ? Object.values(first)[0] : undefined;
  const properties = (resource as { Properties?: Record<string, unknown> } | undefined)?.Properties ?? {};
  return Object.fromEntries(KEYS.map((key) => [key, scalar(properties[key])]));
}

/**
 * The four keys from YAML, by line: a Lambda AppSpec holds one resource, and these keys appear
 * only in its `Properties` (the `Hooks` section names lifecycle events), so the first of each is its.
 */
function readYaml(content: string): Partial<Record<Key, string>> {
  const values: Partial<Record<Key, string>> = {};
  for (const line of content.split(/\r?\n/)) {
    const match = /^\s*(?:-\s+)?(Name|Alias|CurrentVersion|TargetVersion)\s*:\s*(.*?)\s*$/.exec(line);
    if (match && values[match[1] as Key] === undefined) {
      values[match[1] as Key] = unquote(match[2]);
    }
  }
  return values;
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** A YAML scalar without its quotes or a trailing comment. */
function unquote(text: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(text);
  if (quoted) return quoted[2];
  return text.replace(/\s+#.*$/, '');
}
