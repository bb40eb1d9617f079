import { Token } from 'aws-cdk-lib';
import { SERVER_APPSPEC } from '../private/codedeploy-limits';
import { Problems } from '../private/validation';

/**
 * The format rules of single appspec.yml values for EC2/on-premises deployments: paths, ACL
 * entries and SELinux ranges. Each check skips unresolved tokens and reports through `Problems`.
 */

/** Whether a path is read the Linux or the Windows way. */
export interface PathStyle {
  readonly windows: boolean;
}

/**
 * Requires a path inside the revision: relative to its root (where appspec.yml is), without a
 * leading separator, a drive or `..` segments. Hook script locations and file sources are read
 * this way by the agent
 * (https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#reference-appspec-file-structure-hooks-section-structure,
 * https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-files.html).
 *
 * @param wholeRevision whether a single separator, meaning the whole revision, is allowed (file sources)
 */
export function checkRevisionPath(problems: Problems, prop: string, value: string, style: PathStyle, wholeRevision: boolean): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  // The files reference: `/` (Linux) or `\` (Windows) alone copies every file of the revision.
  const roots = style.windows ? ['/', '\\'] : ['/'];
  if (wholeRevision && roots.includes(value)) {
    return;
  }
  const separators = style.windows ? /[\\/]/ : /\//;
  const escapes = value === ''
    || roots.some((root) => value.startsWith(root))
    || (style.windows && /^[A-Za-z]:/.test(value))
    || value.split(separators).includes('..');
  if (escapes) {
    const leading = style.windows ? 'a leading / or \\, a drive' : 'a leading /';
    const whole = wholeRevision ? `, or ${style.windows ? '\\' : '/'} alone for the whole revision` : '';
    problems.add(`${prop} must be a path relative to the revision root, without ${leading} or .. segments${whole}, got '${value}'`);
  }
}

/**
 * Requires a fully qualified path on the instance: `/...` on Linux; `C:\...` (or `C:/...`) or a
 * UNC path `\\server\share...` on Windows
 * (https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-files.html).
 */
export function checkInstancePath(problems: Problems, prop: string, value: string, style: PathStyle): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  if (style.windows) {
    if (!/^(?:[A-Za-z]:[\\/]|\\\\[^\\/]+[\\/][^\\/]+)/.test(value)) {
      problems.add(`${prop} must be an absolute Windows path such as C:\\app or \\\\server\\share, got '${value}'`);
    }
  } else if (!value.startsWith('/')) {
    problems.add(`${prop} must be an absolute path starting with /, got '${value}'`);
  }
}

/** Requires a chmod mode of 3 or 4 octal digits, as a string so that a leading zero survives. */
export function checkMode(problems: Problems, prop: string, value: string): void {
  if (!Token.isUnresolved(value) && !SERVER_APPSPEC.mode.test(value)) {
    problems.add(`${prop} must be 3 or 4 octal digits (0 to 7), such as '755' or '0644', got '${value}'`);
  }
}

/**
 * Requires a named ACL entry as the agent parses it: `[d[efault]:][u[ser]|g[roup]:]name:perms`,
 * or a mask entry `[d:]m[ask]::perms`, or a default entry for the owner, group or others
 * (`d:u::rwx`, `d:g::rx`, `d:o::r`); perms are any of `r`, `w`, `x` and `-`, or one octal digit. Entries
 * for the owner, group and others themselves (`u::rw`) fail the deployment: `mode` sets those
 * (https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-permissions.html;
 * https://github.com/aws/aws-codedeploy-agent/blob/master/lib/instance_agent/plugins/codedeploy/application_specification/ace_info.rb).
 */
export function checkAclEntry(problems: Problems, prop: string, value: string): void {
  if (!Token.isUnresolved(value) && !isAclEntry(value)) {
    problems.add(`${prop} must be a named ACL entry such as u:bob:rw, g:ops:r-x, m::rx or d:u:bob:rwx (set the owner, group and others with mode), got '${value}'`);
  }
}

function isAclEntry(entry: string): boolean {
  const parts = entry.split(':').reverse();
  if (parts.length < 2 || parts.length > 4) {
    return false;
  }
  const [perms, nameOrTag, tag, prefix] = parts;
  const isDefault = (part: string | undefined) => part === 'd' || part === 'default';
  if (prefix !== undefined && !isDefault(prefix)) {
    return false;
  }
  let isDefaultEntry = prefix !== undefined;
  let type: string | undefined;
  if (tag !== undefined) {
    if (isDefault(tag)) {
      if (isDefaultEntry) {
        return false;
      }
      isDefaultEntry = true;
    } else {
      type = ACL_TAGS.get(tag);
      if (type === undefined) {
        return false;
      }
    }
  }
  let name = '';
  const special = ACL_TAGS.get(nameOrTag);
  if (special === 'mask' || special === 'other') {
    if (type === undefined) {
      type = special;
    } else {
      name = special;
    }
  } else {
    type = type ?? 'user';
    name = nameOrTag;
  }
  if ((type === 'mask' || type === 'other') && name !== '') {
    return false;
  }
  if (!isDefaultEntry && type !== 'mask' && name === '') {
    return false;
  }
  // No permission characters at all grants nothing, which the agent accepts.
  return /^(?:[0-7]|[rwx-]*)$/.test(perms);
}

const ACL_TAGS: ReadonlyMap<string, string> = new Map([
  ['u', 'user'], ['user', 'user'], ['g', 'group'], ['group', 'group'], ['m', 'mask'], ['mask', 'mask'], ['o', 'other'], ['other', 'other'],
]);

/**
 * Requires an SELinux MLS/MCS range as the agent parses it: `s0`, `s0-s2`, `s0:c1,c3.c5`: the high
 * sensitivity not below the low one, categories from 0 to 1023, each range low to high, and no
 * category twice
 * (https://github.com/aws/aws-codedeploy-agent/blob/master/lib/instance_agent/plugins/codedeploy/application_specification/range_info.rb).
 */
export function checkSelinuxRange(problems: Problems, prop: string, value: string): void {
  if (!Token.isUnresolved(value) && !isSelinuxRange(value)) {
    problems.add(`${prop} must be an SELinux range such as s0, s0-s1 or s0:c0.c${SERVER_APPSPEC.maxSelinuxCategory}, `
      + `with the high level not below the low one and categories from 0 to ${SERVER_APPSPEC.maxSelinuxCategory}, each once, got '${value}'`);
  }
}

function isSelinuxRange(range: string): boolean {
  const match = SERVER_APPSPEC.selinuxRange.exec(range);
  if (!match) {
    return false;
  }
  const [, low, high, categories] = match;
  if (high !== undefined && Number(high) < Number(low)) {
    return false;
  }
  const seen = new Set<number>();
  for (const part of categories?.split(',') ?? []) {
    const [from, to = from] = part.split('.').map((category) => Number(category.slice(1)));
    if (to < from || to > SERVER_APPSPEC.maxSelinuxCategory) {
      return false;
    }
    for (let category = from; category <= to; category++) {
      if (seen.has(category)) {
        return false;
      }
      seen.add(category);
    }
  }
  return true;
}
