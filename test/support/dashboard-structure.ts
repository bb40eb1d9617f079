/**
 * CloudWatch's documented dashboard body structure, as a checker: "Dashboard Body Structure and
 * Syntax" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html),
 * for the widget types a rollout dashboard uses (metric, text, alarm) and the members it may write.
 * Returns every way a body departs from it: unknown members, missing required ones, values outside
 * their documented ranges and enumerations, metric arrays that are neither a metric nor an expression.
 */

type Json = Record<string, unknown>;

const BODY = ['start', 'end', 'periodOverride', 'widgets', 'variables'];
const WIDGET = ['type', 'x', 'y', 'width', 'height', 'properties'];
const WIDGET_TYPES = ['metric', 'text', 'log', 'alarm', 'explorer'];
const METRIC_PROPERTIES = ['accountId', 'annotations', 'liveData', 'legend', 'metrics', 'period', 'region', 'stat', 'title', 'view', 'stacked',
  'sparkline', 'timezone', 'yAxis', 'table', 'setPeriodToTimeRange', 'start', 'end', 'singleValueFullPrecision', 'labels'];
const VIEWS = ['timeSeries', 'singleValue', 'bar', 'pie', 'gauge', 'table'];
/** A metric's rendering properties (the optional last element of a metric array). */
const RENDERING = ['accountId', 'color', 'label', 'period', 'region', 'stat', 'visible', 'yAxis', 'id'];
/** A metric-math entry: an object with `expression` (the only element of its array). */
const EXPRESSION = ['expression', 'id', 'label', 'period', 'visible', 'color', 'yAxis', 'region', 'accountId'];
const ALARM_PROPERTIES = ['alarms', 'sortBy', 'states', 'title'];
const ALARM_SORT = ['default', 'stateUpdatedTimestamp', 'timestamp'];
const ALARM_STATES = ['ALARM', 'INSUFFICIENT_DATA', 'OK'];
const TEXT_PROPERTIES = ['markdown', 'background'];
const AXIS = ['min', 'max', 'label', 'showUnits'];
const ANNOTATION = ['value', 'label', 'color', 'fill', 'visible', 'yAxis'];
/** Statistics a metric or SEARCH names: the basic ones and percentiles (`p99`, `p99.9`). */
const STATISTIC = /^(SampleCount|Average|Sum|Minimum|Maximum|p\d{1,2}(\.\d+)?|p100|IQM|(tm|wm|tc|ts)\d{1,2})$/;

export function dashboardBodyProblems(body: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(body)) return ['the body is not a JSON object'];
  unknown(body, BODY, 'body', problems);
  if (body.periodOverride !== undefined && !['auto', 'inherit'].includes(String(body.periodOverride))) problems.push(`body.periodOverride: ${String(body.periodOverride)} is not auto or inherit`);
  if (!Array.isArray(body.widgets)) return [...problems, 'body.widgets: required, an array'];
  if (body.widgets.length > 500) problems.push(`body.widgets: ${body.widgets.length} widgets, more than 500`);
  body.widgets.forEach((widget, i) => problems.push(...widgetProblems(widget, `widgets[${i}]`)));
  return problems;
}

function widgetProblems(widget: unknown, at: string): string[] {
  const problems: string[] = [];
  if (!isObject(widget)) return [`${at}: not an object`];
  unknown(widget, WIDGET, at, problems);
  if (!WIDGET_TYPES.includes(String(widget.type))) problems.push(`${at}.type: ${String(widget.type)} is not one of ${WIDGET_TYPES.join(', ')}`);
  integer(widget.x, 0, 23, `${at}.x`, problems);
  integer(widget.y, 0, Infinity, `${at}.y`, problems);
  integer(widget.width, 1, 24, `${at}.width`, problems);
  integer(widget.height, 1, 1000, `${at}.height`, problems);
  if (typeof widget.x === 'number' && typeof widget.width === 'number' && widget.x + widget.width > 24) problems.push(`${at}: x + width is ${widget.x + widget.width}, beyond the grid's 24 units`);
  if (!isObject(widget.properties)) return [...problems, `${at}.properties: required, an object`];
  const properties = widget.properties;
  switch (widget.type) {
    case 'metric': problems.push(...metricWidgetProblems(properties, `${at}.properties`)); break;
    case 'alarm': problems.push(...alarmWidgetProblems(properties, `${at}.properties`)); break;
    case 'text':
      unknown(properties, TEXT_PROPERTIES, `${at}.properties`, problems);
      if (typeof properties.markdown !== 'string') problems.push(`${at}.properties.markdown: required, a string`);
      break;
  }
  return problems;
}

function metricWidgetProblems(properties: Json, at: string): string[] {
  const problems: string[] = [];
  unknown(properties, METRIC_PROPERTIES, at, problems);
  if (typeof properties.region !== 'string' || properties.region === '') problems.push(`${at}.region: required, a Region`);
  if (properties.view !== undefined && !VIEWS.includes(String(properties.view))) problems.push(`${at}.view: ${String(properties.view)} is not one of ${VIEWS.join(', ')}`);
  if (properties.period !== undefined) integer(properties.period, 1, Infinity, `${at}.period`, problems);
  if (properties.stat !== undefined && !STATISTIC.test(String(properties.stat))) problems.push(`${at}.stat: ${String(properties.stat)} is no statistic`);
  const annotations = properties.annotations;
  const alarms = isObject(annotations) ? annotations.alarms : undefined;
  if (properties.metrics === undefined && alarms === undefined) problems.push(`${at}: a metric widget needs metrics, or annotations.alarms`);
  if (properties.metrics !== undefined) {
    if (!Array.isArray(properties.metrics)) problems.push(`${at}.metrics: an array of arrays`);
    else properties.metrics.forEach((metric, i) => problems.push(...metricArrayProblems(metric, `${at}.metrics[${i}]`)));
  }
  if (annotations !== undefined) {
    if (!isObject(annotations)) {
      problems.push(`${at}.annotations: an object`);
    } else {
      unknown(annotations, ['horizontal', 'vertical', 'alarms'], `${at}.annotations`, problems);
      if (alarms !== undefined && (!Array.isArray(alarms) || alarms.length !== 1 || !alarms.every(isAlarmArn))) {
        problems.push(`${at}.annotations.alarms: an array of one alarm ARN, got ${JSON.stringify(alarms)}`);
      }
      for (const side of ['horizontal', 'vertical']) {
        const list = annotations[side];
        if (list === undefined) continue;
        if (!Array.isArray(list)) problems.push(`${at}.annotations.${side}: an array`);
        else list.forEach((annotation, i) => isObject(annotation) ? unknown(annotation, ANNOTATION, `${at}.annotations.${side}[${i}]`, problems) : problems.push(`${at}.annotations.${side}[${i}]: an object`));
      }
    }
  }
  if (properties.yAxis !== undefined) {
    if (!isObject(properties.yAxis)) {problems.push(`${at}.yAxis: an object`);} else {
      unknown(properties.yAxis, ['left', 'right'], `${at}.yAxis`, problems);
      for (const side of ['left', 'right']) if (isObject(properties.yAxis[side])) unknown(properties.yAxis[side] as Json, AXIS, `${at}.yAxis.${side}`, problems);
    }
  }
  return problems;
}

/** `[Namespace, MetricName, DimensionName, DimensionValue, ..., {rendering}]`, or `[{ expression, ... }]`. */
function metricArrayProblems(metric: unknown, at: string): string[] {
  const problems: string[] = [];
  if (!Array.isArray(metric) || metric.length === 0) return [`${at}: a non-empty array`];
  if (isObject(metric[0])) {
    if (metric.length !== 1) problems.push(`${at}: an expression stands alone in its array`);
    const entry = metric[0];
    unknown(entry, EXPRESSION, at, problems);
    if (typeof entry.expression !== 'string') problems.push(`${at}.expression: required, a string`);
    else problems.push(...searchProblems(entry.expression, `${at}.expression`));
    if (entry.id !== undefined && !/^[a-z][a-zA-Z0-9_]*$/.test(String(entry.id))) problems.push(`${at}.id: ${String(entry.id)} must start with a lowercase letter, then letters, digits and _`);
    return problems;
  }
  const last = metric[metric.length - 1];
  const names = isObject(last) ? metric.slice(0, -1) : metric;
  if (isObject(last)) unknown(last, RENDERING, `${at}[rendering]`, problems);
  if (names.length < 2 || names.length % 2 !== 0 || !names.every((part) => typeof part === 'string')) {
    problems.push(`${at}: namespace, metric name, then dimension name and value pairs`);
  }
  return problems;
}

/** A SEARCH: `SEARCH('{Namespace,Dim,...} terms', 'Statistic', period)`, its quotes balanced. */
function searchProblems(expression: string, at: string): string[] {
  if (!expression.startsWith('SEARCH(')) return [];
  const match = /^SEARCH\('(\{[^}]+\})?([^']*)', '([^']+)'(?:, (\d+))?\)$/.exec(expression);
  if (!match) return [`${at}: not SEARCH('{Namespace,Dimension,...} terms', 'Statistic', period): ${expression}`];
  const problems: string[] = [];
  if ((match[2].match(/"/g) ?? []).length % 2 !== 0) problems.push(`${at}: unbalanced double quotes in ${expression}`);
  if (!STATISTIC.test(match[3])) problems.push(`${at}: ${match[3]} is no statistic`);
  return problems;
}

function alarmWidgetProblems(properties: Json, at: string): string[] {
  const problems: string[] = [];
  unknown(properties, ALARM_PROPERTIES, at, problems);
  const alarms = properties.alarms;
  if (!Array.isArray(alarms) || alarms.length < 1 || alarms.length > 100 || !alarms.every(isAlarmArn)) {
    problems.push(`${at}.alarms: required, 1 to 100 alarm ARNs, got ${JSON.stringify(alarms)}`);
  }
  if (properties.sortBy !== undefined && !ALARM_SORT.includes(String(properties.sortBy))) problems.push(`${at}.sortBy: ${String(properties.sortBy)} is not one of ${ALARM_SORT.join(', ')}`);
  if (properties.states !== undefined && !(Array.isArray(properties.states) && properties.states.every((s) => ALARM_STATES.includes(String(s))))) {
    problems.push(`${at}.states: an array of ${ALARM_STATES.join(', ')}`);
  }
  return problems;
}

function isAlarmArn(value: unknown): boolean {
  return typeof value === 'string' && /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/.test(value);
}

function unknown(object: Json, allowed: string[], at: string, problems: string[]): void {
  for (const key of Object.keys(object)) if (!allowed.includes(key)) problems.push(`${at}.${key}: not a documented member`);
}

function integer(value: unknown, min: number, max: number, at: string, problems: string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) problems.push(`${at}: ${JSON.stringify(value)} is not an integer from ${min} to ${max}`);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
