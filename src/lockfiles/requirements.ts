// A pinned requirements.txt (`name==version`, as `pip freeze` or `pip-compile` write it). Pure.
// Lines that pin nothing are reported as warnings: the SBOM must not pretend to be complete.
import type { Integrity, Lockfile, LockPackage } from './types';
import { fromPrefixedHex, mergeByPurl, pypiName, pypiPurl } from './util';

const PINNED = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s;#,]+)\s*(?:;.*)?$/;

export function parseRequirements(text: string, file: string): Lockfile {
  const list: LockPackage[] = [];
  const warnings: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    // A trailing backslash continues the requirement (pip-compile puts --hash options there).
    let logical = lines[i];
    while (/\\\s*$/.test(logical) && i + 1 < lines.length) logical = logical.replace(/\\\s*$/, ' ') + lines[++i];
    const noComment = logical.replace(/(^|\s)#.*$/, '').trim();
    if (noComment === '') continue;
    const hashes: Integrity[] = [];
    const reqPart = noComment
      .replace(/--hash[=\s]+(\S+)/g, (_m, h: string) => {
        const d = fromPrefixedHex(h);
        if (d) hashes.push(d);
        return '';
      })
      .trim();
    if (reqPart.startsWith('-')) {
      warnings.push(`${file}:${start}: option "${reqPart.split(/\s+/)[0]}" is not followed (only pinned name==version lines are read)`);
      continue;
    }
    const m = PINNED.exec(reqPart);
    if (!m) {
      warnings.push(`${file}:${start}: "${reqPart}" is not pinned to one version (name==version); it is not in the SBOM`);
      continue;
    }
    const pkg: LockPackage = {
      ecosystem: 'pypi',
      name: pypiName(m[1]),
      version: m[2],
      purl: pypiPurl(m[1], m[2]),
      dev: false,
      direct: true,
      dependencies: [],
    };
    if (hashes.length) pkg.integrity = hashes;
    list.push(pkg);
  }
  const packages = mergeByPurl(list);
  return { path: file, kind: 'requirements', packages, rootDependencies: packages.map((p) => p.purl), warnings };
}
