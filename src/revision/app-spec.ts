import { Duration, Tokenization } from 'aws-cdk-lib';
import { checkAclEntry, checkInstancePath, checkMode, checkRevisionPath, checkSelinuxRange, PathStyle } from './app-spec-checks';
import { SERVER_APPSPEC } from '../private/codedeploy-limits';
import { Problems, SECOND_MILLIS } from '../private/validation';
import { toYaml, YamlMapping, YamlPlain, YamlQuoted, YamlValue } from '../private/yaml';

/**
 * The operating system of the instances an appspec.yml deploys to (its `os`).
 *
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure.html
 */
export enum AppSpecOs {
  /** Amazon Linux, Ubuntu Server, RHEL and other Linux instances: `os: linux`. */
  LINUX = 'linux',
  /** Windows Server instances: `os: windows`. */
  WINDOWS = 'windows',
}

/**
 * What CodeDeploy does with a file that is already at a destination but was not installed by the
 * last successful deployment (the appspec's `file_exists_behavior`, or a deployment's
 * `fileExistsBehavior`; the appspec's setting wins).
 *
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-files.html
 */
export enum FileExistsBehavior {
  /** Fail the deployment: CodeDeploy's default. */
  DISALLOW = 'DISALLOW',
  /** Replace the file on the instance with the revision's version. */
  OVERWRITE = 'OVERWRITE',
  /** Keep the file on the instance and use it as part of the new deployment. */
  RETAIN = 'RETAIN',
}

/**
 * Which objects below a permission's `object` the permission applies to (never `object` itself).
 *
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-permissions.html
 */
export enum PermissionType {
  /** Files directly inside `object`. */
  FILE = 'file',
  /** Directories at any depth inside `object`. */
  DIRECTORY = 'directory',
}

/**
 * One copy the CodeDeploy agent makes during the Install event: an entry of the appspec's `files`.
 *
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-files.html
 */
export interface AppSpecFile {
  /**
   * A file or directory of the revision, relative to its root, e.g. `config/app.conf` or `dist`
   * (a directory copies what it contains); `/` (or `\` on Windows) alone copies the whole revision.
   */
  readonly source: string;

  /** The fully qualified directory on the instance to copy into, e.g. `/var/www/app` or `C:\app`. */
  readonly destination: string;
}

/**
 * SELinux labels for the objects a permission applies to, on SELinux-enabled Linux instances.
 *
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-permissions.html
 */
export interface SELinuxContext {
  /**
   * The SELinux user, e.g. `system_u`.
   *
   * @default - none: the objects keep their SELinux user
   */
  readonly user?: string;

  /** The SELinux type, e.g. `httpd_sys_content_t`; the CodeDeploy agent rejects a context without one. */
  readonly type: string;

  /**
   * The MLS/MCS range, e.g. `s0`, `s0-s1` or `s0:c0.c1023`; it takes effect only on instances with
   * MLS/MCS enabled.
   *
   * @default - none: `s0` where MLS/MCS is not enabled
   */
  readonly range?: string;
}

/**
 * Owner, group, mode, ACLs and SELinux labels applied to installed files and directories: an entry
 * of the appspec's `permissions`. Linux instances only.
 *
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-permissions.html
 */
export interface AppSpecPermission {
  /** The absolute path on the instance of a file or directory that `files` installs, e.g. `/var/www/app`. */
  readonly object: string;

  /**
   * A glob of the names inside `object` to apply to, e.g. `*.sh`.
   *
   * @default - every object of the chosen `type` (`**`)
   */
  readonly pattern?: string;

  /**
   * Names inside `object` to leave alone although `pattern` matches them (the AppSpec's `except`).
   *
   * @default - no exceptions
   */
  readonly excluded?: string[];

  /**
   * The user to own the objects.
   *
   * @default - the owner is left as the copy made it
   */
  readonly owner?: string;

  /**
   * The group to own the objects.
   *
   * @default - the group is left as the copy made it
   */
  readonly group?: string;

  /**
   * The mode in chmod's octal form, 3 or 4 digits written as a string, e.g. `'755'` or `'0644'`
   * (symbolic forms such as `u+x` are not supported).
   *
   * @default - the mode is left as the copy made it
   */
  readonly mode?: string;

  /**
   * ACL entries that replace the objects' ACLs, e.g. `u:bob:rw`, `g:ops:r-x`, `m::rx` or
   * `d:u:bob:rwx`; set the owner, group and others with `mode` instead. Not supported on macOS.
   *
   * @default - the ACLs are left as the copy made them
   */
  readonly acls?: string[];

  /**
   * SELinux labels for the objects. Not supported on macOS.
   *
   * @default - the labels are left as the copy made them
   */
  readonly context?: SELinuxContext;

  /**
   * The kinds of object to apply to.
   *
   * @default - files and directories
   */
  readonly type?: PermissionType[];
}

/**
 * One script run at a lifecycle event.
 *
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#reference-appspec-file-structure-hooks-section-structure
 */
export interface HookScript {
  /** The script's path in the revision, relative to its root, e.g. `scripts/start.sh`. */
  readonly location: string;

  /**
   * How long the script may run before it counts as failed: whole seconds from 1 to 3600. The
   * timeouts of one lifecycle event's scripts may add up to at most 3600 seconds, CodeDeploy's
   * limit for an event, so set it on every script of an event that runs several.
   *
   * @default - CodeDeploy's default: 3600 seconds (one hour)
   */
  readonly timeout?: Duration;

  /**
   * The user to run the script as (Linux only). CodeDeploy stores no passwords, so the user must
   * not need one.
   *
   * @default - the user the CodeDeploy agent runs as
   */
  readonly runAs?: string;
}

/**
 * The scripts to run at each lifecycle event of an EC2/on-premises deployment, listed in the order
 * the events run in an in-place deployment.
 *
 * DownloadBundle, Install, BlockTraffic and AllowTraffic are reserved for the CodeDeploy agent and
 * cannot run scripts, so they are not props. In an in-place deployment the four traffic hooks
 * (before/after block and allow traffic) run only when the deployment group has a Classic,
 * Application or Network Load Balancer.
 *
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#reference-appspec-file-structure-hooks-list
 */
export interface ServerHooks {
  /**
   * Before the instance is deregistered from the load balancer (load balancer only; in a blue/green
   * deployment, on the original instances). Runs the scripts of the last revision deployed
   * successfully to the instance.
   *
   * @default - no scripts
   */
  readonly beforeBlockTraffic?: HookScript[];

  /**
   * After the instance is deregistered from the load balancer (load balancer only; in a blue/green
   * deployment, on the original instances). Runs the scripts of the last revision deployed
   * successfully to the instance.
   *
   * @default - no scripts
   */
  readonly afterBlockTraffic?: HookScript[];

  /**
   * Before the new revision is downloaded, to stop the application gracefully. Runs the scripts of
   * the last revision deployed successfully to the instance, so not on its first deployment.
   *
   * @default - no scripts
   */
  readonly applicationStop?: HookScript[];

  /**
   * Before the files are copied into place, e.g. to decrypt files or back up the current version.
   *
   * @default - no scripts
   */
  readonly beforeInstall?: HookScript[];

  /**
   * After the files are copied into place, e.g. to configure the application or change permissions.
   *
   * @default - no scripts
   */
  readonly afterInstall?: HookScript[];

  /**
   * To start the application, typically the services `applicationStop` stopped.
   *
   * @default - no scripts
   */
  readonly applicationStart?: HookScript[];

  /**
   * The last install event, to check that the deployment worked.
   *
   * @default - no scripts
   */
  readonly validateService?: HookScript[];

  /**
   * Before the instance is registered with the load balancer (load balancer only; in a blue/green
   * deployment, on the replacement instances).
   *
   * @default - no scripts
   */
  readonly beforeAllowTraffic?: HookScript[];

  /**
   * After the instance is registered with the load balancer (load balancer only; in a blue/green
   * deployment, on the replacement instances).
   *
   * @default - no scripts
   */
  readonly afterAllowTraffic?: HookScript[];
}

/** Props of `AppSpec.server`. */
export interface ServerAppSpecProps {
  /** The operating system of the instances. */
  readonly os: AppSpecOs;

  /**
   * What to copy from the revision to the instance during the Install event.
   *
   * @default - nothing is copied: the revision only runs its hooks
   */
  readonly files?: AppSpecFile[];

  /**
   * What to do with a file already at a destination that the last successful deployment did not
   * install. Takes precedence over the deployment's own option.
   *
   * @default - the deployment's option, else CodeDeploy's default: `FileExistsBehavior.DISALLOW`
   */
  readonly fileExistsBehavior?: FileExistsBehavior;

  /**
   * Owner, group, mode, ACLs and SELinux labels for the installed files (Linux only).
   *
   * @default - the files keep what the copy gave them
   */
  readonly permissions?: AppSpecPermission[];

  /**
   * The scripts to run at each lifecycle event.
   *
   * @default - no scripts run
   */
  readonly hooks?: ServerHooks;
}

/** The lifecycle events that can run scripts, in the order they run in an in-place deployment. */
const SCRIPTABLE_EVENTS: ReadonlyArray<{ readonly prop: keyof ServerHooks; readonly name: string; readonly traffic: boolean }> = [
  { prop: 'beforeBlockTraffic', name: 'BeforeBlockTraffic', traffic: true },
  { prop: 'afterBlockTraffic', name: 'AfterBlockTraffic', traffic: true },
  { prop: 'applicationStop', name: 'ApplicationStop', traffic: false },
  { prop: 'beforeInstall', name: 'BeforeInstall', traffic: false },
  { prop: 'afterInstall', name: 'AfterInstall', traffic: false },
  { prop: 'applicationStart', name: 'ApplicationStart', traffic: false },
  { prop: 'validateService', name: 'ValidateService', traffic: false },
  { prop: 'beforeAllowTraffic', name: 'BeforeAllowTraffic', traffic: true },
  { prop: 'afterAllowTraffic', name: 'AfterAllowTraffic', traffic: true },
];

/**
 * A typed appspec.yml: the file at the root of a revision that tells the CodeDeploy agent what to
 * copy where, which permissions to set and which scripts to run at each lifecycle event.
 *
 * @example
 * const appSpec = AppSpec.server({
 *   os: AppSpecOs.LINUX,
 *   files: [{ source: 'dist', destination: '/var/www/app' }],
 *   hooks: {
 *     applicationStart: [{ location: 'scripts/start.sh', timeout: Duration.minutes(5), runAs: 'app' }],
 *     validateService: [{ location: 'scripts/health.sh', timeout: Duration.minutes(2) }],
 *   },
 * });
 * appSpec.toYaml();
 */
export class AppSpec {
  /**
   * The appspec.yml of an EC2/on-premises deployment. Checks every prop and reports every problem
   * at once.
   *
   * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure.html
   */
  public static server(props: ServerAppSpecProps): AppSpec {
    const problems = new Problems('AppSpec.server');
    checkServer(problems, props);
    problems.throwIfAny();
    return new AppSpec(props);
  }

  /** The operating system of the instances. */
  public readonly os: AppSpecOs;

  /**
   * What CodeDeploy does with files already at a destination, when the appspec says.
   *
   * @default - the appspec does not say
   */
  public readonly fileExistsBehavior?: FileExistsBehavior;

  /** The location of every hook script, in the order the events run, each once. */
  public readonly scriptLocations: string[];

  /** The source of every entry of `files`, in the order given, each once. */
  public readonly fileSources: string[];

  /** Whether a traffic hook (before/after block or allow traffic) runs scripts: they need a load balancer. */
  public readonly hasTrafficHooks: boolean;

  private readonly yaml: string;

  private constructor(props: ServerAppSpecProps) {
    this.os = props.os;
    this.fileExistsBehavior = props.fileExistsBehavior;
    const scripted = SCRIPTABLE_EVENTS.filter((event) => (props.hooks?.[event.prop] ?? []).length > 0);
    this.scriptLocations = unique(scripted.flatMap((event) => props.hooks![event.prop]!.map((script) => script.location)));
    this.fileSources = unique((props.files ?? []).map((file) => file.source));
    this.hasTrafficHooks = scripted.some((event) => event.traffic);
    this.yaml = toYaml(serverDocument(props));
  }

  /**
   * The appspec.yml text: keys in the reference's order (version, os, files, file_exists_behavior,
   * permissions, hooks with events in run order), strings quoted only where YAML could misread
   * them, ending with a newline. The same props always give the same text. A value given as a
   * token appears as its token string.
   */
  public toYaml(): string {
    return this.yaml;
  }
}

function checkServer(problems: Problems, props: ServerAppSpecProps): void {
  const style: PathStyle = { windows: props.os === AppSpecOs.WINDOWS };
  (props.files ?? []).forEach((file, i) => {
    checkRevisionPath(problems, `files[${i}].source`, file.source, style, true);
    checkInstancePath(problems, `files[${i}].destination`, file.destination, style);
  });

  const permissions = props.permissions ?? [];
  if (style.windows && permissions.length > 0) {
    // https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-permissions.html:
    // the section applies to Linux instances only, and the agent fails a Windows deployment that has one.
    problems.add(`permissions must not be given when os is AppSpecOs.WINDOWS (CodeDeploy applies them on Linux only), got ${permissions.length} ${permissions.length === 1 ? 'entry' : 'entries'}`);
  } else {
    permissions.forEach((permission, i) => checkPermission(problems, `permissions[${i}]`, permission));
  }

  for (const event of SCRIPTABLE_EVENTS) {
    const scripts = props.hooks?.[event.prop];
    if (scripts !== undefined) {
      checkHook(problems, `hooks.${event.prop}`, event.name, scripts, style);
    }
  }
}

function checkPermission(problems: Problems, prop: string, permission: AppSpecPermission): void {
  checkInstancePath(problems, `${prop}.object`, permission.object, { windows: false });
  if (permission.owner !== undefined) {
    problems.text(`${prop}.owner`, permission.owner, SERVER_APPSPEC.userName);
  }
  if (permission.group !== undefined) {
    problems.text(`${prop}.group`, permission.group, SERVER_APPSPEC.userName);
  }
  if (permission.mode !== undefined) {
    checkMode(problems, `${prop}.mode`, permission.mode);
  }
  (permission.acls ?? []).forEach((entry, i) => checkAclEntry(problems, `${prop}.acls[${i}]`, entry));
  if (permission.context?.range !== undefined) {
    checkSelinuxRange(problems, `${prop}.context.range`, permission.context.range);
  }
  if (permission.type !== undefined && permission.type.length === 0) {
    problems.add(`${prop}.type must list at least one type when given (leave it out for files and directories), got none`);
  }
}

/**
 * Script timeouts and the per-event limit:
 * https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#reference-appspec-file-structure-hooks-section-structure.
 * `runas` applies to Linux instances only (same section).
 */
function checkHook(problems: Problems, prop: string, event: string, scripts: HookScript[], style: PathStyle): void {
  if (scripts.length === 0) {
    problems.add(`${prop} must list at least one script when given, got none`);
    return;
  }
  let totalSeconds = 0;
  scripts.forEach((script, i) => {
    checkRevisionPath(problems, `${prop}[${i}].location`, script.location, style, false);
    if (script.timeout !== undefined) {
      totalSeconds += problems.wholeDuration(`${prop}[${i}].timeout`, script.timeout, SECOND_MILLIS, SERVER_APPSPEC.scriptTimeout) ?? 0;
    }
    if (script.runAs !== undefined && style.windows) {
      problems.add(`${prop}[${i}].runAs must not be given when os is AppSpecOs.WINDOWS (CodeDeploy runs scripts as another user on Linux only), got '${script.runAs}'`);
    } else if (script.runAs !== undefined) {
      problems.text(`${prop}[${i}].runAs`, script.runAs, SERVER_APPSPEC.userName);
    }
  });
  const max = SERVER_APPSPEC.maxSecondsPerLifecycleEvent;
  if (totalSeconds > max) {
    problems.add(`${prop} timeouts must add up to at most ${max} seconds, CodeDeploy's limit for the ${event} event, got ${totalSeconds} seconds`);
  }
}

function serverDocument(props: ServerAppSpecProps): YamlMapping {
  return {
    version: new YamlPlain(SERVER_APPSPEC.version),
    os: props.os,
    files: nonEmpty((props.files ?? []).map((file) => ({ source: file.source, destination: file.destination }))),
    file_exists_behavior: props.fileExistsBehavior,
    permissions: nonEmpty((props.permissions ?? []).map(permissionDocument)),
    hooks: hooksDocument(props.hooks ?? {}),
  };
}

function permissionDocument(permission: AppSpecPermission): YamlMapping {
  const context = permission.context;
  return {
    object: permission.object,
    // The reference asks for the pattern in quotation marks: an unquoted `*` would start a YAML alias.
    pattern: permission.pattern === undefined ? undefined : new YamlQuoted(permission.pattern),
    except: permission.excluded,
    owner: permission.owner,
    group: permission.group,
    mode: permission.mode,
    acls: permission.acls,
    context: context && { user: context.user, type: context.type, range: context.range },
    type: permission.type,
  };
}

function hooksDocument(hooks: ServerHooks): YamlMapping | undefined {
  const events: Record<string, YamlValue> = {};
  for (const event of SCRIPTABLE_EVENTS) {
    const scripts = hooks[event.prop] ?? [];
    if (scripts.length > 0) {
      events[event.name] = scripts.map((script) => ({
        location: script.location,
        timeout: script.timeout && seconds(script.timeout),
        runas: script.runAs,
      }));
    }
  }
  return Object.keys(events).length > 0 ? events : undefined;
}

/** Whole seconds; a token duration (given in seconds) as its token string. */
function seconds(duration: Duration): number | YamlPlain {
  return duration.isUnresolved() ? new YamlPlain(Tokenization.stringifyNumber(duration.toSeconds())) : duration.toSeconds();
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
