/**
 * Links to the AWS console pages of what a diagnosis names. The console's host is
 * `<region>.console.aws.amazon.com` in the commercial partition, `console.amazonaws.cn` in China
 * and `console.amazonaws-us-gov.com` in GovCloud; the paths are the consoles' own (CodeDeploy's
 * `codesuite/codedeploy/deployments/<id>`, CloudWatch's `#alarmsV2:alarm/<name>` and
 * `#logsV2:log-groups/log-group/<name>`, whose log group names are URL-encoded twice, `$` for `%`).
 */
function host(region: string): string {
  if (region.startsWith('cn-')) return 'https://console.amazonaws.cn';
  if (region.startsWith('us-gov-')) return 'https://console.amazonaws-us-gov.com';
  return `https://${region}.console.aws.amazon.com`;
}

export function deploymentLink(region: string, deploymentId: string): string {
  return `${host(region)}/codesuite/codedeploy/deployments/${encodeURIComponent(deploymentId)}?region=${region}`;
}

export function alarmLink(region: string, alarmName: string): string {
  return `${host(region)}/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}

export function logGroupLink(region: string, logGroup: string): string {
  return `${host(region)}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${encodeURIComponent(encodeURIComponent(logGroup)).replace(/%/g, '$')}`;
}
