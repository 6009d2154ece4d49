import { z } from 'zod';
import { lookalike, misspelledKey } from '../../src/parsers/key-check';
import { validate } from '../../src/parsers/util';

describe('lookalike', () => {
  const known = ['Vulnerabilities', 'packages', 'results', 'id', 'ids', 'V3Score', 'Status'];
  it.each([
    ['vulnerabilities', 'Vulnerabilities'],
    ['VULNERABILITIES', 'Vulnerabilities'],
    ['Vulnerabilites', 'Vulnerabilities'],
    ['Vulnreabilities', 'Vulnerabilities'],
    ['pacoages', 'packages'],
    ['pakcages', 'packages'],
    ['resul s', 'results'],
    ['result', 'results'],
    ['Statu', 'Status'],
    ['pack_ages', 'packages'],
  ])('%j looks like %j', (key, like) => expect(lookalike(key, known)).toBe(like));
  it.each(['idx', 'V2Score', 'Layer', 'DataSource', 'Vulns', 'package_manager', 'State', 'ab'])('%j looks like none', (key) => {
    expect(lookalike(key, known)).toBeUndefined();
  });
});

describe('misspelledKey', () => {
  const Entry = z.looseObject({ name: z.string(), details: z.array(z.string()).optional() });
  const Schema = z.looseObject({
    entries: z.array(Entry).nullish(),
    byName: z.record(z.string(), Entry).optional(),
    either: z.union([z.string(), Entry, z.array(Entry)]).optional(),
    plain: z.union([z.string(), z.number()]).optional(),
  });

  it('finds a near miss at any depth, naming its path', () => {
    expect(misspelledKey(Schema, { entires: [] })).toBe('(root): unexpected key "entires" where "entries" belongs');
    expect(misspelledKey(Schema, { entries: [{ name: 'a' }, { name: 'b', detials: [] }] })).toBe('entries.1: unexpected key "detials" where "details" belongs');
    expect(misspelledKey(Schema, { byName: { x: { name: 'x', Details: [] } } })).toBe('byName.x: unexpected key "Details" where "details" belongs');
    expect(misspelledKey(Schema, { either: { name: 'x', detail: [] } })).toBe('either: unexpected key "detail" where "details" belongs');
    expect(misspelledKey(Schema, { either: [{ name: 'x', detail: [] }] })).toBe('either.0: unexpected key "detail" where "details" belongs');
  });

  it('accepts other new keys, and values of another type (validation judges those)', () => {
    expect(misspelledKey(Schema, { entries: [{ name: 'a', added: 1 }], plain: 2, extra: { entires: 1 } })).toBeUndefined();
    expect(misspelledKey(Schema, { entries: null, byName: [], either: 'x' })).toBeUndefined();
    expect(misspelledKey(Schema, { entries: 'x', byName: 'y', either: 3 })).toBeUndefined();
    expect(misspelledKey(Schema, [])).toBeUndefined();
  });

  it('picks the union option of a value with zod where the plain check cannot', () => {
    const WithDefault = z.looseObject({ details: z.array(z.string()).default([]), name: z.string() });
    const U = z.union([z.string(), WithDefault]);
    expect(misspelledKey(U, { name: 'a', detials: [] })).toBe('(root): unexpected key "detials" where "details" belongs');
    expect(misspelledKey(U, 'x')).toBeUndefined();
    expect(misspelledKey(U, 3)).toBeUndefined();
  });

  it('judges a report with many distinct unknown keys', () => {
    const entries = Array.from({ length: 1500 }, (_, i) => ({ name: 'a', [`k${i}`]: 1 }));
    expect(misspelledKey(Schema, { entries })).toBeUndefined();
    expect(misspelledKey(Schema, { entries: [...entries, { name: 'b', detail: [] }] })).toMatch(/entries\.1500: unexpected key "detail"/);
  });

  it('checks a schema that refers to itself once, without recursing', () => {
    const Node: z.ZodType = z.looseObject({ label: z.string(), get children() {
      return z.array(Node).optional();
    } });
    expect(misspelledKey(Node, { label: 'a', children: [{ label: 'b', lable: 'c' }] })).toBeUndefined();
    expect(misspelledKey(Node, { lable: 'a' })).toMatch(/"lable" where "label"/);
  });

  it('makes validate throw a FormatError on either path (plain check or zod)', () => {
    expect(() => validate(Schema, { entires: [] }, 'r')).toThrow(/^r: \(root\): unexpected key "entires" where "entries" belongs; the report is damaged or was edited/);
    const WithDefault = z.looseObject({ entries: z.array(Entry).default([]) });
    expect(validate(WithDefault, {}, 'r')).toEqual({ entries: [] });
    expect(() => validate(WithDefault, { entires: [] }, 'r')).toThrow(/unexpected key "entires"/);
  });
});
