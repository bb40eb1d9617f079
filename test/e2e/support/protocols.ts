import type * as http from 'http';
import { Api, locatedMembers, ModelShape, payloadMember, resolve } from './api-model';

/**
 * The wire protocols of the emulated services, both ways: requests decoded into the operation's
 * input as the models name its members, and answers encoded as the SDK expects them. AWS's
 * protocol definitions: https://smithy.io/2.0/aws/protocols/ (awsJson1_0, awsJson1_1, restJson1,
 * awsQuery).
 */

export type Decoded = { readonly operation: string; readonly input: Record<string, unknown> } | { readonly problem: string };

/** AWS JSON 1.0 and 1.1: `POST /`, the operation in `X-Amz-Target: <prefix>.<operation>`, the input as a JSON body. */
export function decodeJson(api: Api, request: http.IncomingMessage, body: Buffer, version: '1.0' | '1.1', targetPrefix: string): Decoded {
  const target = String(request.headers['x-amz-target'] ?? '');
  if (request.method !== 'POST' || request.url !== '/') return { problem: `expected POST /, got ${request.method} ${request.url}` };
  const contentType = `application/x-amz-json-${version}`;
  if (request.headers['content-type'] !== contentType) return { problem: `content-type ${request.headers['content-type']} is not ${contentType}` };
  if (!target.startsWith(`${targetPrefix}.`)) return { problem: `X-Amz-Target ${target} does not start with ${targetPrefix}.` };
  const operation = target.slice(targetPrefix.length + 1);
  if (!api.model.operations[operation]) return { problem: `${operation} is not an operation of ${api.model.metadata.endpointPrefix}` };
  try {
    return { operation, input: JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown> };
  } catch {
    return { problem: `${operation}: the body is not JSON` };
  }
}

/** REST-JSON: the operation from the method and the URI template; members from the URI, headers and query string, the rest from the body. */
export function decodeRestJson(api: Api, request: http.IncomingMessage, body: Buffer): Decoded {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  for (const [operation, definition] of Object.entries(api.model.operations)) {
    const template = definition.http?.requestUri;
    if (!template || (definition.http?.method ?? 'POST') !== request.method) continue;
    const pattern = new RegExp(`^${template.split('?')[0].replace(/\{(\w+)\+?\}/g, '(?<$1>[^/]+)')}$`);
    const match = pattern.exec(url.pathname);
    if (!match) continue;
    const located = locatedMembers(api, operation);
    const input: Record<string, unknown> = {};
    for (const member of located) {
      const raw = member.location === 'uri' ? match.groups?.[member.locationName]
        : member.location === 'header' ? request.headers[member.locationName.toLowerCase()]
          : url.searchParams.get(member.locationName) ?? undefined;
      if (raw !== undefined) input[member.name] = member.location === 'uri' ? decodeURIComponent(String(raw)) : String(raw);
    }
    for (const parameter of url.searchParams.keys()) {
      if (!located.some((member) => member.location === 'querystring' && member.locationName === parameter)) {
        return { problem: `${operation}: query parameter ${parameter} is not in the model` };
      }
    }
    const payload = payloadMember(api, operation);
    if (payload && body.length > 0) {
      input[payload] = body;
    } else if (body.length > 0) {
      try {
        Object.assign(input, JSON.parse(body.toString('utf8')) as Record<string, unknown>);
      } catch {
        return { problem: `${operation}: the body is not JSON` };
      }
    }
    return { operation, input };
  }
  return { problem: `no ${api.model.metadata.endpointPrefix} operation at ${request.method} ${url.pathname}` };
}

/** AWS Query: a form-encoded body with `Action` and `Version`; `A.member.1` and `A.B` become lists and structures. */
export function decodeQuery(api: Api, body: Buffer): Decoded {
  const form = new URLSearchParams(body.toString('utf8'));
  const operation = form.get('Action') ?? '';
  const version = form.get('Version');
  const { apiVersion } = api.model.metadata;
  if (!api.model.operations[operation]) return { problem: `Action ${operation} is not an operation of ${api.model.metadata.endpointPrefix}` };
  if (version !== apiVersion) return { problem: `${operation}: Version ${version} is not ${apiVersion}` };
  const input: Record<string, unknown> = {};
  for (const [name, value] of form) {
    if (name === 'Action' || name === 'Version') continue;
    setPath(input, name.split('.'), value);
  }
  return { operation, input };
}

function setPath(target: Record<string, unknown>, parts: readonly string[], value: string): void {
  const [head, ...rest] = parts;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  if (rest[0] === 'member') {
    const list = (target[head] as unknown[] | undefined) ?? [];
    target[head] = list;
    const index = Number(rest[1]) - 1;
    if (rest.length === 2) list[index] = value;
    else setPath((list[index] ??= {}) as Record<string, unknown>, rest.slice(2), value);
    return;
  }
  setPath((target[head] ??= {}) as Record<string, unknown>, rest, value);
}

/** An AWS Query answer: `<OpResponse><OpResult>…</OpResult><ResponseMetadata/></OpResponse>`, members by the output shape. */
export function queryResponse(api: Api, operation: string, output: Record<string, unknown>, requestId: string): string {
  const shape = api.model.operations[operation]?.output;
  const result = shape ? serialize(api, shape, output) : '';
  const wrapper = shape?.resultWrapper ?? `${operation}Result`;
  return `<${operation}Response xmlns="${api.model.metadata.xmlNamespace ?? ''}"><${wrapper}>${result}</${wrapper}>`
    + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
}

/** An AWS Query error. */
export function queryError(api: Api, code: string, message: string, requestId: string): string {
  return `<ErrorResponse xmlns="${api.model.metadata.xmlNamespace ?? ''}"><Error><Type>Sender</Type><Code>${escapeXml(code)}</Code>`
    + `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

function serialize(api: Api, ref: ModelShape, value: unknown): string {
  const shape = resolve(api, ref);
  switch (shape.type ?? 'string') {
    case 'structure':
      return Object.entries(shape.members ?? {}).flatMap(([name, member]) => {
        const item = (value as Record<string, unknown>)[name];
        if (item === undefined) return [];
        const element = resolve(api, member).locationName ?? name;
        return [`<${element}>${serialize(api, member, item)}</${element}>`];
      }).join('');
    case 'list':
      return (value as unknown[]).map((item) => `<member>${serialize(api, shape.member ?? {}, item)}</member>`).join('');
    case 'map':
      return Object.entries(value as Record<string, unknown>).map(([key, item]) => `<entry><key>${escapeXml(key)}</key><value>${serialize(api, shape.value ?? {}, item)}</value></entry>`).join('');
    case 'timestamp':
      return typeof value === 'number' ? new Date(value * 1000).toISOString() : new Date(String(value)).toISOString();
    default:
      return escapeXml(String(value));
  }
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
