import { Duration, Token } from 'aws-cdk-lib';

/** An inclusive whole-number range, with the unit its values are counted in. */
export interface Range {
  readonly min: number;
  /** Upper bound; none where CodeDeploy documents none. */
  readonly max?: number;
  /** Plural unit name shown in messages, e.g. `minutes`; none for plain numbers. */
  readonly unit?: string;
}

/** Length and characters a name must have. */
export interface TextRule {
  readonly minLength: number;
  readonly maxLength: number;
  /** Whole-string pattern of the allowed characters. */
  readonly pattern?: RegExp;
  /** The allowed characters in words, for messages, e.g. `letters, digits, - and _`. */
  readonly allowedCharacters?: string;
}

/**
 * Collects every problem found in one input, so a user sees them all in a single error.
 *
 * Each problem is reported on its own line as `<subject>: <problem>`, e.g.
 * `TrafficShift.canary: percentage must be an integer from 1 to 99, got 150`.
 * Unresolved tokens are skipped: their value is only known at deploy time.
 */
export class Problems {
  private readonly found: string[] = [];

  /** @param subject the factory or prop that the input was given to, e.g. `TrafficShift.canary` */
  public constructor(private readonly subject: string) {}

  /** Records a problem in free form. */
  public add(problem: string): void {
    this.found.push(`${this.subject}: ${problem}`);
  }

  /**
   * Requires a value that names a shared resource (a deployment config's shape or name) to be
   * known at synth time.
   */
  public literal(prop: string, isUnresolved: boolean): void {
    if (isUnresolved) {
      this.add(`${prop} must be a literal value, not a token: it names the shared deployment config`);
    }
  }

  /** Requires `value` to be an integer within `range`. */
  public integer(prop: string, value: number, range: Range): void {
    if (Token.isUnresolved(value)) {
      return;
    }
    if (!Number.isInteger(value) || !inRange(value, range)) {
      this.add(`${prop} must be an integer ${describeRange(range)}, got ${value}`);
    }
  }

  /**
   * Requires `value` to be a whole number of `unitMillis` within `range` (counted in that unit).
   * @returns the whole number of units, or undefined when the duration is a token or invalid
   */
  public wholeDuration(prop: string, value: Duration, unitMillis: number, range: Range): number | undefined {
    if (value.isUnresolved()) {
      return undefined;
    }
    const amount = value.toMilliseconds({ integral: false }) / unitMillis;
    if (!Number.isInteger(amount) || !inRange(amount, range)) {
      this.add(`${prop} must be a whole number of ${range.unit} ${describeRange({ ...range, unit: undefined })}, got ${formatAmount(amount)} ${range.unit}`);
      return undefined;
    }
    return amount;
  }

  /** Requires `value` to have the length and characters of `rule`. */
  public text(prop: string, value: string, rule: TextRule): void {
    if (Token.isUnresolved(value)) {
      return;
    }
    if (value.length < rule.minLength || value.length > rule.maxLength) {
      this.add(`${prop} must be ${rule.minLength} to ${rule.maxLength} characters long, got ${value.length} ('${value}')`);
    }
    if (rule.pattern && value.length > 0 && !rule.pattern.test(value)) {
      this.add(`${prop} may contain only ${rule.allowedCharacters}, got '${value}'`);
    }
  }

  /** Throws one error listing every problem, if any were found. */
  public throwIfAny(): void {
    if (this.found.length > 0) {
      throw new Error(this.found.join('\n'));
    }
  }
}

/** Milliseconds in one second and in one minute, for `Problems.wholeDuration`. */
export const SECOND_MILLIS = 1_000;
export const MINUTE_MILLIS = 60_000;

function inRange(value: number, range: Range): boolean {
  return value >= range.min && (range.max === undefined || value <= range.max);
}

/** `from 1 to 99`, or `of at least 0` where there is no upper bound. */
function describeRange(range: Range): string {
  const unit = range.unit ? ` ${range.unit}` : '';
  return range.max === undefined ? `of at least ${range.min}${unit}` : `from ${range.min} to ${range.max}${unit}`;
}

/** Up to three decimals, without trailing zeros: 1.5, 0.017, 5000. */
function formatAmount(amount: number): string {
  return String(Math.round(amount * 1000) / 1000);
}
