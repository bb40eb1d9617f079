import { Duration, Token } from 'aws-cdk-lib';
import { ALARM_EVALUATION } from '../private/cloudwatch-limits';
import { DEFAULT_ALARM_PERIOD, DEFAULT_EVALUATION_PERIODS } from '../private/defaults';
import { MINUTE_MILLIS, Problems } from '../private/validation';

/** When a check evaluates its metric. */
export interface CheckEvaluationOptions {
  /**
   * Length of one evaluated period, in whole minutes (Lambda and load balancers publish metrics once a minute).
   *
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;

  /**
   * How many consecutive periods must breach before the deployment stops.
   *
   * @default 1
   */
  readonly evaluationPeriods?: number;
}

/** A check's evaluation, validated: whole minutes (0 when the period was invalid or a token). */
export interface CheckEvaluation {
  readonly periodMinutes: number;
  readonly evaluationPeriods: number;
}

/**
 * Checks the period and evaluation periods of a check against CloudWatch's limits. The period must
 * be known at synth: it is the period of the alarm and of its metrics, in whole minutes.
 */
export function checkEvaluation(problems: Problems, options: CheckEvaluationOptions): CheckEvaluation {
  const period = options.period ?? DEFAULT_ALARM_PERIOD;
  const evaluationPeriods = options.evaluationPeriods ?? DEFAULT_EVALUATION_PERIODS;
  knownAtSynth(problems, 'period', period, 'it is the period of the alarm and of its metrics');
  const periodMinutes = problems.wholeDuration('period', period, MINUTE_MILLIS, ALARM_EVALUATION.periodMinutes);
  problems.integer('evaluationPeriods', evaluationPeriods, ALARM_EVALUATION.evaluationPeriods);
  if (periodMinutes !== undefined && Number.isInteger(evaluationPeriods) && evaluationPeriods >= 1) {
    const periodSeconds = periodMinutes * 60;
    const max = periodSeconds < ALARM_EVALUATION.shortPeriodSeconds ? ALARM_EVALUATION.maxRangeShortPeriodSeconds : ALARM_EVALUATION.maxRangeSeconds;
    if (periodSeconds * evaluationPeriods > max) {
      problems.add(`period x evaluationPeriods must be at most ${max / 3600} hours for a period ${periodSeconds < ALARM_EVALUATION.shortPeriodSeconds ? 'under' : 'of at least'} 1 hour, `
        + `got ${periodMinutes} minutes x ${evaluationPeriods} = ${(periodSeconds * evaluationPeriods) / 3600} hours`);
    }
  }
  return { periodMinutes: periodMinutes ?? 0, evaluationPeriods };
}

/**
 * Refuses a duration or number only known at deploy time (a `CfnParameter`, say) where the library
 * needs its value: `Problems.wholeDuration` skips tokens, and a token period would reach the
 * template as 0; a token number in arithmetic or in a string is its encoding, not a reference.
 */
export function knownAtSynth(problems: Problems, prop: string, value: Duration | number, why: string): void {
  if (typeof value === 'number' ? Token.isUnresolved(value) : value.isUnresolved()) {
    problems.add(`${prop} must be known at synth, got a token (a value only known at deploy time, such as a CfnParameter's): ${why}`);
  }
}

/** The largest `minZScore` of a comparative check: beyond 10 standard errors a test is a count in disguise. */
const MAX_Z_SCORE = 10;

/** Checks the `minZScore` of a check that judges the new version against the old one. */
export function checkMinZScore(problems: Problems, minZScore: number): void {
  if (!Token.isUnresolved(minZScore) && !(minZScore > 0 && minZScore <= MAX_Z_SCORE)) {
    problems.add(`minZScore must be greater than 0 and at most ${MAX_Z_SCORE}, got ${minZScore}`);
  }
}
