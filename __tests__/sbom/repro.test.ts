// The minimal reproducers of issue 22 (../shared/fixtures/sbom-repro, read in place): each one
// failed or was wrong before; here is what the package manager's data says it should be.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LockfileError } from '../../src/errors';
import { golangPurl, parseLockfile, parsePackageLock, parsePnpmLock, pypiName, pypiPurl, readLockfile } from '../../src/lockfiles';
import { writeSbom } from '../../src/sbom';
import { sbomGraph } from '../helpers/package-managers';
import { expectValidCycloneDx, type Cdx } from './helpers';
import { FIXTURES } from '../helpers/paths';

const REPRO = path.join(FIXTURES, 'sbom-repro');
const EPOCH = { SOURCE_DATE_EPOCH: '1700000000' };

type Component = Cdx['components'][number] & { properties?: { name: string; value: string }[] };

async function sbom(dir: string, opts: Parameters<typeof writeSbom>[1] = {}) {
  const r = await writeSbom(path.join(REPRO, dir), { output: '-', env: EPOCH, ...opts });
  await expectValidCycloneDx(r.text as string);
  const doc = JSON.parse(r.text as string) as Cdx;
  const byPurl = new Map(doc.components.map((c) => [c.purl, c as Component]));
  return { r, doc, byPurl, graph: sbomGraph(doc) };
}

const props = (c: Component | undefined) => (c?.properties ?? []).map((p) => `${p.name}=${p.value}`);

describe('r1: an optional package whose dependency npm left unresolved', () => {
  it('is in the SBOM, optional, with a note and a property naming the missing dependency', async () => {
    const { r, byPurl, graph } = await sbom('r1-optional-missing');
    const bareFs = byPurl.get('pkg:npm/bare-fs@4.1.5');
    expect(bareFs?.scope).toBe('optional');
    expect(props(bareFs)).toContain('chaingate:unresolved-dependency=bare-events');
    expect(graph.edges).toEqual(new Set(['root -> pkg:npm/bare-fs@4.1.5']));
    expect(r.warnings).toEqual([expect.stringMatching(/optional package "node_modules\/bare-fs" depends on "bare-events"/)]);
  });

  it('of a required package stays an error naming the file', () => {
    const text = fs.readFileSync(path.join(REPRO, 'r1-optional-missing', 'package-lock.json'), 'utf8').replace('"optional": true,', '');
    expect(() => parsePackageLock(text, 'package-lock.json')).toThrow(LockfileError);
    expect(() => parsePackageLock(text, 'package-lock.json')).toThrow(/"node_modules\/bare-fs" depends on "bare-events"/);
  });
});

describe('r2: an npm workspace', () => {
  it('is in the graph: root -> a -> its dependencies and devDependencies (as cyclonedx-npm)', async () => {
    const { byPurl, graph } = await sbom('r2-npm-workspace');
    expect(graph.edges).toEqual(
      new Set([
        'root -> pkg:npm/a@1.0.0',
        'pkg:npm/a@1.0.0 -> pkg:npm/is-number@7.0.0',
        'pkg:npm/a@1.0.0 -> pkg:npm/is-odd@3.0.1',
        'pkg:npm/is-odd@3.0.1 -> pkg:npm/is-number@6.0.0',
      ]),
    );
    expect(props(byPurl.get('pkg:npm/a@1.0.0'))).toEqual(['chaingate:workspace=packages/a']);
    expect(byPurl.get('pkg:npm/is-odd@3.0.1')?.scope).toBe('optional');
  });

  it('is not a package to look advisories up for', () => {
    const lock = readLockfile(path.join(REPRO, 'r2-npm-workspace', 'package-lock.json'));
    expect(lock.packages.filter((p) => p.workspace).map((p) => p.purl)).toEqual(['pkg:npm/a@1.0.0']);
  });
});

describe('Python components', () => {
  it('r4: every --hash digest of a requirement line', async () => {
    const { byPurl } = await sbom('r4-pip-hashes');
    expect(byPurl.get('pkg:pypi/alembic@1.18.5')?.hashes).toEqual([
      { alg: 'SHA-256', content: '06d8ba9d04558022f5395e9317de03d270f3dced49cee01f89fe7a13c26f14bc' },
      { alg: 'SHA-256', content: '1554982221dd17e9a749b53902407578eb305e453f71999e8c7f0a48389fff8e' },
    ]);
  });

  it('r6: a poetry dev package has no npm-named property, and every file hash', async () => {
    const { byPurl } = await sbom('r6-poetry-dev-property');
    const c = byPurl.get('pkg:pypi/iniconfig@2.0.0');
    expect(props(c)).toEqual(['chaingate:development=true']);
    expect(c?.scope).toBe('optional');
    expect(c?.hashes?.map((h) => h.content)).toEqual([
      '2d91e135bf72d31a410b17c16da610a82cb55f6b0477d1a902134b24a455b8b3',
      'b6a85871a79d2e3b22d2d1b94ac2824226a63c6b741c88f7ae975f18b6778374',
    ]);
  });
});

describe('r7: Go purls', () => {
  it('are lower-cased as the purl spec says for golang; the module path keeps its case', async () => {
    const { doc } = await sbom('r7-go-purl-case');
    expect(doc.components.map((c) => c.purl)).toEqual(['pkg:golang/github.com/alecaivazis/survey/v2@v2.3.7']);
    expect(readLockfile(path.join(REPRO, 'r7-go-purl-case', 'go.mod')).packages[0].name).toBe('github.com/AlecAivazis/survey/v2');
  });
});

describe('r5: pnpm 11 writes two YAML documents', () => {
  it('reads the lockfile document, not the env document (pnpm itself as a package manager)', async () => {
    const { doc, graph } = await sbom('r5-pnpm11-two-documents');
    expect(doc.components.map((c) => c.purl)).toEqual(['pkg:npm/is-number@7.0.0']);
    expect(graph.edges).toEqual(new Set(['root -> pkg:npm/is-number@7.0.0']));
  });

  it('still refuses a file of two lockfile documents', () => {
    const text = fs.readFileSync(path.join(REPRO, 'r5-pnpm11-two-documents', 'pnpm-lock.yaml'), 'utf8');
    const second = text.slice(text.indexOf('---', 3));
    expect(() => parsePnpmLock(`${second}\n${second}`, 'pnpm-lock.yaml')).toThrow(/expected one lockfile document .* found 2/);
  });
});

describe('r3: a yarn berry workspace', () => {
  it('is in the graph, and its devDependencies (from its package.json) are dev-only', async () => {
    const { byPurl, graph } = await sbom('r3-berry-workspace');
    expect(graph.edges).toEqual(new Set(['root -> pkg:npm/a@1.0.0', 'pkg:npm/a@1.0.0 -> pkg:npm/is-number@7.0.0']));
    expect(byPurl.get('pkg:npm/is-number@7.0.0')?.scope).toBe('optional');
    expect(props(byPurl.get('pkg:npm/a@1.0.0'))).toEqual(['chaingate:workspace=packages/a']);
  });

  it('drops them with --exclude-dev, keeping the workspace', async () => {
    const { doc } = await sbom('r3-berry-workspace', { excludeDev: true });
    expect(doc.components.map((c) => c.purl)).toEqual(['pkg:npm/a@1.0.0']);
  });

  it('without the workspace package.json, its dependencies count as production (over-report, never drop)', () => {
    const text = fs.readFileSync(path.join(REPRO, 'r3-berry-workspace', 'yarn.lock'), 'utf8');
    const lock = parseLockfile({ path: 'yarn.lock', text });
    expect(lock.packages.map((p) => [p.purl, p.dev])).toEqual([
      ['pkg:npm/a', false],
      ['pkg:npm/is-number@7.0.0', false],
    ]);
  });
});

describe('purls written without packageurl-js', () => {
  const PUBLIC = path.resolve(REPRO, '..', 'lockfiles-public');
  it('equal the library for every PyPI and Go package of the public lockfiles (and odd ones)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PackageURL } = require('packageurl-js') as typeof import('packageurl-js');
    const cases: [string, string, string][] = [
      ['pypi', 'Zope.Interface', '5.0+local'],
      ['pypi', 'x', '1!2.0'],
      ['golang', 'github.com/AlecAivazis/survey/v2', 'v2.3.7'],
      ['golang', 'example.com/a b', 'v0.0.0-2020+incompatible'],
    ];
    for (const d of fs.readdirSync(PUBLIC)) {
      for (const f of ['poetry.lock', 'requirements.txt', 'go.mod']) {
        const file = path.join(PUBLIC, d, f);
        // The lockfile alone (poetry-2020's pyproject.toml is issue 21's).
        if (fs.existsSync(file)) for (const p of parseLockfile({ path: f, text: fs.readFileSync(file, 'utf8') }).packages) cases.push([p.ecosystem === 'golang' ? 'golang' : 'pypi', p.name, p.version]);
      }
    }
    expect(cases.length).toBeGreaterThan(500);
    for (const [type, name, version] of cases) {
      const n = type === 'pypi' ? pypiName(name) : name.toLowerCase();
      const slash = type === 'golang' ? n.lastIndexOf('/') : -1;
      const strict = new PackageURL(type, slash > 0 ? n.slice(0, slash) : undefined, slash > 0 ? n.slice(slash + 1) : n, version, undefined, undefined).toString();
      expect(type === 'pypi' ? pypiPurl(name, version) : golangPurl(name, version)).toBe(strict);
    }
  });
});
