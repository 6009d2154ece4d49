// A pinned requirements.txt (`name==version`, as `pip freeze` or `pip-compile` write it). Pure.
// Lines that pin nothing are reported as warnings: the SBOM must not pretend to be complete.
import type { Integrity, Lockfile, LockPackage } from './types';
import { fromPrefixedHex, mergeByPurl, pypiName, pypiPurl } from './util';

const CONTINUED = /\\\s*$/;
const PINNED = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s;#,]+)\s*(?:;.*)?$/;

/** `--index-url` of `--index-url=...`; `flask` of `flask>=2`, `flask[async] ; python_version...`. */
const OPTION = /^(-{1,2}[A-Za-z][A-Za-z-]*)(?=[\s=]|$)/;
const NAMED = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;]|$)/;

export function parseRequirements(text: string, file: string): Lockfile {
  const list: LockPackage[] = [];
  const warnings: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    // A trailing backslash continues the requirement (pip-compile puts --hash options there).
    let logical = lines[i];
    // Joined once at the end, not line by line: pip-compile writes one line per --hash, and testing
    // the growing text again for each cost a requirements file of 2,000 hashes 40% of its parse.
    if (CONTINUED.test(logical)) {
      const parts = [logical];
      for (;;) {
        let last = parts[parts.length - 1];
        // The last line decides whether the text so far ends in a backslash, unless it is blank.
        if (!/\S/.test(last)) {
          last = parts.join('');
          parts.length = 0;
          parts.push(last);
        }
        if (!CONTINUED.test(last) || i + 1 >= lines.length) break;
        parts[parts.length - 1] = last.replace(CONTINUED, ' ');
        parts.push(lines[++i]);
      }
      logical = parts.join('');
    }
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
    // Warnings name an option or a requirement, never the rest of the line: it may be a URL with
    // credentials (`--index-url https://user:token@...`, `git+https://token@...`).
    if (reqPart.startsWith('-')) {
      const option = OPTION.exec(reqPart)?.[1];
      warnings.push(`${file}:${start}: ${option ? `option "${option}"` : 'an option'} is not followed (only pinned name==version lines are read)`);
      continue;
    }
    const m = PINNED.exec(reqPart);
    if (!m) {
      const name = NAMED.exec(reqPart)?.[1];
      warnings.push(`${file}:${start}: ${name ? `"${name}"` : 'the requirement (a URL or path?)'} is not pinned to one version (name==version); it is not in the SBOM`);
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
