import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { main } from '../../src/cli/main';
import type { CommandIO } from '../../src/cli/types';
import { packagesFromCycloneDx, readLockfile } from '../../src/lockfiles';
import { buildSbom, writeSbom } from '../../src/sbom';
import { tmpDir } from '../helpers/paths';
import { expectValidCycloneDx, layout, LOCK_FIXTURES, purls, type Cdx } from './helpers';

const EPOCH = { SOURCE_DATE_EPOCH: '1700000000' };

async function sbomOf(dir: string, opts: Parameters<typeof writeSbom>[1] = {}): Promise<{ text: string; doc: Cdx }> {
  const r = await writeSbom(dir, { output: '-', env: EPOCH, ...opts });
  const text = r.text as string;
  await expectValidCycloneDx(text);
  return { text, doc: JSON.parse(text) as Cdx };
}

function io(cwd: string, env: NodeJS.ProcessEnv = EPOCH) {
  const out: string[] = [];
  const err: string[] = [];
  const x: CommandIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd, now: () => new Date('2026-01-02T03:04:05Z') };
  return { io: x, out, err };
}

describe('an SBOM of one npm project (npm-small)', () => {
  let doc: Cdx;
  let text: string;
  beforeAll(async () => {
    ({ doc, text } = await sbomOf(path.join(LOCK_FIXTURES, 'npm-small')));
  });

  it('has the manifest as root, chaingate as tool, and the SOURCE_DATE_EPOCH timestamp', () => {
    expect(doc.specVersion).toBe('1.6');
    expect(doc.metadata.component).toMatchObject({ name: 'lock-small', version: '1.2.3', type: 'application' });
    expect(doc.metadata.tools.components.map((t) => t.name)).toEqual(['chaingate']);
    expect(doc.metadata.timestamp).toBe('2023-11-14T22:13:20.000Z');
    expect(doc.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('has every lockfile package with purl, hash, license and scope', () => {
    const lock = readLockfile(path.join(LOCK_FIXTURES, 'npm-small', 'package-lock.json'));
    expect(purls(doc)).toEqual(new Set(lock.packages.map((p) => p.purl)));
    const types = doc.components.find((c) => c.purl === 'pkg:npm/%40types/node@20.11.0');
    expect(types).toMatchObject({ group: '@types', name: 'node', version: '20.11.0', scope: 'required', licenses: [{ license: { id: 'MIT', acknowledgement: 'declared' } }] });
    expect(types?.hashes?.[0].alg).toBe('SHA-512');
    expect(doc.components.find((c) => c.name === 'mocha')?.scope).toBe('optional');
  });

  it('has the whole dependency graph, every ref resolving to a component', () => {
    const refs = new Set([doc.metadata.component['bom-ref'], ...doc.components.map((c) => c['bom-ref'])]);
    for (const d of doc.dependencies) for (const r of d.dependsOn ?? []) expect(refs).toContain(r);
    const root = doc.dependencies.find((d) => d.ref === doc.metadata.component['bom-ref']);
    expect(root?.dependsOn).toEqual(['pkg:npm/%40types/node@20.11.0', 'pkg:npm/chalk@4.1.2', 'pkg:npm/express@4.21.2', 'pkg:npm/fsevents@2.3.3', 'pkg:npm/mocha@10.4.0']);
    expect(doc.dependencies.find((d) => d.ref === 'pkg:npm/%40types/node@20.11.0')?.dependsOn).toEqual(['pkg:npm/undici-types@5.26.5']);
  });

  it('gives the same bytes twice with SOURCE_DATE_EPOCH, and a fresh serial without it', async () => {
    expect((await writeSbom(path.join(LOCK_FIXTURES, 'npm-small'), { output: '-', env: EPOCH })).text).toBe(text);
    const a = await writeSbom(path.join(LOCK_FIXTURES, 'npm-small'), { output: '-', env: {} });
    const b = await writeSbom(path.join(LOCK_FIXTURES, 'npm-small'), { output: '-', env: {} });
    expect(JSON.parse(a.text as string).serialNumber).not.toBe(JSON.parse(b.text as string).serialNumber);
  });

  it('writes CycloneDX 1.5 on request', async () => {
    const { doc: d15 } = await sbomOf(path.join(LOCK_FIXTURES, 'npm-small'), { specVersion: '1.5' });
    expect(d15.specVersion).toBe('1.5');
    expect(purls(d15)).toEqual(purls(doc));
  });

  it('leaves dev dependencies out with excludeDev, and the graph stays closed', async () => {
    const { doc: prod } = await sbomOf(path.join(LOCK_FIXTURES, 'npm-small'), { excludeDev: true });
    const lock = readLockfile(path.join(LOCK_FIXTURES, 'npm-small', 'package-lock.json'));
    expect(purls(prod)).toEqual(new Set(lock.packages.filter((p) => !p.dev).map((p) => p.purl)));
    const refs = new Set([prod.metadata.component['bom-ref'], ...prod.components.map((c) => c['bom-ref'])]);
    for (const d of prod.dependencies) for (const r of d.dependsOn ?? []) expect(refs).toContain(r);
  });

  it('reads back as the lockfile packages (an SBOM as audit input)', () => {
    const back = packagesFromCycloneDx(text, 'sbom.cdx.json');
    const lock = readLockfile(path.join(LOCK_FIXTURES, 'npm-small', 'package-lock.json'));
    expect(back.map((p) => p.purl)).toEqual(lock.packages.map((p) => p.purl));
    expect(back.find((p) => p.name === '@types/node')).toMatchObject({ direct: true, dependencies: ['pkg:npm/undici-types@5.26.5'], licenses: ['MIT'] });
  });
});

describe('yarn and pnpm lockfiles of real projects', () => {
  it('pnpm 9: one component per package snapshot, counted independently from the YAML', async () => {
    const lockText = fs.readFileSync(path.join(LOCK_FIXTURES, 'pnpm9', 'pnpm-lock.yaml'), 'utf8');
    const snapshots = Object.keys((parseYaml(lockText) as { snapshots: Record<string, unknown> }).snapshots);
    const expected = new Set(snapshots.map((k) => k.replace(/\(.*$/, '')));
    const { doc } = await sbomOf(path.join(LOCK_FIXTURES, 'pnpm9'));
    const got = new Set(doc.components.map((c) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`));
    expect(got).toEqual(expected);
  });

  it('yarn classic: one component per distinct version line, counted independently from the text', async () => {
    const lockText = fs.readFileSync(path.join(LOCK_FIXTURES, 'yarn1', 'yarn.lock'), 'utf8');
    const expected = new Set<string>();
    for (const block of lockText.split(/\n\n+/)) {
      const head = /^"?(@?[^@"\s]+)@/m.exec(block);
      const version = /^ {2}version "([^"]+)"/m.exec(block);
      if (head && version) expected.add(`${head[1]}@${version[1]}`);
    }
    const { doc } = await sbomOf(path.join(LOCK_FIXTURES, 'yarn1'));
    expect(new Set(doc.components.map((c) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`))).toEqual(expected);
    expect(expected.size).toBeGreaterThan(100);
  });

  it('yarn berry: the SBOM validates and marks mocha dev (from package.json)', async () => {
    const { doc } = await sbomOf(path.join(LOCK_FIXTURES, 'berry'));
    expect(doc.components.find((c) => c.name === 'mocha')?.scope).toBe('optional');
    expect(doc.components.find((c) => c.name === 'express')?.scope).toBe('required');
  });
});

describe('a monorepo with several lockfiles', () => {
  const root = tmpDir('chaingate-sbom-mono-');
  beforeAll(() => {
    layout(root, { '.': 'npm-small', 'web': 'pnpm9', 'svc/go': 'gomod', 'node_modules/x': 'npm-v2', 'test/fixtures/x': 'yarn1' });
    fs.writeFileSync(path.join(root, 'svc', 'requirements.txt'), 'requests==2.31.0\nflask>=2\n');
  });

  it('is one SBOM with each project a component owning its subtree, skipping node_modules and fixtures', async () => {
    const r = await writeSbom(root, { output: path.join(root, 'out', 'sbom.cdx.json'), env: EPOCH });
    expect(r.lockfiles).toEqual(['package-lock.json', 'svc/go/go.mod', 'svc/requirements.txt', 'web/pnpm-lock.yaml']);
    expect(r.warnings).toEqual(['svc/requirements.txt:2: "flask" is not pinned to one version (name==version); it is not in the SBOM']);
    const text = fs.readFileSync(r.file, 'utf8');
    await expectValidCycloneDx(text);
    const doc = JSON.parse(text) as Cdx;
    const projects = doc.components.filter((c) => c['bom-ref'].startsWith('project:')).map((c) => c['bom-ref']);
    expect(projects).toEqual(['project:package-lock.json', 'project:svc/go/go.mod', 'project:svc/requirements.txt', 'project:web/pnpm-lock.yaml']);
    const deps = (ref: string) => doc.dependencies.find((d) => d.ref === ref)?.dependsOn ?? [];
    expect(deps(doc.metadata.component['bom-ref'])).toEqual(projects);
    expect(deps('project:svc/requirements.txt')).toEqual(['pkg:pypi/requests@2.31.0']);
    expect(deps('project:svc/go/go.mod')).toContain('pkg:golang/github.com/spf13/cobra@v1.8.1');
    expect(deps('project:web/pnpm-lock.yaml')).toContain('pkg:npm/express@4.21.2');
    // npm-small and pnpm9 lock the same packages: one component each, not two.
    expect(doc.components.filter((c) => c.purl === 'pkg:npm/express@4.21.2')).toHaveLength(1);
    expect(r.components).toBe(doc.components.length);
  });

  it('searches a skipped folder when the skip list is replaced', async () => {
    const r = await writeSbom(root, { output: '-', env: EPOCH, skipDirs: ['node_modules', 'svc'] });
    expect(r.lockfiles).toEqual(['package-lock.json', 'test/fixtures/x/yarn.lock', 'web/pnpm-lock.yaml']);
  });
});

describe('chaingate sbom (CLI)', () => {
  it('writes sbom.cdx.json in the working directory', async () => {
    const cwd = tmpDir();
    const { io: x, err } = io(cwd);
    expect(await main(['sbom', path.join(LOCK_FIXTURES, 'npm-small')], x)).toBe(0);
    expect(err.join('')).toMatch(/wrote .*sbom\.cdx\.json \(14\d components from 1 lockfile\(s\)\)/);
    await expectValidCycloneDx(fs.readFileSync(path.join(cwd, 'sbom.cdx.json'), 'utf8'));
  });

  it('prints to stdout with --output -, honoring --spec-version and --exclude-dev', async () => {
    const { io: x, out } = io(LOCK_FIXTURES);
    expect(await main(['sbom', 'npm-small', '--output', '-', '--spec-version', '1.5', '--exclude-dev'], x)).toBe(0);
    const doc = JSON.parse(out.join('')) as Cdx;
    expect(doc.specVersion).toBe('1.5');
    expect(doc.components.find((c) => c.name === 'mocha')).toBeUndefined();
  });

  it('exits 2 naming the file and line of a corrupt pnpm-lock.yaml', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies: {a: [\n");
    const { io: x, err } = io(dir);
    expect(await main(['sbom', dir, '--output', '-'], x)).toBe(2);
    expect(err.join('')).toMatch(/^chaingate: error: pnpm-lock\.yaml:\d+:\d+: not valid YAML .*pnpm install --lockfile-only/);
    expect(err.join('')).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on an unknown lockfileVersion', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'package-lock.json'), '{"lockfileVersion": 7, "packages": {}}');
    const { io: x, err } = io(dir);
    expect(await main(['sbom', dir], x)).toBe(2);
    expect(err.join('')).toMatch(/package-lock\.json: unknown lockfileVersion 7/);
  });

  it('exits 2 when there is no lockfile', async () => {
    const { io: x, err } = io(tmpDir());
    expect(await main(['sbom', '--output', '-'], x)).toBe(2);
    expect(err.join('')).toMatch(/no lockfile found/);
  });

  it('rejects an unknown spec version', async () => {
    const { io: x, err } = io(LOCK_FIXTURES);
    expect(await main(['sbom', 'npm-small', '--spec-version', '1.3'], x)).toBe(2);
    expect(err.join('')).toMatch(/use 1\.6 or 1\.5/);
  });
});

describe('buildSbom of one lockfile whose packages are not merged by purl', () => {
  // Every parser merges by purl, and buildSbom then does not merge again; a list built another way
  // is still merged: one component per purl, required when any copy is.
  it('gives one component per purl, required if any copy is', () => {
    const pkg = (purl: string, dev: boolean, dependencies: string[]) => ({ ecosystem: 'npm' as const, name: purl.slice(8, purl.lastIndexOf('@')), version: '1.0.0', purl, dev, direct: false, dependencies });
    const packages = [pkg('pkg:npm/b@1.0.0', false, []), pkg('pkg:npm/a@1.0.0', true, ['pkg:npm/b@1.0.0']), pkg('pkg:npm/a@1.0.0', false, [])];
    const doc = buildSbom({ lockfiles: [{ path: 'package-lock.json', kind: 'package-lock', packages }], root: { name: 'x' } }, { specVersion: '1.6', excludeDev: false, toolVersion: '0', timestamp: new Date(0) });
    const components = doc.components as { 'bom-ref': string; scope: string }[];
    expect(components.map((c) => [c['bom-ref'], c.scope])).toEqual([
      ['pkg:npm/a@1.0.0', 'required'],
      ['pkg:npm/b@1.0.0', 'required'],
    ]);
    expect((doc.dependencies as { ref: string; dependsOn?: string[] }[]).find((d) => d.ref === 'pkg:npm/a@1.0.0')?.dependsOn).toEqual(['pkg:npm/b@1.0.0']);
  });
});

describe('buildSbom and a lockfile model shared with the rest of the run', () => {
  // A gate run hands the SBOM writer the same parsed lockfiles the audit and the license policy
  // read (src/gate/lockfile-cache.ts): writing the SBOM must leave them as they were.
  const deepFreeze = <T>(v: T): T => {
    if (v && typeof v === 'object' && !Object.isFrozen(v)) {
      Object.freeze(v);
      for (const x of Object.values(v)) deepFreeze(x);
    }
    return v;
  };
  it.each(['berry', 'pnpm9', 'npm-small'])('builds the same document from a frozen model (%s), merged or not', (dir) => {
    const file = fs.readdirSync(path.join(LOCK_FIXTURES, dir)).find((f) => /lock/.test(f)) as string;
    const opts = { specVersion: '1.6' as const, excludeDev: false, toolVersion: '0', timestamp: new Date(0) };
    const fresh = readLockfile(path.join(LOCK_FIXTURES, dir, file), file);
    const shared = deepFreeze(readLockfile(path.join(LOCK_FIXTURES, dir, file), file));
    expect(buildSbom({ lockfiles: [shared], root: { name: 'x' } }, opts)).toEqual(buildSbom({ lockfiles: [fresh], root: { name: 'x' } }, opts));
    // Two lockfiles: the packages are merged, into copies.
    const two = buildSbom({ lockfiles: [shared, { ...shared, path: `sub/${file}` }], root: { name: 'x' } }, { ...opts, excludeDev: true });
    expect((two.components as unknown[]).length).toBeGreaterThan(0);
  });
});
