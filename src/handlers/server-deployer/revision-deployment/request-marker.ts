/**
 * CreateDeployment takes no client token, yet one CloudFormation request can reach the handler
 * twice (CloudFormation may deliver it again; Lambda retries an asynchronous invocation that
 * crashed). So the deployment's description carries a marker of the request, and before starting
 * a deployment the handler looks for an active one that carries it (start-deployment.ts).
 */

/**
 * CodeDeploy's limit on a deployment's description: "Maximum number of characters in a deployment
 * description: 100" (https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html); a longer
 * one fails CreateDeployment with `DescriptionTooLongException`.
 */
export const MAX_DESCRIPTION_LENGTH = 100;

/** `[cfn:<RequestId>]`: CloudFormation's request ids are unique per request (a UUID, 36 characters). */
function requestMarker(requestId: string): string {
  return `[cfn:${requestId}]`;
}

/**
 * The description sent to CreateDeployment: the user's description, if any, then a space and the
 * request's marker. The user's part is cut (whole characters, trailing blanks dropped) so that the
 * whole stays within `MAX_DESCRIPTION_LENGTH`; the marker is never cut.
 */
export function markedDescription(description: string | undefined, requestId: string): string {
  const marker = requestMarker(requestId);
  const kept = cutToLength(description ?? '', MAX_DESCRIPTION_LENGTH - marker.length - 1).trimEnd();
  return kept ? `${kept} ${marker}` : marker;
}

/** Whether a deployment's description carries the request's marker (as its end, where `markedDescription` puts it). */
export function carriesMarker(description: string | undefined, requestId: string): boolean {
  return description !== undefined && description.endsWith(requestMarker(requestId));
}

/**
 * At most `max` UTF-16 code units (a JavaScript string's length, which never undercounts
 * characters however CodeDeploy counts them), without splitting a surrogate pair.
 */
function cutToLength(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  const splitsPair = last >= 0xd800 && last <= 0xdbff;
  return text.slice(0, splitsPair ? max - 1 : max);
}
