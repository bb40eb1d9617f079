/**
 * Time as the command sees it. The system clock, or, for the end-to-end tests and demos, a clock
 * that runs `scale` times faster from an anchor (`CDK_ROLLOUTS_CLOCK=<real ms>:<virtual ms>:<scale>`):
 * the emulator of test/e2e reads the same anchor with the same formula, so the command and the
 * scripted deployments agree on the time to the millisecond, and a five-minute canary lasts seconds.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The environment variable of the scaled clock. */
export const CLOCK_ENV = 'CDK_ROLLOUTS_CLOCK';

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A clock that runs `scale` times faster than the wall clock from `realAnchor`, when it read `virtualAnchor`. */
export function scaledClock(realAnchor: number, virtualAnchor: number, scale: number): Clock {
  return {
    now: () => Math.floor(virtualAnchor + (Date.now() - realAnchor) * scale),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / scale)),
  };
}

/** The clock the environment asks for; throws on a malformed `CDK_ROLLOUTS_CLOCK`. */
export function clockFromEnvironment(env: NodeJS.ProcessEnv): Clock {
  const value = env[CLOCK_ENV];
  if (value === undefined || value === '') return SYSTEM_CLOCK;
  const parts = value.split(':').map(Number);
  if (parts.length !== 3 || parts.some((part) => !Number.isFinite(part)) || parts[2] <= 0) {
    throw new Error(`${CLOCK_ENV} must be <real ms>:<virtual ms>:<scale>, got '${value}'`);
  }
  return scaledClock(parts[0], parts[1], parts[2]);
}
