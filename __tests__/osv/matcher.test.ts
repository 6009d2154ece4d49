// Hand-written spot checks, each read off the advisory text, plus the index behaviour.
import { buildIndex, findingsForMatchedIds, matchPackages } from '../../src/osv/matcher';
import type { OsvPackage } from '../../src/osv/types';
import { allAdvisories, advisoryById } from './advisories';
import { expectGolden } from '../helpers/golden';

const INDEX = buildIndex(allAdvisories());

function ids(ecosystem: string, name: string, version: string): string[] {
  return matchPackages([{ ecosystem, name, version, path: 'package-lock.json' }], INDEX)
    .map((f) => f.id)
    .sort();
}

describe('the OSV matcher on the real advisories', () => {
  it('indexes every advisory but the withdrawn one', () => {
    expect(INDEX.count).toBe(allAdvisories().length - 1);
    expect(INDEX.withdrawn).toBe(1);
    expect(INDEX.byId.has('GHSA-27h2-hvpr-p74q')).toBe(false);
  });

  describe('lodash', () => {
    it('4.17.20 is affected by the template injection (fixed 4.17.21) but no longer by zipObjectDeep (fixed 4.17.20)', () => {
      expect(ids('npm', 'lodash', '4.17.20')).toEqual(['GHSA-35jh-r3h4-6jhm']);
    });
    it('4.17.21 is affected by none', () => expect(ids('npm', 'lodash', '4.17.21')).toEqual([]));
    it('4.17.11 is affected by all three', () =>
      expect(ids('npm', 'lodash', '4.17.11')).toEqual(['GHSA-35jh-r3h4-6jhm', 'GHSA-jf85-cpcp-j695', 'GHSA-p6mc-m468-83gw']));
    it('lodash.defaultsdeep has its own fixed version (4.6.1)', () => {
      expect(ids('npm', 'lodash.defaultsdeep', '4.6.0')).toEqual(['GHSA-jf85-cpcp-j695']);
      expect(ids('npm', 'lodash.defaultsdeep', '4.6.1')).toEqual([]);
    });
  });

  describe('express (a prerelease range besides 0 → 4.19.2)', () => {
    it.each([
      ['4.19.1', true],
      ['4.19.2', false],
      ['5.0.0-alpha.1', true],
      ['5.0.0-beta.1', true],
      ['5.0.0-beta.3', false],
      ['5.0.0', false],
    ])('express@%s affected: %s', (v, hit) => expect(ids('npm', 'express', v)).toEqual(hit ? ['GHSA-rv95-896h-c2vc'] : []));
  });

  it('request: last_affected 2.88.2 includes it, and nothing is fixed', () => {
    const [f] = matchPackages([{ ecosystem: 'npm', name: 'request', version: '2.88.2', path: 'package-lock.json' }], INDEX);
    expect(f.id).toBe('GHSA-p8p7-x288-28g6');
    expect(f.package?.fixedVersions).toEqual([]);
    expect(ids('npm', '@cypress/request', '2.88.11')).toEqual(['GHSA-p8p7-x288-28g6']);
    expect(ids('npm', '@cypress/request', '2.88.12')).toEqual([]);
  });

  it('qs: one advisory listing the package nine times gives one finding, with the fix of the matching backport', () => {
    const found = matchPackages([{ ecosystem: 'npm', name: 'qs', version: '6.5.2', path: 'package-lock.json' }], INDEX);
    expect(found.map((f) => [f.id, f.package?.fixedVersions])).toEqual([['GHSA-hrpp-h998-j3pp', ['6.5.3']]]);
    expect(ids('npm', 'qs', '6.5.3')).toEqual([]);
    expect(ids('npm', 'qs', '6.11.0')).toEqual([]);
  });

  it('ws: the first range starts at 2.1.0, not at 0', () => {
    expect(ids('npm', 'ws', '2.0.0')).toEqual([]);
    expect(ids('npm', 'ws', '2.1.0')).toEqual(['GHSA-3h5v-q93c-6h6q']);
  });

  it('jsonwebtoken: the withdrawn advisory never reports', () => expect(ids('npm', 'jsonwebtoken', '8.5.1')).toEqual([]));

  it('malicious packages: chalk only at the listed 5.6.1, flatmap-stream at every version, both critical', () => {
    expect(ids('npm', 'chalk', '5.6.0')).toEqual([]);
    expect(ids('npm', 'chalk', '5.6.2')).toEqual([]);
    const [chalk] = matchPackages([{ ecosystem: 'npm', name: 'chalk', version: '5.6.1', path: 'package-lock.json' }], INDEX);
    expect(chalk).toMatchObject({ id: 'MAL-2025-46969', aliases: ['GHSA-2v46-p5h4-248w'], severity: 'critical', cwes: ['CWE-506'] });
    const [fs] = matchPackages([{ ecosystem: 'npm', name: 'flatmap-stream', version: '0.1.1', path: 'package-lock.json' }], INDEX);
    expect(fs).toMatchObject({ id: 'MAL-2025-20690', severity: 'critical' });
  });

  describe('PyPI', () => {
    it('names are compared per PEP 503, case-insensitively', () => {
      for (const n of ['PyYAML', 'pyyaml', 'PYYAML', 'PyYaml']) expect(ids('pypi', n, '5.3.1')).toEqual(['GHSA-8q59-q68h-6hv4']);
    });
    it('a pre-release of the fixed version is still affected; the fix in another spelling is not', () => {
      expect(ids('pypi', 'pyyaml', '5.4b2')).toEqual(['GHSA-8q59-q68h-6hv4']);
      expect(ids('pypi', 'pyyaml', '5.4')).toEqual([]);
      expect(ids('pypi', 'pyyaml', '5.4.0')).toEqual([]);
      expect(ids('pypi', 'pyyaml', '5.4.1')).toEqual([]);
    });
    it('django: two ranges with two-part lower bounds', () => {
      expect(ids('pypi', 'Django', '3.1.14')).toEqual([]);
      expect(ids('pypi', 'Django', '3.2')).toEqual(['GHSA-p64x-8rxx-wf6q']);
      expect(ids('pypi', 'Django', '3.2.13')).toEqual(['GHSA-p64x-8rxx-wf6q']);
      expect(ids('pypi', 'Django', '3.2.14')).toEqual([]);
      expect(ids('pypi', 'Django', '4.0.5')).toEqual(['GHSA-p64x-8rxx-wf6q']);
      expect(ids('pypi', 'Django', '4.0.6')).toEqual([]);
    });
    it('jinja2, urllib3 and requests', () => {
      expect(ids('pypi', 'jinja2', '3.1.3')).toEqual(['GHSA-h75v-3vvj-5mfj']);
      expect(ids('pypi', 'urllib3', '1.26.16')).toEqual(['GHSA-v845-jxx5-vc9f']);
      expect(ids('pypi', 'urllib3', '1.26.17')).toEqual([]);
      expect(ids('pypi', 'urllib3', '2.0.5')).toEqual(['GHSA-v845-jxx5-vc9f']);
      expect(ids('pypi', 'requests', '2.2.1')).toEqual([]);
      expect(ids('pypi', 'requests', '2.30.0')).toEqual(['GHSA-j8r2-6x86-q33q']);
    });
  });

  describe('Go (versions with a leading v)', () => {
    it('golang.org/x/text before 0.3.8', () => {
      expect(ids('golang', 'golang.org/x/text', 'v0.3.7')).toEqual(['GO-2022-1059']);
      expect(ids('golang', 'golang.org/x/text', 'v0.3.8')).toEqual([]);
    });
    it('stdlib: two introduced/fixed pairs in one range, the second opening at the 1.21 prereleases', () => {
      expect(ids('golang', 'stdlib', 'v1.20.9')).toEqual(['GO-2023-2102']);
      expect(ids('golang', 'stdlib', 'v1.20.10')).toEqual([]);
      expect(ids('golang', 'stdlib', 'v1.21.0-rc.2')).toEqual(['GO-2023-2102']);
      expect(ids('golang', 'stdlib', 'v1.21.2')).toEqual(['GO-2023-2102']);
      expect(ids('golang', 'stdlib', 'v1.21.3')).toEqual([]);
      const [f] = matchPackages([{ ecosystem: 'golang', name: 'stdlib', version: 'v1.20.5', path: 'go.mod' }], INDEX);
      expect(f.package?.fixedVersions).toEqual(['1.20.10', '1.21.3']);
      expect(f.aliases).toEqual(['CVE-2023-39325', 'CVE-2023-44487', 'GHSA-4374-p667-p6c8']);
    });
    it('package names are case-sensitive outside PyPI', () => expect(ids('golang', 'golang.org/x/Text', 'v0.3.7')).toEqual([]));
  });

  it('builds the finding from the advisory', () => {
    const pkg: OsvPackage = { ecosystem: 'npm', name: 'body-parser', version: '1.20.2', purl: 'pkg:npm/body-parser@1.20.2', path: 'app/package-lock.json' };
    const [f] = matchPackages([pkg], INDEX);
    expect(f).toMatchObject({
      tools: ['osv'],
      kind: 'vulnerability',
      id: 'GHSA-qwcr-r2fm-qrc7',
      aliases: ['CVE-2024-45590'],
      severity: 'high',
      cvssScore: 7.5,
      title: 'body-parser vulnerable to denial of service when url encoding is enabled',
      package: { purl: 'pkg:npm/body-parser@1.20.2', ecosystem: 'npm', name: 'body-parser', version: '1.20.2', fixedVersions: ['1.20.3'] },
      location: { path: 'app/package-lock.json' },
      cwes: ['CWE-405'],
      url: 'https://github.com/expressjs/body-parser/security/advisories/GHSA-qwcr-r2fm-qrc7',
    });
    expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reports the same package in two lockfiles twice, and a duplicate in one lockfile once', () => {
    const p = { ecosystem: 'npm', name: 'minimist', version: '1.2.5' };
    const found = matchPackages([{ ...p, path: 'a/package-lock.json' }, { ...p, path: 'b/package-lock.json' }, { ...p, path: 'a/package-lock.json' }], INDEX);
    expect(found.map((f) => f.location?.path).sort()).toEqual(['a/package-lock.json', 'b/package-lock.json']);
  });

  it('findingsForMatchedIds trusts ids an online source matched and skips withdrawn ones', () => {
    const advisories = new Map([
      ['GHSA-35jh-r3h4-6jhm', advisoryById('GHSA-35jh-r3h4-6jhm')],
      ['GHSA-27h2-hvpr-p74q', advisoryById('GHSA-27h2-hvpr-p74q')],
    ]);
    const found = findingsForMatchedIds({ ecosystem: 'npm', name: 'lodash', version: '4.17.20', path: 'x' }, ['GHSA-35jh-r3h4-6jhm', 'GHSA-27h2-hvpr-p74q', 'GHSA-unknown'], advisories);
    expect(found.map((f) => [f.id, f.package?.fixedVersions])).toEqual([['GHSA-35jh-r3h4-6jhm', ['4.17.21']]]);
  });

  it('looks each package up once in the index: 20 000 packages (bench/ measures the speed)', () => {
    const pkgs: OsvPackage[] = [];
    for (let i = 0; i < 20000; i++) pkgs.push({ ecosystem: 'npm', name: i % 100 === 0 ? 'lodash' : `pkg-${i}`, version: `1.0.${i}`, path: 'package-lock.json' });
    const found = matchPackages(pkgs, INDEX);
    expect(found.length).toBe(600);
  });

  it('gives the findings in the golden for one vulnerable version of every fixture package', () => {
    const pkgs: OsvPackage[] = [
      ['npm', 'lodash', '4.17.11'], ['npm', 'lodash-es', '4.17.13'], ['npm', 'lodash-amd', '4.17.12'], ['npm', 'lodash.defaultsdeep', '4.6.0'],
      ['npm', 'minimist', '0.2.3'], ['npm', 'semver', '7.5.1'], ['npm', 'express', '5.0.0-beta.1'], ['npm', 'path-to-regexp', '0.1.7'],
      ['npm', 'body-parser', '1.20.2'], ['npm', 'cookie', '0.6.0'], ['npm', 'send', '0.18.0'], ['npm', 'qs', '6.9.6'], ['npm', 'ws', '8.17.0'],
      ['npm', 'follow-redirects', '1.15.5'], ['npm', 'jsonwebtoken', '8.5.1'], ['npm', 'request', '2.88.2'], ['npm', '@cypress/request', '2.88.10'],
      ['npm', 'axios', '0.27.2'], ['npm', 'tar', '6.1.0'], ['npm', 'minimatch', '3.0.4'], ['npm', 'chalk', '5.6.1'], ['npm', 'flatmap-stream', '0.1.1'],
      ['pypi', 'Jinja2', '3.1.3'], ['pypi', 'requests', '2.30.0'], ['pypi', 'urllib3', '2.0.5'], ['pypi', 'PyYAML', '5.3.1'], ['pypi', 'Django', '3.2.13'],
      ['golang', 'golang.org/x/text', 'v0.3.7'], ['golang', 'stdlib', 'v1.21.2'], ['golang', 'golang.org/x/net', 'v0.16.0'],
    ].map(([ecosystem, name, version]) => ({ ecosystem, name, version, purl: `pkg:${ecosystem}/${name}@${version}`, path: 'lockfile' }));
    const found = matchPackages(pkgs, INDEX);
    // Every package but the withdrawn advisory's is found.
    expect(new Set(found.map((f) => f.package?.name)).size).toBe(pkgs.length - 1);
    expectGolden('osv/fixture-findings.json', found.map(({ description: _d, ...f }) => f));
  });
});
