import { Api, ModelShape, resolve } from './api-model';

/**
 * AWS Query answers as the SDK reads them: `<OpResponse><OpResult>…</OpResult><ResponseMetadata/></OpResponse>`,
 * members named and nested by the operation's output shape, lists as `<member>` elements, maps as
 * `<entry><key/><value/></entry>`, timestamps in ISO 8601 (Smithy, "AWS query protocol",
 * https://smithy.io/2.0/aws/protocols/aws-query-protocol.html). The output arrives in the JSON
 * protocols' wire form the services write (timestamps in epoch seconds), already validated against
 * the model by the emulator.
 */
export function queryResponse(api: Api, operation: string, output: Record<string, unknown>, requestId: string): string {
  const shape = api.model.operations[operation]?.output;
  const wrapper = shape?.resultWrapper;
  const result = shape && wrapper ? `<${wrapper}>${serialize(api, shape, output)}</${wrapper}>` : '';
  return `<${operation}Response xmlns="${api.model.metadata.xmlNamespace ?? ''}">${result}`
    + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
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
      return Object.entries(value as Record<string, unknown>)
        .map(([key, item]) => `<entry><key>${escapeXml(key)}</key><value>${serialize(api, shape.value ?? {}, item)}</value></entry>`).join('');
    case 'timestamp':
      return new Date(typeof value === 'number' ? value * 1000 : String(value)).toISOString();
    default:
      return escapeXml(String(value));
  }
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
