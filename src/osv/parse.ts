// Reading OSV JSON text into advisories. Pure.
import { FormatError, parseJson, validate } from '../parsers/util';
import { OsvAdvisorySchema, type OsvAdvisory } from './schema';
import { z } from 'zod';

const OneOrMany = z.union([OsvAdvisorySchema, z.array(OsvAdvisorySchema)]);

/**
 * One OSV file: a single advisory (the usual layout of exports and advisory repositories) or an
 * array of them. Throws FormatError naming `what` when it is not OSV.
 */
export function parseAdvisories(text: string, what: string): OsvAdvisory[] {
  const data = parseJson(text, what);
  const parsed = validate(OneOrMany, data, `${what} (OSV advisory)`);
  return Array.isArray(parsed) ? parsed : [parsed];
}

export { FormatError };
