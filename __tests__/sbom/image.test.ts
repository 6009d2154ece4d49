// `--image` end to end with the pinned Trivy and crane: an image tarball built here (no registry).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ToolError } from '../../src/errors';
import { runTool } from '../../src/process/run-tool';
import { writeSbom } from '../../src/sbom';
import { tmpDir, toolBin } from '../helpers/paths';
import { expectValidCycloneDx, layout, type Cdx } from './helpers';

describe('an SBOM of a project and its image', () => {
  const dir = tmpDir('chaingate-sbom-image-');
  const tar = path.join(dir, 'img.tar');
  const env = { SOURCE_DATE_EPOCH: '1700000000', CHAINGATE_TRIVY_PATH: toolBin('trivy'), XDG_CACHE_HOME: path.join(dir, 'cache'), HOME: dir, PATH: process.env.PATH };

  beforeAll(async () => {
    layout(dir, { project: 'npm-small' });
    // The image holds the app installed: express (also in the lockfile) and left-pad (only here).
    const root = path.join(dir, 'layer');
    for (const [n, v, l] of [['express', '4.21.2', 'MIT'], ['left-pad', '1.3.0', 'WTFPL']]) {
      fs.mkdirSync(path.join(root, 'app', 'node_modules', n), { recursive: true });
      fs.writeFileSync(path.join(root, 'app', 'node_modules', n, 'package.json'), JSON.stringify({ name: n, version: v, license: l }));
    }
    const t = await runTool('tar', ['-C', root, '-cf', path.join(dir, 'layer.tar'), 'app']);
    expect(t.exitCode).toBe(0);
    const c = await runTool(toolBin('crane'), ['append', '-f', path.join(dir, 'layer.tar'), '-t', 'example.invalid/app:1', '-o', tar]);
    expect(c.exitCode).toBe(0);
  }, 60_000);

  it('has the image as subject (with its ID), its packages, and the lockfile components once', async () => {
    const r = await writeSbom(path.join(dir, 'project'), { output: '-', image: tar, env });
    await expectValidCycloneDx(r.text as string);
    const doc = JSON.parse(r.text as string) as Cdx;
    expect(doc.metadata.component).toMatchObject({ type: 'container', name: tar });
    expect(doc.metadata.component.version).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(doc.components.filter((c) => c.purl === 'pkg:npm/express@4.21.2')).toHaveLength(1);
    expect(doc.components.find((c) => c.purl === 'pkg:npm/left-pad@1.3.0')?.licenses).toEqual([{ license: { id: 'WTFPL' } }]);
    const rootDeps = doc.dependencies.find((d) => d.ref === 'image')?.dependsOn ?? [];
    expect(rootDeps).toContain('project:package-lock.json');
    const refs = new Set(['image', ...doc.components.map((c) => c['bom-ref'])]);
    for (const d of doc.dependencies) for (const x of d.dependsOn ?? []) expect(refs).toContain(x);
    // Trivy's random bom-refs do not leak: the same image gives the same bytes.
    expect((await writeSbom(path.join(dir, 'project'), { output: '-', image: tar, env })).text).toBe(r.text);
  }, 120_000);

  it('fails closed when Trivy cannot read the image', async () => {
    await expect(writeSbom(path.join(dir, 'project'), { output: '-', image: path.join(dir, 'layer.tar'), env })).rejects.toThrow(ToolError);
  }, 120_000);
});
