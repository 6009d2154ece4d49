// A fast "is this valid?" for report schemas, without the copy zod's parse makes. Pure.
//
// zod's parse returns a new object tree. For a 50 MB report that copy costs as much as
// JSON.parse itself, and collecting it afterwards costs more. Most report schemas only check
// types: for those the copy is equal to the input, so the input can be used as it is once it is
// known to be valid. This module compiles such a schema into one plain predicate.
//
// It understands the subset of zod whose output is a plain copy of its input (strings, numbers,
// literals, enums, optional and nullable, arrays, tuples, records, unions, loose and strict objects,
// length and integer checks). Anything else (transforms, defaults, refinements, string formats,
// stripping objects...) makes the schema unsupported, and `validate` then runs zod as before.
// The predicate is conservative: it may reject what zod would accept (zod then decides and
// explains), never the other way round.
import type { z } from 'zod';

type Check = (v: unknown) => boolean;

/** The parts of zod's internal definition we read (zod 4 exposes it as `schema._zod.def`). */
interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  check?: string;
  coerce?: boolean;
  innerType?: Schema;
  element?: Schema;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  keyType?: Schema;
  valueType?: Schema;
  options?: Schema[];
  discriminator?: string;
  inclusive?: boolean;
  items?: Schema[];
  rest?: Schema | null;
  values?: unknown[];
  entries?: Record<string, unknown>;
}
interface CheckDef {
  check: string;
  when?: unknown;
  minimum?: number;
  maximum?: number;
  length?: number;
  format?: string;
  value?: number;
  inclusive?: boolean;
}
interface Schema {
  /** `values`: what an enum or literal accepts, as zod itself keeps it. */
  _zod: { def: Def; values?: unknown };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** Length, integer and range checks; undefined for any other check. */
function compileCheckDef(c: CheckDef): Check | undefined {
  switch (c.check) {
    // Length checks carry a `when` (zod skips them for values without a length): the value has
    // passed its string or array type test by then, so they always apply here.
    case 'min_length':
      return (v) => (v as { length: number }).length >= (c.minimum as number);
    case 'max_length':
      return (v) => (v as { length: number }).length <= (c.maximum as number);
    case 'length_equals':
      return (v) => (v as { length: number }).length === c.length;
  }
  if (c.when !== undefined) return undefined;
  switch (c.check) {
    case 'number_format':
      return c.format === 'safeint' ? (v) => Number.isSafeInteger(v) : undefined;
    case 'greater_than':
      return c.inclusive ? (v) => (v as number) >= (c.value as number) : (v) => (v as number) > (c.value as number);
    case 'less_than':
      return c.inclusive ? (v) => (v as number) <= (c.value as number) : (v) => (v as number) < (c.value as number);
    default:
      return undefined;
  }
}

/** `base` and then every check of the schema; undefined when one of the checks is unsupported. */
function withChecks(def: Def, base: Check): Check | undefined {
  const checks: Check[] = [];
  for (const c of def.checks ?? []) {
    const compiled = compileCheckDef(c._zod.def);
    if (compiled === undefined) return undefined;
    checks.push(compiled);
  }
  if (checks.length === 0) return base;
  return (v) => base(v) && checks.every((c) => c(v));
}

const cache = new WeakMap<object, Check | null>();

function compileSchema(s: Schema): Check | undefined {
  const cached = cache.get(s);
  if (cached !== undefined) return cached ?? undefined;
  // Marked unsupported while it compiles: a schema that refers to itself (a getter in a shape)
  // ends up unsupported instead of recursing forever.
  cache.set(s, null);
  const compiled = compileDef(s._zod.def, s._zod.values);
  cache.set(s, compiled ?? null);
  return compiled;
}

function compileAll(schemas: Schema[]): Check[] | undefined {
  const out: Check[] = [];
  for (const s of schemas) {
    const c = compileSchema(s);
    if (c === undefined) return undefined;
    out.push(c);
  }
  return out;
}

function compileObject(def: Def): Check | undefined {
  const catchall = def.catchall?._zod.def.type;
  // No catchall: zod strips unknown keys, so its output is not the input.
  if (catchall !== 'unknown' && catchall !== 'never') return undefined;
  const keys = Object.keys(def.shape as Record<string, Schema>);
  const checks = compileAll(keys.map((k) => (def.shape as Record<string, Schema>)[k]));
  if (checks === undefined) return undefined;
  // An absent key is fine only where the field is optional.
  const optional = keys.map((k) => (def.shape as Record<string, Schema>)[k]._zod.def.type === 'optional');
  const known = new Set(keys);
  const strict = catchall === 'never';
  return objectCheck(keys, optional, checks, strict ? known : undefined);
}

/**
 * The check of one object shape, as code written for that shape: each key read by name and
 * each field's check called from its own place, which the engine can specialize. A loop over
 * the keys reads every field through one generic lookup and calls every check from one place;
 * over the 80,000 entries of a large report that costs several times more. The code is built
 * only from the schema (keys quoted by JSON.stringify), never from the input.
 */
function objectCheck(keys: string[], optional: boolean[], checks: Check[], known: Set<string> | undefined): Check {
  const body = keys.map((k, i) => {
    const key = JSON.stringify(k);
    // Presence matters only for an undefined value: absent is fine where the field is optional,
    // present is required (and its check decides) everywhere else.
    if (optional[i]) return `x = v[${key}]; if (x !== undefined && !c[${i}](x)) return false;`;
    return `x = v[${key}]; if (x === undefined && !(${key} in v)) return false; if (!c[${i}](x)) return false;`;
  });
  const c = checks;
  const source = [
    // zod leaves an own `__proto__` out of its copy: let zod handle such input.
    'return function (v) {',
    'if (!isObject(v) || hasOwn(v, "__proto__")) return false;',
    'let x;',
    ...body,
    known ? 'for (const k in v) if (!known.has(k)) return false;' : '',
    'return true; };',
  ].join('\n');
  const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  return new Function('c', 'isObject', 'hasOwn', 'known', source)(c, isObject, hasOwn, known) as Check;
}

function compileDef(def: Def, values?: unknown): Check | undefined {
  // A schema that is itself a check (z.email(), z.url()...) or coerces is not a plain copy.
  if (def.check !== undefined || def.coerce) return undefined;
  switch (def.type) {
    case 'string':
      return withChecks(def, (v) => typeof v === 'string');
    case 'number':
      return withChecks(def, (v) => typeof v === 'number' && Number.isFinite(v));
    case 'boolean':
      return withChecks(def, (v) => typeof v === 'boolean');
    case 'null':
      return withChecks(def, (v) => v === null);
    case 'unknown':
    case 'any':
      return withChecks(def, () => true);
    case 'literal': {
      const values = def.values as unknown[];
      return withChecks(def, (v) => values.includes(v));
    }
    case 'enum': {
      // zod's own set of the accepted values (a TypeScript enum's reverse-mapping keys left out).
      const accepted = values;
      return accepted instanceof Set ? withChecks(def, (v) => accepted.has(v)) : undefined;
    }
    case 'optional': {
      const inner = compileSchema(def.innerType as Schema);
      return inner && withChecks(def, (v) => v === undefined || inner(v));
    }
    case 'nullable': {
      const inner = compileSchema(def.innerType as Schema);
      return inner && withChecks(def, (v) => v === null || inner(v));
    }
    case 'array': {
      const el = compileSchema(def.element as Schema);
      return (
        el &&
        withChecks(def, (v) => {
          if (!Array.isArray(v)) return false;
          for (let i = 0; i < v.length; i++) if (!el(v[i])) return false;
          return true;
        })
      );
    }
    case 'tuple': {
      const items = compileAll(def.items as Schema[]);
      const rest = def.rest ? compileSchema(def.rest) : null;
      if (items === undefined || rest === undefined) return undefined;
      return withChecks(def, (v) => {
        if (!Array.isArray(v) || v.length < items.length || (rest === null && v.length > items.length)) return false;
        return v.every((x, i) => (i < items.length ? items[i](x) : (rest as Check)(x)));
      });
    }
    case 'record': {
      const key = def.keyType as Schema;
      const value = compileSchema(def.valueType as Schema);
      // Only string keys without checks: other key types parse, or restrict, the keys.
      if (key._zod.def.type !== 'string' || (key._zod.def.checks?.length ?? 0) > 0 || value === undefined) return undefined;
      return withChecks(def, (v) => {
        if (!isObject(v) || Object.prototype.hasOwnProperty.call(v, '__proto__')) return false;
        for (const k in v) if (!value(v[k])) return false;
        return true;
      });
    }
    case 'union': {
      // A discriminated union or z.xor() picks options by other rules: leave those to zod.
      if (def.discriminator !== undefined || def.inclusive === false) return undefined;
      const options = compileAll(def.options as Schema[]);
      return options && withChecks(def, (v) => options.some((o) => o(v)));
    }
    case 'object': {
      const obj = compileObject(def);
      return obj && withChecks(def, obj);
    }
    default:
      return undefined;
  }
}

/**
 * A predicate that is true when zod would accept `data` and return a copy equal to it; undefined
 * when the schema uses anything this module does not understand.
 */
export function plainValidator<T>(schema: z.ZodType<T>): ((data: unknown) => data is T) | undefined {
  return compileSchema(schema as unknown as Schema) as ((data: unknown) => data is T) | undefined;
}
