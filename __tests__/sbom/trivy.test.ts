import * as path from 'node:path';
import { LockfileError } from '../../src/errors';
import { readLockfile } from '../../src/lockfiles';
import { buildSbom, parseTrivyCycloneDx, serializeSbom, trivyImageSbomArgv } from '../../src/sbom';
import { readFixture } from '../helpers/paths';
import { expectValidCycloneDx, LOCK_FIXTURES, type Cdx } from './helpers';

const OPTS = { specVersion: '1.6' as const, excludeDev: false, toolVersion: '0.1.0', timestamp: new Date('2024-01-01T00:00:00Z') };

describe('parseTrivyCycloneDx', () => {
  describe('of an image (fluentd)', () => {
    const img = parseTrivyCycloneDx(readFixture('trivy', 'cyclonedx-image-fluentd-short.cdx.json'), 'image.cdx.json', 'fluentd:1');

    it('takes the image ID as digest and re-keys trivy\'s random refs deterministically', () => {
      expect(img.digest).toBe('sha256:5a992077baba51b97f27591a10d54d2f2723dc9c81a3fe419e261023f2554933');
      expect(img.components.map((c) => c.ref)).toEqual([
        'operating-system:debian@10.2',
        'pkg:deb/debian/bash@5.0-4?distro=debian-10.2',
        'pkg:deb/debian/libidn2-0@2.0.5-1?distro=debian-10.2',
        'pkg:gem/activesupport@6.0.2.1',
      ]);
      // Trivy's gem bom-ref carries a file_path qualifier its purl does not: edges follow the ref.
      expect(img.dependsOn).toEqual(['operating-system:debian@10.2', 'pkg:gem/activesupport@6.0.2.1']);
      expect(img.components[0].dependsOn).toEqual(['pkg:deb/debian/bash@5.0-4?distro=debian-10.2', 'pkg:deb/debian/libidn2-0@2.0.5-1?distro=debian-10.2']);
    });

    it('becomes a schema-valid SBOM with the image as the subject', async () => {
      const doc = buildSbom({ lockfiles: [], image: img, root: { name: 'x' } }, OPTS);
      const text = serializeSbom(doc);
      await expectValidCycloneDx(text);
      const d = JSON.parse(text) as Cdx;
      expect(d.metadata.component).toMatchObject({ type: 'container', name: 'fluentd:1', version: img.digest });
      expect(d.components.find((c) => c.name === 'debian')?.type).toBe('operating-system');
    });
  });

  describe('merged with lockfile components', () => {
    // Trivy's fs output of an npm project stands in for an image holding the same packages.
    const img = parseTrivyCycloneDx(readFixture('trivy', 'cyclonedx-fs-npm.cdx.json'), 'fs.cdx.json', 'app:1');
    const lock = readLockfile(path.join(LOCK_FIXTURES, 'npm-small', 'package-lock.json'), 'package-lock.json');
    // One package in both: the lockfile's copy is kept and trivy's is not added again.
    const overlap = { ...lock, packages: [...lock.packages, { ...lock.packages[0], name: 'jquery', version: '3.3.9', purl: 'pkg:npm/jquery@3.3.9', dependencies: [] }] };

    it('deduplicates by purl and hangs both trees under the image', async () => {
      const doc = buildSbom({ lockfiles: [overlap], image: img, root: { name: 'app' } }, OPTS);
      const text = serializeSbom(doc);
      await expectValidCycloneDx(text);
      const d = JSON.parse(text) as Cdx;
      expect(d.components.filter((c) => c.purl === 'pkg:npm/jquery@3.3.9')).toHaveLength(1);
      const imageDeps = d.dependencies.find((x) => x.ref === 'image')?.dependsOn;
      expect(imageDeps).toEqual(['application:package-lock.json', 'project:package-lock.json']);
      const trivyApp = d.dependencies.find((x) => x.ref === 'application:package-lock.json')?.dependsOn;
      expect(trivyApp).toContain('pkg:npm/jquery@3.3.9');
    });
  });

  it('rejects output that is not CycloneDX, naming it', () => {
    expect(() => parseTrivyCycloneDx(readFixture('trivy', 'fs-npm-package-lock.json'), 'trivy output for app:1', 'app:1')).toThrow(LockfileError);
    expect(() => parseTrivyCycloneDx('{"bomFormat": "CycloneDX", "components": [', 'out.json', 'x')).toThrow(/^out\.json:1:43: not valid JSON \(unexpected end of the file/);
  });
});

describe('trivyImageSbomArgv', () => {
  it('asks for CycloneDX of a registry image without probing local daemons', () => {
    const argv = trivyImageSbomArgv('reg.example:5000/app:1', false, '/tmp/o.json', { cacheDir: '/c', timeoutMs: 90_000, insecureRegistry: true });
    expect(argv.slice(0, 5)).toEqual(['image', '--format', 'cyclonedx', '--output', '/tmp/o.json']);
    expect(argv).toContain('90s');
    expect(argv.slice(-4)).toEqual(['--insecure', '--image-src', 'remote', 'reg.example:5000/app:1']);
  });

  it('reads a tarball with --input', () => {
    expect(trivyImageSbomArgv('/x/img.tar', true, '/o', { cacheDir: '/c', timeoutMs: 1000 }).slice(-2)).toEqual(['--input', '/x/img.tar']);
  });
});
