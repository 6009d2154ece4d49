// Lookup tables and strings for text that comes from reports. Pure.

/**
 * A lookup table that knows only its own keys. Report text is used to look things up
 * (a Trivy Type, an OSV ecosystem, a SARIF level): in a plain object "constructor",
 * "toString" or "__proto__" would find what Object.prototype has, and the caller would carry
 * a function or an object on as a purl type or a severity.
 */
export function lookupTable<T>(entries: Record<string, T>): Readonly<Record<string, T | undefined>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** Lone UTF-16 surrogates (legal in JSON as "\ud800") replaced by U+FFFD. */
export function wellFormed(s: string): string {
  return (s as unknown as { toWellFormed(): string }).toWellFormed();
}

/** A `\uD800`-`\uDFFF` escape: JSON text that may parse to a string with a lone surrogate. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** Rebuilds strings and keys that hold a lone surrogate; everything else is returned as it is. */
function wellFormedValue(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return wellFormed(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.every((k) => wellFormed(k) === k)) return value;
  // fromEntries defines keys as JSON.parse does: an own "__proto__" stays a plain key.
  return Object.fromEntries(keys.map((k) => [wellFormed(k), (value as Record<string, unknown>)[k]]));
}

/**
 * JSON.parse for report text: every string and key of the result is well-formed UTF-16. JSON may
 * escape a lone surrogate ("\ud800"), which makes encodeURIComponent and friends throw further
 * on; such strings get U+FFFD in its place. Report text enters chaingate through here
 * (parsers, lockfiles, advisories), so it is done once, here. The reviver (slow) runs only for
 * text that has such an escape at all.
 */
export function jsonParse(text: string): unknown {
  return SURROGATE_ESCAPE.test(text) ? JSON.parse(text, wellFormedValue) : JSON.parse(text);
}

