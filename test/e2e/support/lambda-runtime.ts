import { randomUUID } from 'crypto';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import * as vm from 'vm';

/**
 * A handler's bundle (assets/handlers/<handler>.lambda/index.js, built by
 * `npx projen pre-compile`) loaded as Lambda's Node.js runtime loads a CommonJS handler: compiled in
 * Node's module wrapper and run with a `require` that resolves from the bundle's own path (the SDK
 * v3 clients the runtime provides come from node_modules here).
 *
 * One difference, on purpose: the wrapper also binds `setTimeout`, `clearTimeout`, `Date` and
 * `console` for the bundle's own code, to a clock that runs `scale` times faster than real time and
 * to a log capture. So a 15-second poll takes 15 / scale real seconds, and the handler's timers
 * (backoff, poll, the per-call timeout) keep their proportions. The SDK and node's HTTP stack, which
 * the bundle requires, keep real time. And `process` is the test's (jest gives each test file its
 * own), so the bundle reads the environment the test set, as the SDK clients it requires do.
 */
export const BUNDLE = bundlePath('server-deployer');
/** The traffic hook's bundle (assets/handlers/traffic-hook.lambda/index.js). */
export const TRAFFIC_HOOK_BUNDLE = bundlePath('traffic-hook');

function bundlePath(handler: string): string {
  return path.join(__dirname, '..', '..', '..', 'assets', 'handlers', `${handler}.lambda`, 'index.js');
}

/** Time as the bundle sees it: `scale` times faster than the host's, starting at `start`. */
export class ScaledClock {
  private readonly hostStart = performance.now();
  public constructor(public readonly scale: number, private readonly start: number = Date.UTC(2026, 0, 1, 12, 0, 0)) {}

  public now(): number {
    return Math.floor(this.start + (performance.now() - this.hostStart) * this.scale);
  }

  /** Host milliseconds for `ms` of scaled time. */
  public real(ms: number): number {
    return ms / this.scale;
  }

  public readonly setTimeout = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): NodeJS.Timeout =>
    setTimeout(fn, this.real(ms ?? 0), ...args);

  public readonly clearTimeout = (timer: NodeJS.Timeout | undefined): void => clearTimeout(timer);

  /** A `Date` whose `now()` and `new Date()` read this clock. */
  public dateClass(): DateConstructor {
    const clock = this;
    class ScaledDate extends Date {
      public static now(): number {
        return clock.now();
      }
      public constructor(...args: unknown[]) {
        if (args.length === 0) super(clock.now());
        else super(...(args as [string | number | Date]));
      }
    }
    return ScaledDate as unknown as DateConstructor;
  }
}

/** The bundle's console: every line it logs, kept for the scenario's assertions. */
export interface CapturedConsole {
  readonly lines: string[];
  readonly console: Console;
}

export function capturingConsole(): CapturedConsole {
  const lines: string[] = [];
  const push = (...args: unknown[]): void => {
    lines.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
  };
  const console = { log: push, info: push, warn: push, error: push, debug: push, trace: push } as unknown as Console;
  return { lines, console };
}

export type BundledHandler = (event: unknown, context: unknown) => Promise<unknown>;

/** Loads a bundle once (a warm container: its SDK clients live as long as the test file). */
export function loadBundle(clock: ScaledClock, captured: CapturedConsole, bundle: string = BUNDLE): BundledHandler {
  if (!fs.existsSync(bundle)) {
    throw new Error(`${bundle} does not exist: run \`npx projen pre-compile\` (the test command does) before the end-to-end suite`);
  }
  const source = fs.readFileSync(bundle, 'utf8');
  const wrapper = vm.runInThisContext(
    `(function (exports, require, module, __filename, __dirname, setTimeout, clearTimeout, Date, console, process) {${source}\n})`,
    { filename: bundle },
  ) as (...args: unknown[]) => void;
  const module = { exports: {} as Record<string, unknown> };
  const require = createRequire(bundle);
  wrapper(module.exports, require, module, bundle, path.dirname(bundle),
    clock.setTimeout, clock.clearTimeout, clock.dateClass(), captured.console, process);
  const handler = module.exports.handler;
  if (typeof handler !== 'function') throw new Error(`${bundle} exports no handler`);
  return handler as BundledHandler;
}

/** The longest invocation Lambda allows, the suites' default deadline. */
export const FIFTEEN_MINUTES = 15 * 60_000;

/** What an invoker needs of a suite: its clock, the queue of self-invocations, the function and its handler. */
export interface LambdaInvokerOptions {
  readonly clock: ScaledClock;
  /** The asynchronous Invokes the handler queued (its hand-overs), run by `deliver`. */
  readonly invocations: () => unknown[];
  readonly functionName: string;
  readonly functionArn: string;
  /** The handler, once the suite has loaded the bundle. */
  readonly handler: () => BundledHandler;
  /** At most this many invocations per delivery (hand-overs included): a loop that does not end fails. */
  readonly maxInvocations: number;
}

/** Invokes a bundled handler as Lambda does: one invocation, or a delivery and the hand-overs it queues. */
export class LambdaInvoker {
  public constructor(private readonly options: LambdaInvokerOptions) {}

  /**
   * One Lambda invocation: a context whose remaining time runs on the scaled clock. Lambda stops an
   * invocation at its deadline; here one that runs past it fails the scenario.
   */
  public async invoke(payload: unknown, remainingMs: number = FIFTEEN_MINUTES): Promise<void> {
    const { clock, functionName, functionArn } = this.options;
    const deadline = clock.now() + remainingMs;
    const context = {
      functionName,
      invokedFunctionArn: functionArn,
      awsRequestId: randomUUID(),
      getRemainingTimeInMillis: () => Math.max(0, deadline - clock.now()),
    };
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the invocation ran past its ${remainingMs} ms (Lambda would have stopped it)`)), clock.real(remainingMs) + 1_000);
    });
    try {
      await Promise.race([this.options.handler()(payload, context), killed]);
    } finally {
      clearTimeout(timer);
    }
    expect(clock.now()).toBeLessThanOrEqual(deadline);
  }

  /** A delivery and every invocation it hands over to (Lambda runs the queued asynchronous Invokes). Returns the number of invocations. */
  public async deliver(event: unknown, firstRemainingMs: number = FIFTEEN_MINUTES): Promise<number> {
    await this.invoke(event, firstRemainingMs);
    const max = this.options.maxInvocations;
    let count = 1;
    while (this.options.invocations().length > 0) {
      count++;
      if (count > max) throw new Error(`more than ${max} invocations`);
      await this.invoke(this.options.invocations().shift());
    }
    return count;
  }
}

/**
 * Sets `values` in the process environment (undefined: unset), as the Lambda runtime gives a
 * function its environment. Returns what puts the environment back.
 */
export function replaceEnvironment(values: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  const apply = (entries: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(values);
  return () => apply(saved);
}
