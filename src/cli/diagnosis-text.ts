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
    for (const point of alarm.datapoints) {
      const breaching = alarm.threshold !== undefined && point.value !== undefined && breaches(point.value, alarm.threshold, alarm.comparison);
      lines.push(`    ${clockTime(point.time)}  ${point.value === undefined ? '-' : point.value.toFixed(2).padStart(8)}${breaching ? ' !' : '  '}`
        + `${point.detail ? `  ${point.detail}` : ''}`);
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
