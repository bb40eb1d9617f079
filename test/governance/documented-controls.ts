/**
 * What fails Control Tower's proactive controls by default on a resource this library creates,
 * where, and what makes it pass: the table of docs/governed-accounts.md, which a test checks.
 */
import { ControlTowerFinding } from '../support/checked-synth';

/**
 * What fails by default on a library resource, where, and the prop that makes it pass (or the AWS
 * constraint that rules it out): the table of docs/governed-accounts.md.
 */
export const DOCUMENTED: Record<string, { readonly where: RegExp; readonly fixes: string[] }> = {
  'CT.S3.PR.10': { where: /\/AccessLogsBucket\/Resource$/, fixes: ['accessLogsBucket'] },
  'CT.S3.PR.2': { where: /\/AccessLogsBucket\/Resource$/, fixes: ['accessLogsBucket'] },
  'CT.S3.PR.9': { where: /\/(AccessLogsBucket|Bucket)\/Resource$/, fixes: ['objectLock'] },
  'CT.S3.PR.4': { where: /\/(AccessLogsBucket|Bucket)\/Resource$/, fixes: ['eventBridgeNotifications'] },
  'CT.CLOUDWATCH.PR.1': { where: /\/(NewVersionAlarm[^/]*|NewVersionErrorRateAlarm[^/]*|MetricAlarm[0-9A-F]{8})\/Resource$/, fixes: ['alarmActions'] },
  // The library's two functions: the server deployer (construct id RevisionDeployer) and the traffic hook.
  'CT.CLOUDWATCH.PR.3': { where: /\/(RevisionDeployer|TrafficHook)\/Logs\/Resource$/, fixes: ['deployer.logGroupEncryptionKey', 'trafficHook.logGroupEncryptionKey'] },
  'CT.LAMBDA.PR.3': { where: /\/(RevisionDeployer|TrafficHook)\/Function\/Resource$/, fixes: ['deployer.vpc', 'trafficHook.vpc'] },
};

/** The controls a library resource never fails by default (CT.S3.PR.10 but for the documented access-log bucket). */
export const NEVER_BY_DEFAULT = ['CT.S3.PR.3', 'CT.S3.PR.6'];

/** Library findings that the table does not document: a control it does not list, or a resource it does not name. */
export function unexpectedByDefault(libraryFindings: ControlTowerFinding[]): ControlTowerFinding[] {
  return libraryFindings.filter((f) => !DOCUMENTED[f.control]?.where.test(f.where));
}
