import * as fs from 'node:fs';
import * as path from 'node:path';
import { PackageURL } from 'packageurl-js';
import { FIXTURES, GOLDENS } from '../helpers/paths';
import { buildPurl, canonicalPurlType, purlNamespaceForOsvEcosystem, purlType, purlTypeForOsvEcosystem, purlWithoutQualifiers } from '../../src/parsers/purl';

describe('purl helpers', () => {
  it('maps OSV ecosystems, with or without a release suffix', () => {
    expect(purlTypeForOsvEcosystem('PyPI')).toBe('pypi');
    expect(purlTypeForOsvEcosystem('Go')).toBe('golang');
    expect(purlTypeForOsvEcosystem('crates.io')).toBe('cargo');
    expect(purlTypeForOsvEcosystem('Debian:12')).toBe('deb');
    expect(purlNamespaceForOsvEcosystem('Debian:12')).toBe('debian');
    expect(purlNamespaceForOsvEcosystem('npm')).toBeUndefined();
    expect(purlTypeForOsvEcosystem('Nonesuch')).toBeUndefined();
  });

  it('splits names that carry their namespace', () => {
    expect(buildPurl('npm', '@babel/core', '7.0.0')).toBe('pkg:npm/%40babel/core@7.0.0');
    expect(buildPurl('maven', 'org.apache.tomcat:tomcat-catalina', '9.0.1')).toBe('pkg:maven/org.apache.tomcat/tomcat-catalina@9.0.1');
    expect(buildPurl('golang', 'github.com/x/y/v2', 'v2.0.0')).toBe('pkg:golang/github.com/x/y/v2@v2.0.0');
    expect(buildPurl('composer', 'vendor/pkg', '1.0', 'extra')).toBe('pkg:composer/extra/vendor/pkg@1.0');
    expect(buildPurl('pypi', 'Django_Foo')).toBe('pkg:pypi/django-foo');
  });

  it('builds npm purls as packageurl-js does, on the fast path or not, for every package of a real lockfile', () => {
    const raw = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'lockfiles', 'fixtures', 'npm-large', 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; name?: string }>;
    };
    const cases: [string, string | undefined][] = [
      ['JSONStream', '1.3.5'],
      ['@Scope/Pkg', '1.0.0'],
      ['@scope/pkg', undefined],
      ['lodash', undefined],
      ['a', '0.0.0-x y'],
      ['a', '1.0.0+build'],
      ['.hidden', '1.0.0'],
      ['-dash', '1.0.0'],
    ];
    for (const [k, v] of Object.entries(raw.packages)) if (k && v.version) cases.push([v.name ?? k.slice(k.lastIndexOf('node_modules/') + 13), v.version]);
    expect(cases.length).toBeGreaterThan(1800);
    for (const [n, v] of cases) {
      const slash = n.startsWith('@') ? n.indexOf('/') : -1;
      const expected = new PackageURL('npm', slash > 0 ? n.slice(0, slash) : undefined, slash > 0 ? n.slice(slash + 1) : n, v, undefined, undefined).toString();
      expect(buildPurl('npm', n, v)).toBe(expected);
    }
  });

  it('returns undefined instead of an invalid purl', () => {
    expect(buildPurl('maven', 'no-group', '1.0')).toBeUndefined();
    expect(buildPurl('golang', 'github.com/x/y', 'vNOT-SEMVER')).toBeUndefined();
  });

  it('writes every purl of the fixtures and goldens as packageurl-js does, fast path or not', () => {
    const purls = new Set<string>([
      // Around the fast path's edges: scopes, upper case, underscores, escapes, epochs, Go's v.
      'pkg:npm/%40babel/core@7.0.0',
      'pkg:npm/Lodash@4.17.21',
      'pkg:pypi/Django_Rest@1.0',
      'pkg:pypi/zope.interface@5.4.0',
      'pkg:deb/debian/libc6@2.28-10+deb10u1',
      'pkg:rpm/redhat/openssl@1:1.1.1k-7.el8',
      'pkg:golang/github.com/a/b@v1.2.3',
      'pkg:maven/org.a/b@1.0',
      'pkg:pub/flutter-x@1.0.0',
      'pkg:npm/a@1.0.0-RC.1',
    ]);
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (fs.statSync(p).size < 20_000_000) for (const m of fs.readFileSync(p, 'utf8').matchAll(/pkg:[A-Za-z0-9.+-]+\/[^"'\s,<>\\]+/g)) purls.add(m[0]);
      }
    };
    walk(FIXTURES);
    walk(path.dirname(GOLDENS));
    // And the purl of every package of a real 1,800-package npm lockfile, as the library writes it.
    const lock = JSON.parse(fs.readFileSync(path.join(path.dirname(GOLDENS), 'lockfiles', 'fixtures', 'npm-large', 'package-lock.json'), 'utf8'));
    for (const [key, entry] of Object.entries<{ version?: string }>(lock.packages)) {
      const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
      if (!key || !entry.version) continue;
      const [ns, n] = name.startsWith('@') ? name.split('/') : [undefined, name];
      purls.add(new PackageURL('npm', ns, n, entry.version).toString());
    }
    expect(purls.size).toBeGreaterThan(1000);
    let fast = 0;
    let canonicalMisses = 0;
    for (const p of purls) {
      let expected: string | undefined;
      try {
        const u = PackageURL.fromString(p);
        expected = new PackageURL(u.type, u.namespace, u.name, u.version).toString();
      } catch {
        expected = undefined;
      }
      if (expected === p) fast++;
      expect([p, purlWithoutQualifiers(p)]).toEqual([p, expected]);
      // The shortcut the Trivy parser takes: a type only for purls that come back unchanged.
      const canonical = canonicalPurlType(p);
      if (canonical !== undefined) expect([p, canonical, expected]).toEqual([p, purlType(p), p]);
      else canonicalMisses++;
    }
    expect(canonicalMisses).toBeGreaterThan(0);
    expect(fast).toBeGreaterThan(500);
  });

  it('drops qualifiers and subpath, and recognizes purls', () => {
    expect(purlWithoutQualifiers('pkg:deb/debian/libc6@2.28-10?arch=amd64&distro=debian-10#sub')).toBe('pkg:deb/debian/libc6@2.28-10');
    expect(purlWithoutQualifiers('not a purl')).toBeUndefined();
    expect(purlType('pkg:deb/debian/libc6@1')).toBe('deb');
    expect(purlType('libc6')).toBeUndefined();
  });
});
