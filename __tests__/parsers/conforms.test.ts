import { z } from 'zod';
import { plainValidator } from '../../src/parsers/conforms';
import { FormatError, validate } from '../../src/parsers/util';

/**
 * The contract: whenever the predicate says yes, zod accepts the value too and returns a copy
 * equal to it. Each case lists values with the answer expected from the predicate.
 */
function expectAgreement(schema: z.ZodType, cases: [unknown, boolean][]): void {
  const ok = plainValidator(schema);
  expect(ok).toBeDefined();
  for (const [value, expected] of cases) {
    expect([value, ok?.(value)]).toEqual([value, expected]);
    const parsed = schema.safeParse(value);
    if (expected) {
      expect(parsed.success).toBe(true);
      expect(parsed.data).toEqual(value);
    }
  }
}

describe('plainValidator', () => {
  it('checks strings, numbers, booleans, null, literals and anything', () => {
    expectAgreement(z.string(), [['a', true], [1, false], [null, false]]);
    expectAgreement(z.number(), [[1.5, true], ['1', false], [Infinity, false], [NaN, false]]);
    expectAgreement(z.boolean(), [[false, true], [0, false]]);
    expectAgreement(z.null(), [[null, true], [undefined, false]]);
    expectAgreement(z.literal(2), [[2, true], [3, false], ['2', false]]);
    expectAgreement(z.enum(['a', 'b']), [['a', true], ['b', true], ['c', false], [0, false], [undefined, false]]);
    expectAgreement(z.unknown(), [[{ a: [1] }, true], [undefined, true]]);
    expectAgreement(z.any(), [['x', true]]);
    expectAgreement(z.enum(['SEMVER', 'GIT']), [['SEMVER', true], ['GIT', true], ['semver', false], [undefined, false], [['GIT'], false]]);
    // A TypeScript numeric enum: its reverse mapping (1 -> 'A') is not a value.
    expectAgreement(z.enum({ A: 1, B: 2, 1: 'A', 2: 'B' }), [[1, true], [2, true], ['A', false], ['1', false]]);
    // An enum without zod's set of values (another zod version): left to zod.
    expect(plainValidator({ _zod: { def: { type: 'enum', entries: { A: 'A' } } } } as unknown as z.ZodType)).toBeUndefined();
  });

  it('applies length, integer and range checks like zod', () => {
    expectAgreement(z.string().min(1), [['', false], ['a', true]]);
    expectAgreement(z.string().max(2), [['ab', true], ['abc', false]]);
    expectAgreement(z.string().length(2), [['ab', true], ['a', false]]);
    expectAgreement(z.array(z.string()).min(1), [[[], false], [['a'], true]]);
    expectAgreement(z.number().int(), [[3, true], [3.5, false], [2 ** 60, false]]);
    expectAgreement(z.number().min(1), [[1, true], [0.5, false]]);
    expectAgreement(z.number().gt(1), [[1, false], [1.5, true]]);
    expectAgreement(z.number().max(5), [[5, true], [6, false]]);
    expectAgreement(z.number().lt(5), [[5, false], [4, true]]);
  });

  it('checks optional, nullable, arrays, tuples, records and unions', () => {
    expectAgreement(z.string().optional(), [[undefined, true], [null, false], ['a', true]]);
    expectAgreement(z.string().nullable(), [[null, true], [undefined, false]]);
    expectAgreement(z.array(z.number()), [[[1, 2], true], [[1, 'a'], false], [{ 0: 1 }, false]]);
    expectAgreement(z.tuple([z.string()]), [[['a'], true], [[], false], [['a', 'b'], false], ['a', false]]);
    expectAgreement(z.tuple([z.string()], z.number()), [[['a', 1, 2], true], [['a', 'b'], false], [[1], false]]);
    expectAgreement(z.record(z.string(), z.number()), [[{ a: 1 }, true], [{ a: 'x' }, false], [[], false], [null, false]]);
    expectAgreement(z.union([z.string(), z.number()]), [['a', true], [1, true], [true, false]]);
  });

  it('checks loose and strict objects, absent keys only where optional', () => {
    const loose = z.looseObject({ a: z.string(), b: z.number().optional() });
    expectAgreement(loose, [
      [{ a: 'x' }, true],
      [{ a: 'x', b: 1, extra: [1] }, true],
      [{ a: 'x', b: 'no' }, false],
      [{ b: 1 }, false],
      [['x'], false],
      [null, false],
      [new Date(0), false],
    ]);
    expectAgreement(z.strictObject({ a: z.string() }), [[{ a: 'x' }, true], [{ a: 'x', extra: 1 }, false]]);
    // A required field may hold undefined when its type allows it, but it must be there.
    expectAgreement(z.looseObject({ a: z.unknown() }), [[{ a: undefined }, true], [{ a: 1 }, true]]);
  });

  it('reads keys that are not identifiers, and keys that look like code, as plain keys', () => {
    // The object check is generated code: every key must reach it quoted, whatever it holds.
    const odd = z.looseObject({ 'a"b\n': z.string(), '`${x}`': z.number().optional(), constructor: z.boolean(), "'); throw 1; ('": z.string().optional() });
    expectAgreement(odd, [
      [{ 'a"b\n': 'x', constructor: true }, true],
      [{ 'a"b\n': 'x', constructor: true, '`${x}`': 1, "'); throw 1; ('": 'y' }, true],
      [{ 'a"b\n': 'x', constructor: true, '`${x}`': 'one' }, false],
      [{ 'a"b\n': 1, constructor: true }, false],
      [{ 'a"b\n': 'x' }, false],
      [{ ab: 'x', constructor: true }, false],
    ]);
  });

  it('is conservative: it may leave a value zod accepts to zod, never the other way round', () => {
    // An own __proto__ key is left out of zod's copy: the copy would not equal the input.
    const proto = JSON.parse('{"a": "x", "__proto__": {"polluted": true}}');
    expect(plainValidator(z.looseObject({ a: z.string() }))?.(proto)).toBe(false);
    expect(plainValidator(z.record(z.string(), z.unknown()))?.(proto)).toBe(false);
    // An absent key of type unknown: zod decides.
    expect(plainValidator(z.looseObject({ a: z.unknown() }))?.({})).toBe(false);
  });

  it('gives up on schemas whose output is not a copy of the input, or that it does not know', () => {
    const self: z.ZodType = z.looseObject({
      get children() {
        return z.array(self);
      },
    });
    const unsupported: z.ZodType[] = [
      z.string().transform((s) => s.length),
      z.string().default('x'),
      z.string().trim(),
      z.email(),
      z.coerce.number(),
      z.int32(),
      z.object({ a: z.string() }),
      z.looseObject({ a: z.string().trim() }),
      z.looseObject({ a: z.string() }).refine(() => true),
      z.discriminatedUnion('t', [z.looseObject({ t: z.literal('a') })]),
      z.xor([z.string(), z.number()]),
      z.union([z.string(), z.string().trim()]),
      z.record(z.enum(['a']), z.string()),
      z.record(z.string().min(1), z.string()),
      z.record(z.string(), z.string().trim()),
      z.array(z.date()),
      z.tuple([z.string().trim()]),
      z.tuple([z.string()], z.string().trim()),
      z.string().optional().transform((s) => s),
      z.string().trim().optional(),
      z.string().trim().nullable(),
      self,
    ];
    for (const s of unsupported) expect(plainValidator(s)).toBeUndefined();
    // A numeric TypeScript enum: its reverse mappings are not values zod accepts, nor the predicate.
    const numeric = z.enum({ A: 0, B: 1, 0: 'A', 1: 'B' });
    const check = plainValidator(numeric);
    for (const v of [0, 1, 'A', 'B', 2]) expect([v, check?.(v)]).toEqual([v, numeric.safeParse(v).success]);
    // Asked again, the answer comes from the cache.
    expect(plainValidator(self)).toBeUndefined();
  });

  it('leaves a conditional check other than a length check, and other number formats, to zod', () => {
    const number = (check: Record<string, unknown>) => ({ _zod: { def: { type: 'number', checks: [{ _zod: { def: check } }] } } }) as unknown as z.ZodType;
    expect(plainValidator(number({ check: 'greater_than', value: 1, inclusive: true, when: () => true }))).toBeUndefined();
    expect(plainValidator(number({ check: 'number_format', format: 'int32' }))).toBeUndefined();
  });

  it('reuses the compiled predicate of a schema', () => {
    const s = z.looseObject({ a: z.string() });
    expect(plainValidator(s)).toBe(plainValidator(s));
  });
});

describe('validate', () => {
  it('returns valid input itself when the schema only checks types', () => {
    const data = { a: 'x', extra: { deep: [1] } };
    expect(validate(z.looseObject({ a: z.string() }), data, 'test')).toBe(data);
  });

  it('runs zod for a schema it cannot check, and for invalid input, with the same messages', () => {
    expect(validate(z.looseObject({ a: z.string().trim() }), { a: ' x ' }, 'test')).toEqual({ a: 'x' });
    expect(() => validate(z.looseObject({ a: z.string() }), { a: 1 }, 'test')).toThrow(FormatError);
    expect(() => validate(z.looseObject({ a: z.string() }), { a: 1 }, 'test')).toThrow(/test: unexpected format: a: /);
  });
});
