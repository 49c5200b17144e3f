import * as t from 'io-ts';

/** Whether a value passes a request codec. */
export type RequestGuard = (value: unknown) => boolean;

const guards = new WeakMap<t.Mixed, RequestGuard>();

/**
 * `codec.is` for a request codec (an intersection of `t.type` and `t.partial` members, read off their props),
 * walking the keys the request has instead of every optional parameter the codec knows: a sale names two or
 * three of its sixteen, and io-ts's guard read all sixteen (a megamorphic keyed load each) on every request.
 * Required keys are checked as io-ts checks them. An optional key is checked when the request has it as an
 * enumerable property, own or inherited, which is every key `JSON.stringify` sends; a non-enumerable one
 * is never sent, and io-ts would check it (the one difference, test/request-guard.test.ts). Any other codec
 * keeps its own `is`.
 */
export function requestGuard(codec: t.Mixed): RequestGuard {
  let guard = guards.get(codec);
  if (guard === undefined) {
    guard = compile(codec) ?? ((value) => codec.is(value));
    guards.set(codec, guard);
  }
  return guard;
}

function compile(codec: t.Mixed): RequestGuard | undefined {
  const members: readonly t.Mixed[] = codec instanceof t.IntersectionType ? codec.types : [codec];
  const required: string[] = [];
  const requiredCodecs: t.Mixed[] = [];
  const optional = new Map<string, t.Mixed[]>();
  for (const member of members) {
    if (member instanceof t.InterfaceType) {
      for (const [key, type] of Object.entries(member.props as t.Props)) {
        required.push(key);
        requiredCodecs.push(type);
      }
    } else if (member instanceof t.PartialType) {
      for (const [key, type] of Object.entries(member.props as t.Props)) {
        const codecs = optional.get(key);
        if (codecs === undefined) optional.set(key, [type]);
        else codecs.push(type);
      }
    } else {
      return undefined;
    }
  }
  return (value) => {
    if (!t.UnknownRecord.is(value)) return false;
    const record = value as Readonly<Record<string, unknown>>;
    for (let i = 0; i < required.length; i++) {
      const key = required[i] as string;
      const item = record[key];
      if ((item === undefined && !Object.hasOwn(record, key)) || !(requiredCodecs[i] as t.Mixed).is(item))
        return false;
    }
    for (const key in record) {
      const codecs = optional.get(key);
      if (codecs === undefined) continue;
      const item = record[key];
      if (item === undefined) continue;
      for (const type of codecs) if (!type.is(item)) return false;
    }
    return true;
  };
}
