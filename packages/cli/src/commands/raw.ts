import { ENDPOINTS, isJsonObject, type JsonObject, normalizePath } from '@bluechip-ws/protocol';
import { type Command, operationCommand } from '../command.js';
import { required, UsageError } from '../options.js';

export const rawCommand: Command = operationCommand({
  name: 'raw',
  summary: 'Send any resource to any endpoint, unvalidated (types and parameters this tool does not model).',
  usage: `--endpoint </tsi/v1/payment|payment|info|config|reports> --resource '<json object>'`,
  options: { endpoint: { type: 'string' }, resource: { type: 'string' } },
  operation: ({ values }) => {
    const endpoint = knownEndpoint(required(values, 'endpoint'));
    const text = required(values, 'resource');
    let resource: JsonObject;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isJsonObject(parsed)) throw new UsageError('--resource must be a JSON object');
      resource = parsed;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--resource is not valid JSON: ${(error as Error).message}`);
    }
    const type = typeof resource.type === 'string' ? resource.type : 'resource';
    return {
      label: `raw ${type} to ${endpoint}`,
      waiting: 'waiting for the terminal',
      start: (t, o) => t.raw$(endpoint, resource, o),
    };
  },
});

const PATHS: ReadonlySet<string> = new Set(Object.values(ENDPOINTS));

/**
 * `payment` or `/tsi/v1/payment`: an endpoint the terminal serves. Anything else is a usage error before
 * dialing (a terminal answers an unknown path by refusing the WebSocket upgrade, which reads as
 * "unreachable").
 */
function knownEndpoint(text: string): string {
  if (Object.hasOwn(ENDPOINTS, text)) return text;
  if (PATHS.has(normalizePath(text))) return normalizePath(text);
  const names = Object.keys(ENDPOINTS).join(', ');
  throw new UsageError(
    `--endpoint "${text}" is not a terminal endpoint; one of ${names} (or its /tsi/v1/… path)`,
  );
}
