/**
 * What a stack's resources are in the account, where the library's functions see them: Lambda
 * functions with their published versions and aliases, SSM parameters, CloudWatch alarms, and what
 * CodeDeploy last deployed to each server deployment group (and the blue/green groups the deployer
 * manages). The lifecycle model changes it as CloudFormation would; the library's real handlers
 * read and change it through mocked SDK clients (library-functions.ts).
 */

export interface LambdaFunctionState {
  /** Published version numbers that exist. */
  readonly versions: Set<number>;
  /** The next version Lambda publishes: numbers are never reused, even after a deletion. */
  next: number;
  /** Alias name to version number. */
  readonly aliases: Map<string, number>;
}

export class Account {
  public readonly functions = new Map<string, LambdaFunctionState>();
  public readonly parameters = new Map<string, string>();
  public readonly alarms = new Set<string>();
  /** `<application>/<group>` to the revision (JSON) CodeDeploy last deployed there. */
  public readonly deployedRevisions = new Map<string, string>();
  public readonly deployments = new Map<string, { readonly group: string; readonly revision: string }>();
  /** Blue/green groups the deployer created: `<application>/<group>` to their input. */
  public readonly managedGroups = new Map<string, Record<string, unknown>>();
  private deploymentCounter = 0;

  public fn(name: string): LambdaFunctionState {
    const found = this.functions.get(name);
    if (!found) throw new Error(`Function not found: ${name}`);
    return found;
  }

  public createFunction(name: string): void {
    if (this.functions.has(name)) throw new Error(`Function already exist: ${name}`);
    this.functions.set(name, { versions: new Set(), next: 1, aliases: new Map() });
  }

  /** PublishVersion: the function's next number. */
  public publish(name: string): number {
    const fn = this.fn(name);
    const version = fn.next++;
    fn.versions.add(version);
    return version;
  }

  public newDeploymentId(): string {
    return `d-LIFE${String(++this.deploymentCounter).padStart(5, '0')}`;
  }
}
