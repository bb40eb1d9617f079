/**
 * One JSON line per state change, for CloudWatch Logs Insights.
 *
 * Never pass the CloudFormation event (or anything holding its `ResponseURL`) here: the response
 * URL is a presigned S3 URL, a bearer credential for the stack's answer.
 */
export function logEvent(event: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ event, ...fields }));
}
