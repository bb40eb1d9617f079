import { clockTime, fmt } from './format';
import type { Diagnosis } from './view';

const COMPARISONS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '>=', GreaterThanThreshold: '>', LessThanThreshold: '<', LessThanOrEqualToThreshold: '<=',
};

/** A diagnosis as indented plain lines (the terminal and the line output print the same). */
export function diagnosisLines(label: string, diagnosis: Diagnosis): string[] {
  const lines = [`Diagnosis of ${label}: ${diagnosis.summary}`];
  for (const alarm of diagnosis.alarms) {
    const rule = alarm.threshold !== undefined ? ` (alarm when ${COMPARISONS[alarm.comparison ?? ''] ?? alarm.comparison ?? ''} ${fmt(alarm.threshold)})` : '';
    lines.push(`  alarm ${alarm.name}${rule}${alarm.alarmAt !== undefined ? `: ALARM at ${clockTime(alarm.alarmAt)}` : ''}`);
    if (alarm.reason) lines.push(`    ${alarm.reason}`);
    if (alarm.datapoints.length > 0) lines.push('    its value as it evaluated, each minute:');
    for (const point of alarm.datapoints) {
      const breaching = alarm.threshold !== undefined && point.value !== undefined && breaches(point.value, alarm.threshold, alarm.comparison);
      const value = point.value === undefined ? 'no data'.padStart(8) : point.value.toFixed(2).padStart(8);
      lines.push(`    ${clockTime(point.time)}  ${value}${breaching ? ' !' : '  '}${point.detail ? `  ${point.detail}` : ''}`.trimEnd());
    }
  }
  if (diagnosis.hookLog) {
    lines.push(`  hook log ${diagnosis.hookLog.logGroup}:`);
    lines.push(...diagnosis.hookLog.lines.map((line) => `    ${line}`));
  }
  const instance = diagnosis.instance;
  if (instance) {
    lines.push(`  instance ${instance.instanceId}${instance.event ? `: ${instance.event} failed` : ''}${instance.script ? `, script ${instance.script}` : ''}`
      + `${instance.errorCode ? `, ${instance.errorCode}` : ''}${instance.message ? `: ${instance.message}` : ''}`);
    if (instance.logTail) {
      lines.push('    log tail:');
      lines.push(...instance.logTail.split('\n').map((line) => `      ${line}`));
    }
  }
  lines.push('  console:');
  lines.push(...diagnosis.links.map((link) => `    ${link.label}: ${link.url}`));
  return lines;
}

function breaches(value: number, threshold: number, comparison: string | undefined): boolean {
  switch (comparison) {
    case 'GreaterThanThreshold': return value > threshold;
    case 'LessThanThreshold': return value < threshold;
    case 'LessThanOrEqualToThreshold': return value <= threshold;
    default: return value >= threshold;
  }
}
