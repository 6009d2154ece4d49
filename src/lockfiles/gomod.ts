// go.mod (with go.sum for modules before Go 1.17, whose go.mod lists only direct requirements). Pure.
import { LockfileError } from '../errors';
import type { Lockfile, LockPackage } from './types';
import { golangPurl, mergeByPurl } from './util';

const FIX = 'fix it with `go mod tidy`';

interface Require {
  path: string;
  version: string;
  indirect: boolean;
}

export function parseGoMod(text: string, file: string, goSum?: string): Lockfile {
  let module: string | undefined;
  let goVersion: string | undefined;
  const requires: Require[] = [];
  const replaces = new Map<string, { path: string; version?: string }>();
  const warnings: string[] = [];
  let block: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const indirect = /\/\/\s*indirect\b/.test(lines[i]);
    const line = lines[i].replace(/\/\/.*$/, '').trim();
    if (line === '') continue;
    if (block) {
      if (line === ')') {
        block = undefined;
        continue;
      }
      directive(block, line, indirect, i + 1);
      continue;
    }
    const m = /^(\w+)\s*(.*)$/.exec(line);
    if (!m) throw new LockfileError(`unexpected line (not a go.mod directive); ${FIX}`, file, i + 1);
    if (m[2] === '(') {
      block = m[1];
      continue;
    }
    directive(m[1], m[2], indirect, i + 1);
  }
  function directive(verb: string, rest: string, indirect: boolean, line: number) {
    const f = rest.split(/\s+/).map((s) => s.replace(/^"(.*)"$/, '$1'));
    if (verb === 'module') module = f[0];
    else if (verb === 'go') goVersion = f[0];
    else if (verb === 'require') {
      if (f.length < 2 || !f[1].startsWith('v')) throw new LockfileError(`require "${rest}" has no version; ${FIX}`, file, line);
      requires.push({ path: f[0], version: f[1], indirect });
    } else if (verb === 'replace') {
      const arrow = f.indexOf('=>');
      if (arrow < 1) throw new LockfileError(`replace "${rest}" has no "=>"; ${FIX}`, file, line);
      replaces.set(f[0], { path: f[arrow + 1], version: f[arrow + 2] });
    }
  }
  if (!module) throw new LockfileError(`no "module" directive: is this a go.mod? ${FIX}`, file, 1);
  const old = goVersion !== undefined && /^1\.(\d+)/.test(goVersion) && Number(/^1\.(\d+)/.exec(goVersion)?.[1]) < 17;
  if (old && goSum) {
    // Before 1.17 go.mod omits indirect requirements; go.sum's module (not /go.mod) lines have them.
    const known = new Set(requires.map((r) => r.path));
    for (const l of goSum.split(/\r?\n/)) {
      const m = /^(\S+)\s+(v\S+?)(\/go\.mod)?\s+h1:/.exec(l);
      if (m && !m[3] && !known.has(m[1])) {
        known.add(m[1]);
        requires.push({ path: m[1], version: m[2], indirect: true });
      }
    }
  } else if (old) warnings.push(`${file}: go ${goVersion} modules list only direct requirements; add go.sum to include the others`);
  const list: LockPackage[] = [];
  for (const r of requires) {
    const rep = replaces.get(r.path) ?? replaces.get(`${r.path}@${r.version}`);
    let path = r.path;
    let version = r.version;
    if (rep) {
      if (!rep.version) {
        // A local directory is our own code, not a third-party module with a version.
        warnings.push(`${file}: ${r.path} is replaced by the local directory ${rep.path}; it is not in the SBOM`);
        continue;
      }
      path = rep.path;
      version = rep.version;
    }
    list.push({ ecosystem: 'golang', name: path, version, purl: golangPurl(path, version), dev: false, direct: !r.indirect, dependencies: [] });
  }
  const packages = mergeByPurl(list);
  return {
    path: file,
    kind: 'gomod',
    root: { name: module, version: '' },
    packages,
    // go.mod has no graph: the module requires every listed module directly or not.
    rootDependencies: packages.map((p) => p.purl),
    warnings,
  };
}
