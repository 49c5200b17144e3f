import { readFile } from 'node:fs/promises';
import { SimulatorError } from './errors.js';
import { OUTCOMES, type Outcome } from './outcomes.js';
import { type AmountsAs, checkSetting, type SimulatorSettings } from './settings.js';

/** Which requests a rule applies to; every given field must match. */
export interface ScenarioMatch {
  /** Request `type`, or one of several. */
  readonly type?: string | readonly string[];
  /** Request `amount` in cents. */
  readonly amount?: number;
  /** 1-based position of the request among the valid requests this simulator received. */
  readonly request?: number;
  /** The endpoint the request arrived on (`/tsi/v1/payment`…). */
  readonly endpoint?: string;
}

/** Where a scripted disconnect happens. */
export type DisconnectPoint = 'after_response' | 'before_final' | 'after_final';

/** Where scripted garbage frames (not JSON, then JSON that is no envelope) are sent in a flow. */
export type GarbagePoint = 'before_response' | 'before_final' | 'after_final';

/** Overrides for one request; anything not given follows the settings and the amount table. */
export interface ScenarioRule {
  readonly match?: ScenarioMatch;
  /** Number of matching requests the rule applies to; then it is used up. Default: every one. */
  readonly times?: number;
  /** The outcome, as if the amount had been the matching trigger (see the amount table). */
  readonly outcome?: Outcome;
  /** Refuse the request: `response` `status:"error"` with this `error_info.text`, no events. */
  readonly reject?: string;
  /** Delay before each event of this flow, instead of `eventDelayMs`. */
  readonly delayMs?: number;
  /** Extra `proceed` events before the final one. */
  readonly proceedEvents?: number;
  /** `results[0].status` of the final event. */
  readonly resultStatus?: string;
  /** `status` of the final event (`completed`, `ok`, `error`, anything). */
  readonly finalStatus?: string;
  /** `error_info` of an error event (merged over the default). */
  readonly errorInfo?: Readonly<Record<string, unknown>>;
  readonly amountsAs?: AmountsAs;
  /** Fields merged into (and overriding) `results[0]` of the final event. */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** The first N acks of the flow are treated as lost, so the event is re-sent. */
  readonly ignoreAcks?: number;
  readonly ackTimeoutMs?: number;
  readonly resendLimit?: number;
  /** Drop the link at this point of the flow. */
  readonly disconnect?: DisconnectPoint;
  /** Send the first event before the `started` response (a race a POS must tolerate). */
  readonly eventBeforeResponse?: boolean;
  /** Send garbage frames at these points of the flow; a POS must ignore them. */
  readonly garbage?: readonly GarbagePoint[];
}

export interface Scenario {
  readonly name?: string;
  readonly description?: string;
  /** Settings for the whole run, over the simulator's own. */
  readonly settings?: Partial<SimulatorSettings>;
  /** Tried in order for each valid request; the first matching rule with uses left applies. */
  readonly rules?: readonly ScenarioRule[];
}

const DISCONNECTS: readonly string[] = ['after_response', 'before_final', 'after_final'];
const GARBAGE_POINTS: readonly string[] = ['before_response', 'before_final', 'after_final'];
const RULE_KEYS: ReadonlySet<string> = new Set([
  'match',
  'times',
  'outcome',
  'reject',
  'delayMs',
  'proceedEvents',
  'resultStatus',
  'finalStatus',
  'errorInfo',
  'amountsAs',
  'fields',
  'ignoreAcks',
  'ackTimeoutMs',
  'resendLimit',
  'disconnect',
  'eventBeforeResponse',
  'garbage',
]);

function fail(where: string, message: string): never {
  throw new SimulatorError('bad_scenario', `scenario ${where}: ${message}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkCount(where: string, key: string, v: unknown, min = 0): void {
  if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= min)) {
    fail(where, `${key} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  }
}

function checkString(where: string, key: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'string') fail(where, `${key} must be a string`);
}

function checkMatch(where: string, m: unknown): void {
  if (m === undefined) return;
  if (!isObject(m)) fail(where, 'match must be an object');
  for (const key of Object.keys(m)) {
    if (!['type', 'amount', 'request', 'endpoint'].includes(key)) fail(where, `unknown match key "${key}"`);
  }
  const type = m.type;
  if (
    type !== undefined &&
    typeof type !== 'string' &&
    !(Array.isArray(type) && type.every((x) => typeof x === 'string'))
  ) {
    fail(where, 'match.type must be a string or an array of strings');
  }
  checkCount(where, 'match.amount', m.amount);
  checkCount(where, 'match.request', m.request, 1);
  checkString(where, 'match.endpoint', m.endpoint);
}

function checkRule(where: string, r: unknown): void {
  if (!isObject(r)) fail(where, 'must be an object');
  for (const key of Object.keys(r)) if (!RULE_KEYS.has(key)) fail(where, `unknown key "${key}"`);
  checkMatch(where, r.match);
  for (const key of [
    'times',
    'delayMs',
    'proceedEvents',
    'ignoreAcks',
    'ackTimeoutMs',
    'resendLimit',
  ] as const) {
    checkCount(where, key, r[key], key === 'times' ? 1 : 0);
  }
  for (const key of ['reject', 'resultStatus', 'finalStatus'] as const) checkString(where, key, r[key]);
  if (r.outcome !== undefined && !OUTCOMES.includes(r.outcome as Outcome)) {
    fail(where, `outcome must be one of ${OUTCOMES.join(', ')}`);
  }
  if (r.amountsAs !== undefined && r.amountsAs !== 'number' && r.amountsAs !== 'string') {
    fail(where, 'amountsAs must be "number" or "string"');
  }
  if (r.disconnect !== undefined && !DISCONNECTS.includes(r.disconnect as string)) {
    fail(where, `disconnect must be one of ${DISCONNECTS.join(', ')}`);
  }
  if (r.eventBeforeResponse !== undefined && typeof r.eventBeforeResponse !== 'boolean') {
    fail(where, 'eventBeforeResponse must be true or false');
  }
  if (
    r.garbage !== undefined &&
    !(Array.isArray(r.garbage) && r.garbage.every((g) => GARBAGE_POINTS.includes(g as string)))
  ) {
    fail(where, `garbage must be a list of ${GARBAGE_POINTS.join(', ')}`);
  }
  if (r.fields !== undefined && !isObject(r.fields)) fail(where, 'fields must be an object');
  if (r.errorInfo !== undefined && !isObject(r.errorInfo)) fail(where, 'errorInfo must be an object');
}

/** Checks a parsed scenario (from JSON or code); throws a `SimulatorError` `bad_scenario` naming the problem. */
export function parseScenario(value: unknown): Scenario {
  if (!isObject(value)) fail('', 'must be a JSON object');
  for (const key of Object.keys(value)) {
    if (!['name', 'description', 'settings', 'rules'].includes(key)) fail('', `unknown key "${key}"`);
  }
  checkString('', 'name', value.name);
  checkString('', 'description', value.description);
  if (value.settings !== undefined) {
    if (!isObject(value.settings)) fail('', 'settings must be an object');
    for (const [key, v] of Object.entries(value.settings)) {
      try {
        checkSetting(key, v);
      } catch (cause) {
        throw new SimulatorError('bad_scenario', `scenario settings: ${(cause as Error).message}`, { cause });
      }
    }
  }
  if (value.rules !== undefined) {
    if (!Array.isArray(value.rules)) fail('', 'rules must be an array');
    value.rules.forEach((rule, i) => {
      checkRule(`rules[${i}]`, rule);
    });
  }
  return value as Scenario;
}

/** Reads and checks a scenario JSON file. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new SimulatorError(
      'bad_scenario',
      `cannot read scenario file ${path}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new SimulatorError(
      'bad_scenario',
      `scenario file ${path} is not JSON: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  return parseScenario(value);
}

export interface RequestFacts {
  readonly type: string;
  readonly amount: number | undefined;
  readonly endpoint: string;
  /** 1-based index among valid requests. */
  readonly index: number;
}

/** Applies a scenario's rules to requests, counting down each rule's `times`. */
export class ScenarioPlayer {
  private readonly remaining: (number | undefined)[];

  constructor(private readonly rules: readonly ScenarioRule[]) {
    this.remaining = rules.map((r) => r.times);
  }

  next(facts: RequestFacts): ScenarioRule | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      const left = this.remaining[i];
      if (left === 0 || !matches(rule.match, facts)) continue;
      if (left !== undefined) this.remaining[i] = left - 1;
      return rule;
    }
    return undefined;
  }
}

function matches(m: ScenarioMatch | undefined, f: RequestFacts): boolean {
  if (m === undefined) return true;
  if (m.type !== undefined && !(typeof m.type === 'string' ? m.type === f.type : m.type.includes(f.type))) {
    return false;
  }
  if (m.amount !== undefined && m.amount !== f.amount) return false;
  if (m.request !== undefined && m.request !== f.index) return false;
  if (m.endpoint !== undefined && m.endpoint.toLowerCase() !== f.endpoint) return false;
  return true;
}

/** What a scenario's `garbage` sends: text that is not JSON, then JSON that is no TSI envelope. */
export const GARBAGE_FRAMES: readonly string[] = [
  'garbage: this is not JSON {',
  '{"noise":{"flow_id":"0","resource":{"status":"completed"}}}',
];
