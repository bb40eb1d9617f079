import { parseArgs } from 'util';

/** A command line the command cannot run: exit code 2, with the usage. */
export class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Where the AWS calls go: the SDK's standard chains, narrowed by the options. */
export interface AwsOptions {
  readonly profile?: string;
  readonly region?: string;
}

export interface WatchCommand extends AwsOptions {
  readonly command: 'watch';
  readonly stacks: string[];
  readonly output: OutputMode;
  /** Seconds between polls of an active deployment. */
  readonly intervalSeconds: number;
  /** Seconds to wait for a stack update or a deployment to begin before giving up. */
  readonly waitStartSeconds: number;
}

export interface StopCommand extends AwsOptions {
  readonly command: 'stop';
  readonly stack: string;
  readonly rollout: string;
  readonly rollback: boolean;
  readonly json: boolean;
}

export interface PromoteCommand extends AwsOptions {
  readonly command: 'promote';
  readonly stack: string;
  readonly rollout: string;
  readonly json: boolean;
}

export interface PolicyCommand {
  readonly command: 'policy';
  readonly readOnly: boolean;
}

export interface HelpCommand {
  readonly command: 'help';
  readonly topic?: string;
}

export interface VersionCommand {
  readonly command: 'version';
}

/** The commands that call AWS. */
export type AwsCommand = WatchCommand | StopCommand | PromoteCommand;

export type Command = WatchCommand | StopCommand | PromoteCommand | PolicyCommand | HelpCommand | VersionCommand;

/** `auto`: frames on a terminal, lines otherwise; `plain`: lines; `json`: one JSON event per line. */
export type OutputMode = 'auto' | 'plain' | 'json';

const DEFAULT_INTERVAL_SECONDS = 5;
const MIN_INTERVAL_SECONDS = 2;
const MAX_INTERVAL_SECONDS = 60;
const MAX_WAIT_START_SECONDS = 3600;

export const USAGE = `Usage: cdk-rollouts <command> [options]

Commands:
  watch --stack NAME [--stack NAME ...]   Follow the rollouts of the stacks while they deploy: traffic, the
                                          guard's evidence, alarms, hooks, instances; a verdict line per
                                          rollout and a diagnosis of any failure. Exit 0 when every
                                          deployment succeeded, 1 when one failed, stopped or rolled back,
                                          2 on a usage or access error.
  stop --stack NAME ROLLOUT               Stop the rollout's active deployment (StopDeployment), rolling
                                          back unless --no-rollback.
  promote --stack NAME ROLLOUT            End the library hook's bake now, or reroute traffic of a
                                          blue/green deployment waiting for it (ContinueDeployment).
  policy [--read-only]                    Print the IAM policy the commands need (--read-only: watch only).

ROLLOUT is the rollout's construct path under its stack (Api, Web/Fleet) or its deployment group's name.

Options:
  --profile NAME        Credentials and Region of this profile (default: the SDK's standard chain)
  --region REGION       The stacks' Region (default: AWS_REGION, then the profile's)
  --json                One JSON event per line
  --plain               One plain line per change, also on a terminal (watch)
  --interval SECONDS    Seconds between polls, ${MIN_INTERVAL_SECONDS} to ${MAX_INTERVAL_SECONDS} (watch; default ${DEFAULT_INTERVAL_SECONDS})
  --wait-start SECONDS  Wait this long for a stack update or a deployment to begin (watch; default 0)
  --no-rollback         Stop without rolling back (stop)
  --help                This text
  --version             The command's version

Endpoints: the SDK's own variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>) apply.
`;

/** Reads the command line (without `node` and the script); throws `UsageError`. */
export function parseArguments(argv: string[]): Command {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        'stack': { type: 'string', multiple: true },
        'profile': { type: 'string' },
        'region': { type: 'string' },
        'json': { type: 'boolean' },
        'plain': { type: 'boolean' },
        'interval': { type: 'string' },
        'wait-start': { type: 'string' },
        'no-rollback': { type: 'boolean' },
        'read-only': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
        'version': { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const [command, ...rest] = parsed.positionals;
  if (values.version) return { command: 'version' };
  if (values.help || command === undefined || command === 'help') return { command: 'help', topic: command === 'help' ? rest[0] : command };
  const stacks = (values.stack as string[] | undefined) ?? [];
  const aws: AwsOptions = { profile: values.profile as string | undefined, region: values.region as string | undefined };
  const only = (allowed: string[]): void => {
    const given = Object.keys(values).filter((name) => values[name] !== undefined && !['profile', 'region', ...allowed].includes(name));
    if (given.length > 0) throw new UsageError(`${command} takes no ${given.map((name) => `--${name}`).join(', ')}`);
  };
  switch (command) {
    case 'watch': {
      only(['stack', 'json', 'plain', 'interval', 'wait-start']);
      if (stacks.length === 0) throw new UsageError('watch needs at least one --stack NAME');
      if (rest.length > 0) throw new UsageError(`watch takes no arguments besides options, got ${rest.join(' ')}`);
      if (values.json && values.plain) throw new UsageError('give --json or --plain, not both');
      return {
        command: 'watch',
        ...aws,
        stacks: [...new Set(stacks)],
        output: values.json ? 'json' : values.plain ? 'plain' : 'auto',
        intervalSeconds: numberOption('--interval', values.interval as string | undefined, DEFAULT_INTERVAL_SECONDS, MIN_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS),
        waitStartSeconds: numberOption('--wait-start', values['wait-start'] as string | undefined, 0, 0, MAX_WAIT_START_SECONDS),
      };
    }
    case 'stop':
    case 'promote': {
      only(command === 'stop' ? ['stack', 'json', 'no-rollback'] : ['stack', 'json']);
      if (stacks.length !== 1) throw new UsageError(`${command} needs exactly one --stack NAME, got ${stacks.length}`);
      if (rest.length !== 1) throw new UsageError(`${command} needs one ROLLOUT (its construct path or deployment group name), got ${rest.length}`);
      const json = values.json === true;
      return command === 'stop'
        ? { command, ...aws, stack: stacks[0], rollout: rest[0], rollback: values['no-rollback'] !== true, json }
        : { command, ...aws, stack: stacks[0], rollout: rest[0], json };
    }
    case 'policy':
      only(['read-only']);
      if (values.profile !== undefined || values.region !== undefined) throw new UsageError('policy takes no --profile or --region: it calls no AWS API');
      return { command: 'policy', readOnly: values['read-only'] === true };
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

function numberOption(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`${name} must be a number of seconds from ${min} to ${max}, got '${text}'`);
  }
  return value;
}
