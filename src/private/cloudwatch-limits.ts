/**
 * CloudWatch alarm limits checked at synth time.
 *
 * Source: CloudWatch API reference, PutMetricAlarm, Period: "Valid values are 10, 20, 30, and any
 * multiple of 60" and "An alarm's total current evaluation period can be no longer than seven
 * days, so Period multiplied by EvaluationPeriods can't be more than 604,800 seconds. For alarms
 * with a period of less than one hour (3,600 seconds), the total evaluation period can't be longer
 * than one day (86,400 seconds)." Lambda publishes its metrics once a minute, so the library's
 * Lambda checks take whole minutes only.
 */
export const ALARM_EVALUATION = {
  periodMinutes: { min: 1, max: 10080, unit: 'minutes' },
  evaluationPeriods: { min: 1 },
  /** Period below which the total evaluation range is capped at one day rather than seven. */
  shortPeriodSeconds: 3600,
  maxRangeShortPeriodSeconds: 86_400,
  maxRangeSeconds: 604_800,
} as const;

/**
 * Actions per alarm state. Source: CloudWatch API reference, PutMetricAlarm, AlarmActions:
 * "Array Members: Maximum number of 5 items."
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html)
 */
export const ALARM_ACTIONS = { min: 1, max: 5 } as const;

/**
 * A dashboard's name. Source: CloudWatch API reference, PutDashboard, DashboardName: "can contain
 * only alphanumerics, dash (-), and underscore (_)", up to 255 characters
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html).
 */
export const DASHBOARD_NAME = {
  minLength: 1,
  maxLength: 255,
  pattern: /^[a-zA-Z0-9_-]+$/,
  allowedCharacters: 'letters, digits, - and _',
} as const;
/**
 * Widgets per dashboard. Source: CloudWatch API reference, Dashboard Body Structure and Syntax: "an
 * array of between 0 and 500 widget objects"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
 */
export const DASHBOARD_MAX_WIDGETS = 500;
/**
 * A dashboard's width in grid units. Source: CloudWatch API reference, Dashboard Body Structure and
 * Syntax, Widgets Array Structure: a widget's `width` and `x` are in units of a 24-column grid (same page).
 */
export const DASHBOARD_GRID_WIDTH = 24;
/** A dashboard's time range in whole minutes, from one minute to the two weeks the console offers by default. */
export const DASHBOARD_TIME_RANGE = { min: 1, max: 20_160, unit: 'minutes' } as const;

/**
 * Metrics one alarm on a metric math expression may read. Source: CloudWatch User Guide, "Create a
 * CloudWatch alarm based on a metric math expression"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create-alarm-on-metric-math-expression.html):
 * an alarm's expression can use up to 10 metrics; aws-cdk-lib refuses more at synth ("Alarms on math
 * expressions cannot contain more than 10 individual metrics").
 */
export const ALARM_MATH = { maxMetrics: 10 } as const;
