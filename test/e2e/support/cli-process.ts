import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The command as the package ships it: the esbuild bundle that package.json's `bin` names (built by `npx projen pre-compile`). */
export const CLI_BUNDLE = path.join(__dirname, '..', '..', '..', 'assets', 'cli', 'cdk-rollouts', 'cdk-rollouts.js');

export interface CliRun {
  readonly output: string;
  readonly stderr: string;
  readonly code: number | null;
}

/** The command: a file node runs (default: the bundle), or an executable (`npx cdk-rollouts` in an app), and where. */
export interface CliCommand {
  readonly file: string;
  readonly args: string[];
  readonly cwd?: string;
}

/** How the command is run: with pipes (no terminal), or in a pseudo-terminal of `columns` columns. */
export type CliMode = { readonly kind: 'pipe' } | { readonly kind: 'pty'; readonly columns: number; readonly rows: number };

/**
 * Runs the bundled command. In a pseudo-terminal it runs under util-linux's `script` (Debian's
 * bsdutils, installed everywhere), which gives it a real pty (`isTTY`, a size set with `stty`), and
 * whose own output is everything the command drew, escape sequences included; `-e` returns the
 * command's exit code. Its stdin stays open: `script` ends the session when its input ends.
 */
export function runCli(
  args: string[], env: Record<string, string | undefined>, mode: CliMode = { kind: 'pipe' }, timeoutMs = 90_000,
  command: CliCommand = { file: process.execPath, args: [CLI_BUNDLE] },
): { done: Promise<CliRun>; child: ChildProcess } {
  if (command.args.includes(CLI_BUNDLE) && !fs.existsSync(CLI_BUNDLE)) throw new Error(`${CLI_BUNDLE} does not exist: run \`npx projen pre-compile\` (the test command does) first`);
  const fullEnv = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, value]) => value !== undefined)) as Record<string, string>;
  const quoted = [command.file, ...command.args, ...args].map((arg) => `'${arg.replace(/'/g, '\'\\\'\'')}'`).join(' ');
  const child = mode.kind === 'pty'
    ? spawn('script', ['-qfec', `stty cols ${mode.columns} rows ${mode.rows}; exec ${quoted}`, '/dev/null'], { env: fullEnv, stdio: ['pipe', 'pipe', 'pipe'], cwd: command.cwd })
    : spawn(command.file, [...command.args, ...args], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'], cwd: command.cwd });
  let output = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<CliRun>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cdk-rollouts ${args.join(' ')} did not end within ${timeoutMs} ms; output so far:\n${output}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ output, stderr, code });
    });
  });
  return { done, child };
}

/** Removes SGR (colour) sequences. */
export function stripColors(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/**
 * The frames a terminal run drew: the output split where the command moved the cursor back over the
 * previous frame (cursor up, carriage return, erase below), colours removed, lines as the terminal
 * shows them (the pty turns `\n` into `\r\n`).
 */
export function frames(output: string): string[][] {
  const text = output.replace(/\r\n/g, '\n').replace(/\u001b\[\?25[lh]/g, '');
  return text.split(/\u001b\[\d+A\r\u001b\[J/).map((frame) => stripColors(frame).split('\n').filter((line, i, all) => i < all.length - 1 || line !== ''));
}
