// package.json as a Manifest. Pure.
import { LockfileError } from '../errors';
import type { Manifest } from './types';
import { isRecord, parseJsonLockfile, str } from './util';

function deps(v: unknown): Record<string, string> {
  if (!isRecord(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, r]) => [k, String(r)]));
}

export function parsePackageJson(text: string, file: string): Manifest {
  const data = parseJsonLockfile(text, file, 'fix the JSON syntax of package.json');
  if (!isRecord(data)) throw new LockfileError('expected a JSON object', file);
  return {
    name: str(data.name),
    version: str(data.version),
    dependencies: deps(data.dependencies),
    devDependencies: deps(data.devDependencies),
    optionalDependencies: deps(data.optionalDependencies),
    ...(isRecord(data.resolutions) ? { resolutions: deps(data.resolutions) } : {}),
  };
}
