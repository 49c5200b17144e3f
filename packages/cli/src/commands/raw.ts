import { isJsonObject, type JsonObject } from '@bluechip-ws/protocol';
import { type Command, operationCommand } from '../command.js';
import { required, UsageError } from '../options.js';

export const rawCommand: Command = operationCommand({
  name: 'raw',
  summary: 'Send any resource to any endpoint, unvalidated (types and parameters this tool does not model).',
  usage: `--endpoint </tsi/v1/payment|payment|info|config|reports> --resource '<json object>'`,
  options: { endpoint: { type: 'string' }, resource: { type: 'string' } },
  operation: ({ values }) => {
    const endpoint = required(values, 'endpoint');
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
