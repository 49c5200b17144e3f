import {
  AmountError,
  camelCase,
  cents,
  isJsonObject,
  type JsonObject,
  LEVEL2_PARAMETERS,
  PARAMETERS,
} from '@bluechip-ws/protocol';

/** Parameters in cents, at any depth (`purchaseLevel2.taxAmount` too), read off the protocol's parameter tables. */
const CENTS_KEYS: ReadonlySet<string> = new Set(
  [...Object.entries(PARAMETERS), ...Object.entries(LEVEL2_PARAMETERS)].flatMap(([name, row]) =>
    row.kind === 'cents' ? [camelCase(name)] : [],
  ),
);

/** `tipAmount` → `tip_amount`, `purchaseLevel2` → `purchase_level_2`, `purchaseCard3Details` → `purchase_card_3_details`. */
export function snakeCase(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([a-zA-Z])(\d)/g, '$1_$2')
    .toLowerCase();
}

/**
 * Maps camelCase operation parameters to the wire's snake_case, dropping `undefined`. Amounts are checked
 * here, so a float, a negative or a non-number is refused with an `AmountError` naming the parameter before
 * any frame is built.
 */
export function toWire(params: object, prefix = ''): JsonObject {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const name = prefix + key;
    if (CENTS_KEYS.has(key)) out[snakeCase(key)] = checkAmount(name, value);
    else if (isJsonObject(value) && !(value instanceof Date)) out[snakeCase(key)] = toWire(value, `${name}.`);
    else out[snakeCase(key)] = value;
  }
  return out;
}

function checkAmount(name: string, value: unknown): number {
  try {
    return cents(value as number);
  } catch (error) {
    if (error instanceof AmountError) {
      throw new AmountError(error.code, `${name}: ${error.message}`, value);
    }
    throw error;
  }
}
