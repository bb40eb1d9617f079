import { isDeepStrictEqual } from 'node:util';
import { Duration, Lazy } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { parse } from 'yaml';
import { toYaml, YamlPlain, YamlQuoted } from '../../src/private/yaml';
import { AppSpec, AppSpecOs, FileExistsBehavior, PermissionType, ServerAppSpecProps, ServerHooks } from '../../src/revision/app-spec';
import { readAgentYaml } from '../support/agent-yaml';

/** Every prop set, hooks given out of run order, and a script location used by two events. */
const FULL: ServerAppSpecProps = {
  os: AppSpecOs.LINUX,
  files: [
    { source: 'dist', destination: '/var/www/app' },
    { source: 'config/app.conf', destination: '/etc/app' },
    { source: 'dist', destination: '/srv/mirror' },
  ],
  fileExistsBehavior: FileExistsBehavior.OVERWRITE,
  permissions: [
    {
      object: '/var/www/app',
      pattern: '*.sh',
      excluded: ['skip.sh'],
      owner: 'app',
      group: 'www-data',
      mode: '0755',
      acls: ['u:deploy:rwx', 'm::rx'],
      context: { user: 'system_u', type: 'httpd_sys_content_t', range: 's0' },
      type: [PermissionType.FILE],
    },
    { object: '/etc/app', owner: 'root', mode: '644', type: [PermissionType.FILE, PermissionType.DIRECTORY] },
  ],
  hooks: {
    validateService: [{ location: 'scripts/health.sh', timeout: Duration.minutes(2) }],
    applicationStop: [{ location: 'scripts/stop.sh', timeout: Duration.seconds(60), runAs: 'app' }],
    beforeInstall: [{ location: 'scripts/backup.sh' }],
    afterInstall: [
      { location: 'scripts/configure.sh', timeout: Duration.minutes(30) },
      { location: 'scripts/migrate.sh', timeout: Duration.minutes(30), runAs: 'app' },
    ],
    applicationStart: [{ location: 'scripts/start.sh', timeout: Duration.minutes(5), runAs: 'app' }],
    beforeBlockTraffic: [{ location: 'scripts/drain.sh', timeout: Duration.seconds(300) }],
    afterBlockTraffic: [{ location: 'scripts/stop.sh' }],
    beforeAllowTraffic: [{ location: 'scripts/warm.sh' }],
    afterAllowTraffic: [{ location: 'scripts/health.sh' }],
  },
};

const FULL_YAML = [
  'version: 0.0',
  'os: linux',
  'files:',
  '  - source: dist',
  '    destination: /var/www/app',
  '  - source: config/app.conf',
  '    destination: /etc/app',
  '  - source: dist',
  '    destination: /srv/mirror',
  'file_exists_behavior: OVERWRITE',
  'permissions:',
  '  - object: /var/www/app',
  '    pattern: "*.sh"',
  '    except:',
  '      - skip.sh',
  '    owner: app',
  '    group: www-data',
  '    mode: "0755"',
  '    acls:',
  '      - u:deploy:rwx',
  '      - m::rx',
  '    context:',
  '      user: system_u',
  '      type: httpd_sys_content_t',
  '      range: s0',
  '    type:',
  '      - file',
  '  - object: /etc/app',
  '    owner: root',
  '    mode: "644"',
  '    type:',
  '      - file',
  '      - directory',
  'hooks:',
  '  BeforeBlockTraffic:',
  '    - location: scripts/drain.sh',
  '      timeout: 300',
  '  AfterBlockTraffic:',
  '    - location: scripts/stop.sh',
  '  ApplicationStop:',
  '    - location: scripts/stop.sh',
  '      timeout: 60',
  '      runas: app',
  '  BeforeInstall:',
  '    - location: scripts/backup.sh',
  '  AfterInstall:',
  '    - location: scripts/configure.sh',
  '      timeout: 1800',
  '    - location: scripts/migrate.sh',
  '      timeout: 1800',
  '      runas: app',
  '  ApplicationStart:',
  '    - location: scripts/start.sh',
  '      timeout: 300',
  '      runas: app',
  '  ValidateService:',
  '    - location: scripts/health.sh',
  '      timeout: 120',
  '  BeforeAllowTraffic:',
  '    - location: scripts/warm.sh',
  '  AfterAllowTraffic:',
  '    - location: scripts/health.sh',
  '',
].join('\n');

const WINDOWS: ServerAppSpecProps = {
  os: AppSpecOs.WINDOWS,
  files: [{ source: '\\', destination: 'C:\\inetpub\\app' }],
  fileExistsBehavior: FileExistsBehavior.RETAIN,
  hooks: { afterInstall: [{ location: 'scripts\\configure.ps1', timeout: Duration.minutes(10) }] },
};

const WINDOWS_YAML = [
  'version: 0.0',
  'os: windows',
  'files:',
  '  - source: \\',
  '    destination: C:\\inetpub\\app',
  'file_exists_behavior: RETAIN',
  'hooks:',
  '  AfterInstall:',
  '    - location: scripts\\configure.ps1',
  '      timeout: 600',
  '',
].join('\n');

describe('rendering', () => {
  test('a full Linux appspec, in the reference order with hooks in run order', () => {
    expect(AppSpec.server(FULL).toYaml()).toEqual(FULL_YAML);
  });

  test('a Windows appspec, without permissions or runas', () => {
    const appSpec = AppSpec.server(WINDOWS);
    expect(appSpec.toYaml()).toEqual(WINDOWS_YAML);
    expect(appSpec.os).toEqual(AppSpecOs.WINDOWS);
  });

  test('an appspec without files or hooks is only version and os: CodeDeploy accepts it', () => {
    expect(AppSpec.server({ os: AppSpecOs.LINUX }).toYaml()).toEqual('version: 0.0\nos: linux\n');
  });

  test('empty lists and an empty hooks object are left out', () => {
    expect(AppSpec.server({ os: AppSpecOs.LINUX, files: [], permissions: [], hooks: {} }).toYaml()).toEqual('version: 0.0\nos: linux\n');
    expect(AppSpec.server({ os: AppSpecOs.WINDOWS, permissions: [] }).toYaml()).toEqual('version: 0.0\nos: windows\n');
  });

  test('empty except and acls lists are kept: an empty ACL list replaces the existing ACLs', () => {
    const yaml = AppSpec.server({ os: AppSpecOs.LINUX, permissions: [{ object: '/app', excluded: [], acls: [] }] }).toYaml();
    expect(yaml).toEqual('version: 0.0\nos: linux\npermissions:\n  - object: /app\n    except: []\n    acls: []\n');
  });

  test('the YAML reads back as the expected document', () => {
    expect(readAgentYaml(AppSpec.server(FULL).toYaml())).toEqual({
      version: 0,
      os: 'linux',
      files: [
        { source: 'dist', destination: '/var/www/app' },
        { source: 'config/app.conf', destination: '/etc/app' },
        { source: 'dist', destination: '/srv/mirror' },
      ],
      file_exists_behavior: 'OVERWRITE',
      permissions: [
        {
          object: '/var/www/app',
          pattern: '*.sh',
          except: ['skip.sh'],
          owner: 'app',
          group: 'www-data',
          mode: '0755',
          acls: ['u:deploy:rwx', 'm::rx'],
          context: { user: 'system_u', type: 'httpd_sys_content_t', range: 's0' },
          type: ['file'],
        },
        { object: '/etc/app', owner: 'root', mode: '644', type: ['file', 'directory'] },
      ],
      hooks: {
        BeforeBlockTraffic: [{ location: 'scripts/drain.sh', timeout: 300 }],
        AfterBlockTraffic: [{ location: 'scripts/stop.sh' }],
        ApplicationStop: [{ location: 'scripts/stop.sh', timeout: 60, runas: 'app' }],
        BeforeInstall: [{ location: 'scripts/backup.sh' }],
        AfterInstall: [{ location: 'scripts/configure.sh', timeout: 1800 }, { location: 'scripts/migrate.sh', timeout: 1800, runas: 'app' }],
        ApplicationStart: [{ location: 'scripts/start.sh', timeout: 300, runas: 'app' }],
        ValidateService: [{ location: 'scripts/health.sh', timeout: 120 }],
        BeforeAllowTraffic: [{ location: 'scripts/warm.sh' }],
        AfterAllowTraffic: [{ location: 'scripts/health.sh' }],
      },
    });
    expect(readAgentYaml(AppSpec.server(WINDOWS).toYaml())).toEqual({
      version: 0,
      os: 'windows',
      files: [{ source: '\\', destination: 'C:\\inetpub\\app' }],
      file_exists_behavior: 'RETAIN',
      hooks: { AfterInstall: [{ location: 'scripts\\configure.ps1', timeout: 600 }] },
    });
  });

  test('strings the agent could misread are quoted and read back unchanged', () => {
    const tricky = ['true', 'on', 'y', 'TrUe', '~', '0644', '1:20', '1,000', ':sym', '2024-01-01', '-rf', '#x', '*x', 'a: b', 'a #b', ' padded ', 'tab\there', 'two\nlines'];
    const yaml = AppSpec.server({
      os: AppSpecOs.LINUX,
      files: tricky.map((name) => ({ source: name, destination: `/opt/${name}` })),
      hooks: { afterInstall: tricky.map((name) => ({ location: name })) },
    }).toYaml();
    const read = readAgentYaml(yaml) as { files: Array<{ source: string }>; hooks: { AfterInstall: Array<{ location: string }> } };
    expect(read.files.map((entry) => entry.source)).toEqual(tricky);
    expect(read.hooks.AfterInstall.map((script) => script.location)).toEqual(tricky);
  });
});

describe('determinism', () => {
  test('the same props give the same YAML, whatever order the hooks were given in', () => {
    const reversed: Record<string, unknown> = {};
    for (const key of Object.keys(FULL.hooks!).reverse()) {
      reversed[key] = FULL.hooks![key as keyof ServerHooks];
    }
    const first = AppSpec.server(FULL);
    expect(first.toYaml()).toEqual(first.toYaml());
    expect(AppSpec.server({ ...FULL }).toYaml()).toEqual(first.toYaml());
    expect(AppSpec.server({ ...FULL, hooks: reversed as ServerHooks }).toYaml()).toEqual(first.toYaml());
  });

  test('changing the props after creation does not change the appspec', () => {
    const files = [{ source: 'dist', destination: '/app' }];
    const appSpec = AppSpec.server({ os: AppSpecOs.LINUX, files });
    files.push({ source: '../escape', destination: 'relative' });
    expect(appSpec.toYaml()).toEqual('version: 0.0\nos: linux\nfiles:\n  - source: dist\n    destination: /app\n');
    expect(appSpec.fileSources).toEqual(['dist']);
  });
});

describe('what the revision needs', () => {
  test('script locations in run order, each once; file sources in order, each once', () => {
    const appSpec = AppSpec.server(FULL);
    expect(appSpec.scriptLocations).toEqual([
      'scripts/drain.sh', 'scripts/stop.sh', 'scripts/backup.sh', 'scripts/configure.sh', 'scripts/migrate.sh',
      'scripts/start.sh', 'scripts/health.sh', 'scripts/warm.sh',
    ]);
    expect(appSpec.fileSources).toEqual(['dist', 'config/app.conf']);
    expect(appSpec.fileExistsBehavior).toEqual(FileExistsBehavior.OVERWRITE);
  });

  test('no files and no hooks: nothing to find in the revision', () => {
    const appSpec = AppSpec.server({ os: AppSpecOs.LINUX });
    expect(appSpec.scriptLocations).toEqual([]);
    expect(appSpec.fileSources).toEqual([]);
    expect(appSpec.hasTrafficHooks).toBe(false);
    expect(appSpec.fileExistsBehavior).toBeUndefined();
  });

  const script = [{ location: 'scripts/run.sh' }];
  test.each<[keyof ServerHooks, boolean]>([
    ['beforeBlockTraffic', true],
    ['afterBlockTraffic', true],
    ['beforeAllowTraffic', true],
    ['afterAllowTraffic', true],
    ['applicationStop', false],
    ['beforeInstall', false],
    ['afterInstall', false],
    ['applicationStart', false],
    ['validateService', false],
  ])('hasTrafficHooks with %s: %s', (event, expected) => {
    expect(AppSpec.server({ os: AppSpecOs.LINUX, hooks: { [event]: script } }).hasTrafficHooks).toBe(expected);
  });
});

const LINUX = AppSpecOs.LINUX;
const WIN = AppSpecOs.WINDOWS;
const hook = (location: string, extra: { timeout?: Duration; runAs?: string } = {}) => ({ afterInstall: [{ location, ...extra }] });
const file = (source: string, destination: string) => [{ source, destination }];
const RELATIVE_LINUX = 'must be a path relative to the revision root, without a leading / or .. segments';
const RELATIVE_WINDOWS = 'must be a path relative to the revision root, without a leading / or \\, a drive or .. segments';
const USER_CHARS = 'may contain only letters, digits, . and _, - after the first character, and a final $';
const ACL = 'must be a named ACL entry such as u:bob:rw, g:ops:r-x, m::rx or d:u:bob:rwx (set the owner, group and others with mode)';
const RANGE = 'must be an SELinux range such as s0, s0-s1 or s0:c0.c1023, with the high level not below the low one and categories from 0 to 1023, each once';

describe('validation', () => {
  test.each<[string, ServerAppSpecProps, string]>([
    // Script timeouts and the per-event limit.
    ['fractional timeout', { os: LINUX, hooks: hook('a.sh', { timeout: Duration.millis(1500) }) },
      'hooks.afterInstall[0].timeout must be a whole number of seconds from 1 to 3600, got 1.5 seconds'],
    ['zero timeout', { os: LINUX, hooks: hook('a.sh', { timeout: Duration.seconds(0) }) },
      'hooks.afterInstall[0].timeout must be a whole number of seconds from 1 to 3600, got 0 seconds'],
    ['timeout above an hour', { os: LINUX, hooks: hook('a.sh', { timeout: Duration.hours(2) }) },
      'hooks.afterInstall[0].timeout must be a whole number of seconds from 1 to 3600, got 7200 seconds'],
    ['timeouts of one event above an hour in total', {
      os: LINUX,
      hooks: { validateService: [{ location: 'a.sh', timeout: Duration.minutes(40) }, { location: 'b.sh', timeout: Duration.minutes(30) }] },
    }, "hooks.validateService timeouts must add up to at most 3600 seconds, CodeDeploy's limit for the ValidateService event, got 4200 seconds"],
    ['empty script list', { os: LINUX, hooks: { beforeAllowTraffic: [] } },
      'hooks.beforeAllowTraffic must list at least one script when given, got none'],
    // runas.
    ['runAs on Windows', { os: WIN, hooks: hook('a.ps1', { runAs: 'Administrator' }) },
      "hooks.afterInstall[0].runAs must not be given when os is AppSpecOs.WINDOWS (CodeDeploy runs scripts as another user on Linux only), got 'Administrator'"],
    ['runAs with a space', { os: LINUX, hooks: hook('a.sh', { runAs: 'web user' }) }, `hooks.afterInstall[0].runAs ${USER_CHARS}, got 'web user'`],
    ['runAs starting with -', { os: LINUX, hooks: hook('a.sh', { runAs: '-app' }) }, `hooks.afterInstall[0].runAs ${USER_CHARS}, got '-app'`],
    ['empty runAs', { os: LINUX, hooks: hook('a.sh', { runAs: '' }) }, "hooks.afterInstall[0].runAs must be 1 to 32 characters long, got 0 ('')"],
    ['runAs of 33 characters', { os: LINUX, hooks: hook('a.sh', { runAs: 'a'.repeat(33) }) },
      `hooks.afterInstall[0].runAs must be 1 to 32 characters long, got 33 ('${'a'.repeat(33)}')`],
    // Script locations.
    ['absolute script location', { os: LINUX, hooks: hook('/opt/scripts/a.sh') }, `hooks.afterInstall[0].location ${RELATIVE_LINUX}, got '/opt/scripts/a.sh'`],
    ['script location leaving the revision', { os: LINUX, hooks: hook('scripts/../../a.sh') }, `hooks.afterInstall[0].location ${RELATIVE_LINUX}, got 'scripts/../../a.sh'`],
    ['empty script location', { os: LINUX, hooks: hook('') }, `hooks.afterInstall[0].location ${RELATIVE_LINUX}, got ''`],
    ['script location with a drive', { os: WIN, hooks: hook('C:\\scripts\\a.ps1') }, `hooks.afterInstall[0].location ${RELATIVE_WINDOWS}, got 'C:\\scripts\\a.ps1'`],
    ['script location with a leading \\', { os: WIN, hooks: hook('\\scripts\\a.ps1') }, `hooks.afterInstall[0].location ${RELATIVE_WINDOWS}, got '\\scripts\\a.ps1'`],
    ['script location with a Windows .. segment', { os: WIN, hooks: hook('scripts\\..\\..\\a.ps1') },
      `hooks.afterInstall[0].location ${RELATIVE_WINDOWS}, got 'scripts\\..\\..\\a.ps1'`],
    // Files.
    ['absolute file source', { os: LINUX, files: file('/etc/app', '/opt/app') }, `files[0].source ${RELATIVE_LINUX}, or / alone for the whole revision, got '/etc/app'`],
    ['file source leaving the revision', { os: LINUX, files: file('../secrets', '/opt/app') },
      `files[0].source ${RELATIVE_LINUX}, or / alone for the whole revision, got '../secrets'`],
    ['empty file source', { os: WIN, files: file('', 'C:\\app') }, `files[0].source ${RELATIVE_WINDOWS}, or \\ alone for the whole revision, got ''`],
    ['relative Linux destination', { os: LINUX, files: file('dist', 'opt/app') }, "files[0].destination must be an absolute path starting with /, got 'opt/app'"],
    ['Linux destination on Windows', { os: WIN, files: file('dist', '/opt/app') },
      "files[0].destination must be an absolute Windows path such as C:\\app or \\\\server\\share, got '/opt/app'"],
    ['drive-relative Windows destination', { os: WIN, files: file('dist', 'C:app') },
      "files[0].destination must be an absolute Windows path such as C:\\app or \\\\server\\share, got 'C:app'"],
    // Permissions.
    ['permissions on Windows', { os: WIN, permissions: [{ object: 'C:\\app' }, { object: 'C:\\data' }] },
      'permissions must not be given when os is AppSpecOs.WINDOWS (CodeDeploy applies them on Linux only), got 2 entries'],
    ['one permission on Windows', { os: WIN, permissions: [{ object: 'C:\\app', mode: '999' }] },
      'permissions must not be given when os is AppSpecOs.WINDOWS (CodeDeploy applies them on Linux only), got 1 entry'],
    ['relative permission object', { os: LINUX, permissions: [{ object: 'app' }] }, "permissions[0].object must be an absolute path starting with /, got 'app'"],
    ['mode with a digit above 7', { os: LINUX, permissions: [{ object: '/app', mode: '0958' }] },
      "permissions[0].mode must be 3 or 4 octal digits (0 to 7), such as '755' or '0644', got '0958'"],
    ['mode of 2 digits', { os: LINUX, permissions: [{ object: '/app', mode: '44' }] },
      "permissions[0].mode must be 3 or 4 octal digits (0 to 7), such as '755' or '0644', got '44'"],
    ['symbolic mode', { os: LINUX, permissions: [{ object: '/app', mode: 'u+x' }] },
      "permissions[0].mode must be 3 or 4 octal digits (0 to 7), such as '755' or '0644', got 'u+x'"],
    ['owner with a colon', { os: LINUX, permissions: [{ object: '/app', owner: 'app:app' }] }, `permissions[0].owner ${USER_CHARS}, got 'app:app'`],
    ['empty group', { os: LINUX, permissions: [{ object: '/app', group: '' }] }, "permissions[0].group must be 1 to 32 characters long, got 0 ('')"],
    ['ACL entry for the owner', { os: LINUX, permissions: [{ object: '/app', acls: ['u::rw'] }] }, `permissions[0].acls[0] ${ACL}, got 'u::rw'`],
    ['ACL entry for others', { os: LINUX, permissions: [{ object: '/app', acls: ['o::r'] }] }, `permissions[0].acls[0] ${ACL}, got 'o::r'`],
    ['ACL entry without permissions part', { os: LINUX, permissions: [{ object: '/app', acls: ['bob'] }] }, `permissions[0].acls[0] ${ACL}, got 'bob'`],
    ['ACL entry with an unknown tag', { os: LINUX, permissions: [{ object: '/app', acls: ['x:bob:rw'] }] }, `permissions[0].acls[0] ${ACL}, got 'x:bob:rw'`],
    ['ACL entry with an unknown permission', { os: LINUX, permissions: [{ object: '/app', acls: ['u:bob:rwz'] }] }, `permissions[0].acls[0] ${ACL}, got 'u:bob:rwz'`],
    ['ACL mask with a name', { os: LINUX, permissions: [{ object: '/app', acls: ['m:bob:rw'] }] }, `permissions[0].acls[0] ${ACL}, got 'm:bob:rw'`],
    ['ACL entry marked default twice', { os: LINUX, permissions: [{ object: '/app', acls: ['d:d:bob:rw'] }] }, `permissions[0].acls[0] ${ACL}, got 'd:d:bob:rw'`],
    ['ACL entry with an unknown prefix', { os: LINUX, permissions: [{ object: '/app', acls: ['x:u:bob:rw'] }] }, `permissions[0].acls[0] ${ACL}, got 'x:u:bob:rw'`],
    ['ACL entry for others in short form', { os: LINUX, permissions: [{ object: '/app', acls: ['o:r'] }] }, `permissions[0].acls[0] ${ACL}, got 'o:r'`],
    ['ACL entry with five parts', { os: LINUX, permissions: [{ object: '/app', acls: ['d:u:bob:rw:x'] }] }, `permissions[0].acls[0] ${ACL}, got 'd:u:bob:rw:x'`],
    ['SELinux range high below low', { os: LINUX, permissions: [{ object: '/app', context: { type: 't', range: 's1-s0' } }] },
      `permissions[0].context.range ${RANGE}, got 's1-s0'`],
    ['SELinux category above 1023', { os: LINUX, permissions: [{ object: '/app', context: { type: 't', range: 's0:c1024' } }] },
      `permissions[0].context.range ${RANGE}, got 's0:c1024'`],
    ['SELinux category range backwards', { os: LINUX, permissions: [{ object: '/app', context: { type: 't', range: 's0:c5.c1' } }] },
      `permissions[0].context.range ${RANGE}, got 's0:c5.c1'`],
    ['SELinux category twice', { os: LINUX, permissions: [{ object: '/app', context: { type: 't', range: 's0:c1.c3,c2' } }] },
      `permissions[0].context.range ${RANGE}, got 's0:c1.c3,c2'`],
    ['SELinux range without a level', { os: LINUX, permissions: [{ object: '/app', context: { type: 't', range: 'c0' } }] },
      `permissions[0].context.range ${RANGE}, got 'c0'`],
    ['empty type list', { os: LINUX, permissions: [{ object: '/app', type: [] }] },
      'permissions[0].type must list at least one type when given (leave it out for files and directories), got none'],
  ])('%s', (_name, props, message) => {
    expect(() => AppSpec.server(props)).toThrow(new Error(`AppSpec.server: ${message}`));
  });

  test('every problem is reported at once, in the order of the appspec', () => {
    expect(() => AppSpec.server({
      os: AppSpecOs.WINDOWS,
      files: [{ source: '..\\up', destination: 'D:\\ok' }, { source: 'dist', destination: 'relative' }],
      permissions: [{ object: '/app' }],
      hooks: {
        afterInstall: [{ location: 'a.ps1', timeout: Duration.minutes(45), runAs: 'admin' }, { location: 'b.ps1', timeout: Duration.minutes(30) }],
        beforeInstall: [{ location: 'C:\\x.ps1', timeout: Duration.millis(2500) }],
        validateService: [],
      },
    })).toThrow(new Error([
      `AppSpec.server: files[0].source ${RELATIVE_WINDOWS}, or \\ alone for the whole revision, got '..\\up'`,
      "AppSpec.server: files[1].destination must be an absolute Windows path such as C:\\app or \\\\server\\share, got 'relative'",
      'AppSpec.server: permissions must not be given when os is AppSpecOs.WINDOWS (CodeDeploy applies them on Linux only), got 1 entry',
      `AppSpec.server: hooks.beforeInstall[0].location ${RELATIVE_WINDOWS}, got 'C:\\x.ps1'`,
      'AppSpec.server: hooks.beforeInstall[0].timeout must be a whole number of seconds from 1 to 3600, got 2.5 seconds',
      "AppSpec.server: hooks.afterInstall[0].runAs must not be given when os is AppSpecOs.WINDOWS (CodeDeploy runs scripts as another user on Linux only), got 'admin'",
      "AppSpec.server: hooks.afterInstall timeouts must add up to at most 3600 seconds, CodeDeploy's limit for the AfterInstall event, got 4500 seconds",
      'AppSpec.server: hooks.validateService must list at least one script when given, got none',
    ].join('\n')));
  });

  test.each<[string, ServerAppSpecProps]>([
    ['the whole revision as a Linux source', { os: LINUX, files: file('/', '/opt/app') }],
    ['the whole revision as a Windows source', { os: WIN, files: file('\\', 'C:\\app') }],
    ['/ as the whole revision on Windows', { os: WIN, files: file('/', 'c:/app') }],
    ['sources starting with ./ and .\\', { os: WIN, files: [{ source: './a', destination: 'C:\\a' }, { source: '.\\b', destination: 'C:\\b' }] }],
    ['a UNC destination', { os: WIN, files: file('dist', '\\\\fileserver\\share\\app') }],
    ['a name with dots that is not ..', { os: LINUX, hooks: hook('scripts/..hidden/a..sh') }],
    ['timeouts adding up to exactly an hour', { os: LINUX, hooks: { afterInstall: [{ location: 'a', timeout: Duration.minutes(59) }, { location: 'b', timeout: Duration.seconds(60) }] } }],
    ['scripts without timeouts (CodeDeploy gives each an hour)', { os: LINUX, hooks: { afterInstall: [{ location: 'a' }, { location: 'b' }] } }],
    ['user names useradd accepts', {
      os: LINUX,
      hooks: { afterInstall: [{ location: 'a', runAs: 'ec2-user' }, { location: 'b', runAs: '_svc.app$' }, { location: 'c', runAs: 'a'.repeat(32) }] },
    }],
    ['modes of 3 and 4 digits', { os: LINUX, permissions: [{ object: '/a', mode: '644' }, { object: '/b', mode: '4755' }, { object: '/c', mode: '0000' }] }],
    ['every ACL entry form the agent takes', {
      os: LINUX,
      permissions: [{
        object: '/app',
        acls: ['u:bob:rw', 'user:bob:7', 'g:ops:r-x', 'group:ops:-', 'bob:rw', 'm::rx', 'mask::r', 'd:u::rwx', 'default:g::rx', 'd:o::r', 'd:m::rx', 'd:u:bob:rw', 'd:bob:rw', 'm:rx',
          'u:mask:rw', 'u:bob:'],
      }],
    }],
    ['SELinux ranges', {
      os: LINUX,
      permissions: [
        { object: '/a', context: { type: 't', range: 's0' } },
        { object: '/b', context: { user: 'system_u', type: 't', range: 's0-s15:c0,c3.c5,c1023' } },
        { object: '/c', context: { type: 't' } },
      ],
    }],
  ])('accepts %s', (_name, props) => {
    expect(() => AppSpec.server(props)).not.toThrow();
  });

  test('unresolved tokens are skipped and kept as token strings', () => {
    const text = (value: string) => Lazy.string({ produce: () => value });
    const appSpec = AppSpec.server({
      os: AppSpecOs.LINUX,
      files: [{ source: text('/abs'), destination: text('relative') }],
      permissions: [{ object: text('app'), owner: text('bad user'), mode: text('999'), acls: [text('u::rw')], context: { type: 't', range: text('s9-s0') } }],
      hooks: { afterInstall: [{ location: text('/abs.sh'), timeout: Duration.seconds(Lazy.number({ produce: () => 9999 })), runAs: text('bad user') }] },
    });
    expect(appSpec.toYaml()).toMatch(/^ {6}timeout: \$\{Token\[TOKEN\.\d+\]\}$/m);
    expect(appSpec.scriptLocations).toEqual([expect.stringMatching(/^\$\{Token\[TOKEN\.\d+\]\}$/)]);
  });
});

describe('YAML writer', () => {
  /** `value`'s line in a one-key document. */
  const written = (value: string) => toYaml({ value }).slice('value: '.length, -1);

  test.each([
    // Plain: a YAML 1.1 reader, and Psych, read these back as the same string.
    ['dist', 'dist'],
    ['C:\\inetpub\\app', 'C:\\inetpub\\app'],
    ['u:bob:rw', 'u:bob:rw'],
    ['a#b', 'a#b'],
    ['two words', 'two words'],
    ['./run.sh', './run.sh'],
    ['-rf', '-rf'],
    ['über', 'über'],
    ['日本語 ✓', '日本語 ✓'],
    ['v1.2', 'v1.2'],
    ['${Token[TOKEN.12]}', '${Token[TOKEN.12]}'],
  ])('%j is written plain as %s', (value, text) => {
    expect(written(value)).toEqual(text);
    expect(readAgentYaml(toYaml({ value }))).toEqual({ value });
  });

  test.each([
    // YAML 1.1 booleans and nulls, YAML 1.2 keeps only some of them.
    ['on', '"on"'],
    ['off', '"off"'],
    ['yes', '"yes"'],
    ['no', '"no"'],
    ['Yes', '"Yes"'],
    ['y', '"y"'],
    ['n', '"n"'],
    ['N', '"N"'],
    ['true', '"true"'],
    ['False', '"False"'],
    ['~', '"~"'],
    ['null', '"null"'],
    ['NULL', '"NULL"'],
    // Psych reads booleans and nulls in any letter case, beyond YAML 1.1.
    ['TrUe', '"TrUe"'],
    ['fAlSe', '"fAlSe"'],
    ['oN', '"oN"'],
    ['yEs', '"yEs"'],
    ['nUlL', '"nUlL"'],
    // Numbers: YAML 1.1 octal, base-60, floats, dates, timestamps; Psych's commas, letter cases and leading `-`.
    ['644', '"644"'],
    ['0644', '"0644"'],
    ['0o17', '"0o17"'],
    ['0x1F', '"0x1F"'],
    ['0b101', '"0b101"'],
    ['1_000', '"1_000"'],
    ['1,000', '"1,000"'],
    ['0,7', '"0,7"'],
    ['1:20', '"1:20"'],
    ['1e3', '"1e3"'],
    ['1.5', '"1.5"'],
    ['.5', '".5"'],
    ['+1', '"+1"'],
    ['.inf', '".inf"'],
    ['.iNf', '".iNf"'],
    ['-.Inf', '"-.Inf"'],
    ['.NaN', '".NaN"'],
    ['2024-01-01', '"2024-01-01"'],
    ['2024-1-1', '"2024-1-1"'],
    ['2001-12-14t21:59:43.10-05:00', '"2001-12-14t21:59:43.10-05:00"'],
    ['-2024-01-01 00:00:00', '"-2024-01-01 00:00:00"'],
    // Psych reads a leading `:` as a Ruby symbol.
    [':sym', '":sym"'],
    // Indicators: alias, anchor, tag, directive, reserved, flow, block, quotes, comment, mapping.
    ['*.sh', '"*.sh"'],
    ['&anchor', '"&anchor"'],
    ['!tag', '"!tag"'],
    ['%dir', '"%dir"'],
    ['@home', '"@home"'],
    ['`cmd`', '"`cmd`"'],
    ['[x]', '"[x]"'],
    ['{x}', '"{x}"'],
    ['>fold', '">fold"'],
    ['|lit', '"|lit"'],
    ['- item', '"- item"'],
    ['-', '"-"'],
    ['? key', '"? key"'],
    ["'single'", '"\'single\'"'],
    ['"double"', '"\\"double\\""'],
    ['#comment', '"#comment"'],
    ['key: value', '"key: value"'],
    ['ends with:', '"ends with:"'],
    ['a #comment', '"a #comment"'],
    // Empty, padding, line breaks, tabs, control characters, byte-order mark.
    ['', '""'],
    [' leading', '" leading"'],
    ['trailing ', '"trailing "'],
    ['tab\there', '"tab\\there"'],
    ['line\nbreak', '"line\\nbreak"'],
    ['a long line that goes on past the forty characters\nand a second line', '"a long line that goes on past the forty characters\\nand a second line"'],
    ['back\\slash\r', '"back\\\\slash\\r"'],
    ['nul\0bell\u0007', '"nul\\0bell\\a"'],
    ['\ufeffbom', '"\\ufeffbom"'],
    // libyaml refuses C1 controls, U+FFFE and U+FFFF, and breaks lines at U+0085, U+2028 and U+2029.
    ['del\u007f', '"del\\u007f"'],
    ['next\u0085line', '"next\\u0085line"'],
    ['line\u2028separator', '"line\\u2028separator"'],
    ['paragraph\u2029separator', '"paragraph\\u2029separator"'],
    ['not\ufffea character', '"not\\ufffea character"'],
  ])('%j is written quoted as %s', (value, text) => {
    expect(written(value)).toEqual(text);
    expect(readAgentYaml(toYaml({ value }))).toEqual({ value });
  });

  test.each(['on', 'off', 'yes', 'no', 'y', 'n', 'TrUe', 'nUlL', '~', 'null', '0644', '1:20', '1e3', '1,000', '.iNf', ':sym', '2024-01-01', '-2024-01-01 00:00:00', '*.sh', '&a', '!t', 'a: b', 'next\u0085line', 'line\u2028separator'])(
    'written plain, %j is misread or refused by a YAML 1.1 reader or the agent: the quotes above are needed', (value) => {
      const text = `value: ${value}\n`;
      const readers = [() => parse(text, { version: '1.1' }) as unknown, () => readAgentYaml(text)];
      const misread = readers.filter((read) => {
        try {
          return !isDeepStrictEqual(read(), { value });
        } catch {
          return true;
        }
      });
      expect(misread.length).toBeGreaterThan(0);
    });

  test('a number written as given, and a string always quoted', () => {
    expect(toYaml({ version: new YamlPlain('0.0'), pattern: new YamlQuoted('plain') })).toEqual('version: 0.0\npattern: "plain"\n');
  });

  test('nested sequences and empty collections', () => {
    expect(toYaml({ a: [['x', 'z'], [], {}], b: {}, c: [{ d: [{ e: 1 }] }], left: undefined })).toEqual([
      'a:',
      '  - - x',
      '    - z',
      '  - []',
      '  - {}',
      'b: {}',
      'c:',
      '  - d:',
      '      - e: 1',
      '',
    ].join('\n'));
  });

  test('any string reads back unchanged through the agent reader, as a value, a sequence item and a key', () => {
    // Binary strings, printable ones, and short ones built from the characters of numbers, dates and keywords.
    const strings = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme-ascii' }),
      fc.stringMatching(/^[-+.:,_ 0-9a-fnoltrsuxyeETZ~]{1,12}$/),
    );
    fc.assert(fc.property(strings, strings, (first, second) => {
      fc.pre(second !== '__proto__'); // a YAML key, but toJS would set the prototype of the object read back
      const document = { first, list: [first, second], nested: { [second]: [{ value: first }] } };
      expect(readAgentYaml(toYaml(document))).toEqual(document);
    }), { numRuns: 1000 });
  });
});
