import type { AwsCommand } from './arguments';
import { UsageError } from './arguments';
import { createClients, isAccessError } from './aws-clients';
import { clockFromEnvironment } from './clock';
import { StackNotFoundError } from './discovery';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, Io } from './io';
import { promote } from './promote';
import { JsonOutput } from './render-json';
import { LineOutput } from './render-lines';
import { TerminalOutput } from './render-terminal';
import { stop } from './stop';
import { watch } from './watch';
import { describeError } from '../handlers/shared/errors';

/** The commands that call AWS: watch, stop and promote. Loaded only for them (cdk-rollouts.ts). */
export async function runAwsCommand(command: AwsCommand, io: Io, version: string): Promise<number> {
  // The SDK bundled here is fixed at the version the package was built with: its warning that newer
  // SDK releases will need a newer Node.js does not apply to it.
  io.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    const clients = createClients(command, version);
    if (command.command === 'watch') {
      const write = (text: string) => io.stdout.write(text);
      const output = command.output === 'json' ? new JsonOutput(write)
        : command.output === 'auto' && io.stdout.isTTY
          ? new TerminalOutput(write, () => io.stdout.columns ?? 100, io.env.NO_COLOR === undefined || io.env.NO_COLOR === '')
          : new LineOutput(write);
      return await watch(clients, { ...command, clock: clockFromEnvironment(io.env) }, output);
    }
    const result = command.command === 'stop'
      ? await stop(clients, command.stack, command.rollout, command.rollback)
      : await promote(clients, command.stack, command.rollout);
    io.stdout.write(command.json ? `${JSON.stringify({ done: result.done, text: result.text, ...result.data })}\n` : `${result.text}\n`);
    return result.done ? EXIT_OK : EXIT_FAILED;
  } catch (err) {
    const usage = err instanceof UsageError || err instanceof StackNotFoundError;
    io.stderr.write(`cdk-rollouts: ${usage ? (err as Error).message : isAccessError(err) ? `cannot call AWS: ${describeError(err)}` : describeError(err)}\n`);
    return EXIT_USAGE;
  }
}
