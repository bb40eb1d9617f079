#!/usr/bin/env node
import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import { Command, parseArguments, USAGE } from './arguments';
import { EXIT_OK, EXIT_USAGE, Io } from './io';
import { policyDocument } from './policy';

/**
 * `cdk-rollouts`: see and steer the library's rollouts while `cdk deploy` waits (arguments.ts has
 * the usage). Bundled with its AWS SDK clients by esbuild into the package's
 * assets/cli/cdk-rollouts/cdk-rollouts.js, which package.json's `bin` names.
 */
export async function main(io: Io): Promise<number> {
  let command: Command;
  try {
    command = parseArguments(io.argv);
  } catch (err) {
    io.stderr.write(`cdk-rollouts: ${(err as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  switch (command.command) {
    case 'help':
      io.stdout.write(USAGE);
      return command.topic === undefined || ['watch', 'stop', 'promote', 'policy'].includes(command.topic) ? EXIT_OK : EXIT_USAGE;
    case 'version':
      io.stdout.write(`${packageVersion()}\n`);
      return EXIT_OK;
    case 'policy':
      io.stdout.write(`${JSON.stringify(policyDocument(command.readOnly), undefined, 2)}\n`);
      return EXIT_OK;
  }
  // The AWS part (the SDK clients and the watch loop) loads only now: help, version and policy start without it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runAwsCommand } = require('./aws-command') as typeof import('./aws-command');
  return runAwsCommand(command, io, packageVersion());
}

/** The package's version: the package.json above this file (three folders up from the bundle, two from the sources). */
function packageVersion(): string {
  for (let dir = __dirname, i = 0; i < 5; dir = dirname(dir), i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf-8')) as { name?: string; version?: string };
      if (pkg.name === 'cdk-codedeploy-rollouts') return pkg.version ?? '0.0.0';
    }
  }
  return '0.0.0';
}

if (require.main === module) {
  const io: Io = { argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr };
  // Ctrl-C: give the terminal its cursor back (the frames hide it).
  process.once('SIGINT', () => {
    if (process.stdout.isTTY) process.stdout.write('\u001b[?25h\n');
    process.exit(130);
  });
  void main(io).then((code) => {
    process.exitCode = code;
  });
}
