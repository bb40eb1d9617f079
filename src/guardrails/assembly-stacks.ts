import { readFileSync } from 'fs';
import { basename, dirname, join } from 'path';
import { StackEnvironment } from './app-template';
import { ruleResource, TemplateResource } from './template';

/** One synthesized stack, as the rules read it. */
interface StackTemplate {
  readonly templatePath: string;
  /** The stack's construct path, e.g. `Prod/Api` (the cloud assembly's display name). */
  readonly stackPath: string;
  readonly environment: StackEnvironment;
  readonly resources: ReadonlyMap<string, TemplateResource>;
}

interface Manifest {
  readonly artifacts?: Record<string, {
    readonly type: string;
    readonly environment?: string;
    readonly displayName?: string;
    readonly properties?: { readonly templateFile?: string };
  }>;
}

/**
 * Reads each template and, from the cloud assembly manifest beside it, its stack's path and
 * environment (`aws://<account>/<region>`; aws-cdk-lib writes `unknown-account` and
 * `unknown-region` for what it leaves to the CLI). The validation context gives only template
 * paths on every aws-cdk-lib release the library supports, so the manifest is the source.
 */
export function readStacks(templatePaths: readonly string[]): StackTemplate[] {
  const manifests = new Map<string, Manifest>();
  return templatePaths.map((templatePath) => {
    const dir = dirname(templatePath);
    if (!manifests.has(dir)) {
      manifests.set(dir, readManifest(join(dir, 'manifest.json')));
    }
    const artifact = Object.entries(manifests.get(dir)!.artifacts ?? {})
      .find(([, a]) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile === basename(templatePath));
    const template = JSON.parse(readFileSync(templatePath, 'utf-8')) as { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
    return {
      templatePath,
      stackPath: artifact?.[1].displayName ?? artifact?.[0] ?? basename(templatePath, '.template.json'),
      environment: parseEnvironment(artifact?.[1].environment),
      resources: new Map(Object.entries(template.Resources ?? {}).map(([logicalId, r]) => [logicalId, ruleResource(logicalId, r)])),
    };
  });
}

function readManifest(file: string): Manifest {
  try {
    return JSON.parse(readFileSync(file, 'utf-8')) as Manifest;
  } catch {
    // A template outside a cloud assembly (a plugin called by hand): its environment is unknown.
    return {};
  }
}

/** `aws://123456789012/eu-west-1` to its parts; the unknown ones undefined. */
export function parseEnvironment(environment: string | undefined): StackEnvironment {
  const match = /^aws:\/\/([^/]+)\/([^/]+)$/.exec(environment ?? '');
  return {
    account: match && match[1] !== 'unknown-account' ? match[1] : undefined,
    region: match && match[2] !== 'unknown-region' ? match[2] : undefined,
  };
}
