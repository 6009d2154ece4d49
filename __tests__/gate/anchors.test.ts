import * as fs from 'node:fs';
import * as path from 'node:path';
import { findingAnchors } from '../../src/gate/anchors';
import { evaluated } from '../reports/build';
import { REPO, tmpDir } from '../helpers/paths';

describe('findingAnchors', () => {
  const dir = tmpDir('chaingate-anchor-');
  for (const f of ['package-lock.json', 'requirements.txt', 'Dockerfile']) fs.copyFileSync(path.join(REPO, 'examples', 'vulnerable', f), path.join(dir, f));
  fs.mkdirSync(path.join(dir, 'web'));
  fs.writeFileSync(path.join(dir, 'web', 'Dockerfile'), 'FROM a AS b\nFROM c\nUSER root\n');
  const anchor = findingAnchors(dir, ['package-lock.json', 'requirements.txt']);
  const vuln = (name: string, version: string, file?: string) =>
    evaluated({ tool: 'osv', kind: 'vulnerability', severity: 'high', id: `CVE-${name}`, title: 't', package: { ecosystem: 'npm', name, version, fixedVersions: [] }, location: file ? { path: file } : undefined });

  it('puts a vulnerable package at its entry in the lockfile it names, or in any of the project', () => {
    expect(anchor(vuln('follow-redirects', '1.15.5', 'package-lock.json'))).toEqual({ path: 'package-lock.json', startLine: 25 });
    expect(anchor(vuln('PyYAML', '5.3.1'))).toEqual({ path: 'requirements.txt', startLine: 4 });
    expect(anchor(vuln('charset_normalizer', '3.1.0'))).toEqual({ path: 'requirements.txt', startLine: 8 });
    expect(anchor(vuln('nothere', '1.0.0'))).toBeUndefined();
    expect(anchor({ ...vuln('qs', '6.5.2'), location: { path: 'package-lock.json', startLine: 3 } })).toBeUndefined();
  });

  it('puts a Dockerfile check at its instruction', () => {
    const mis = (id: string, file: string) => evaluated({ tool: 'trivy', kind: 'misconfiguration', severity: 'high', id, title: 't', location: { path: file } });
    expect(anchor(mis('DS-0002', 'Dockerfile'))).toEqual({ path: 'Dockerfile', startLine: 2 });
    expect(anchor(mis('DS-0002', 'web/Dockerfile'))).toEqual({ path: 'web/Dockerfile', startLine: 3 });
    expect(anchor(mis('DS-0026', 'web/Dockerfile'))).toEqual({ path: 'web/Dockerfile', startLine: 2 });
    expect(anchor(mis('AWS-0104', 'infra/main.tf'))).toBeUndefined();
    expect(anchor(mis('DS-0002', 'missing/Dockerfile'))).toBeUndefined();
    expect(anchor(mis('DS-0002', 'missing/deeper/Dockerfile'))).toBeUndefined();
    // A "folder" that is a file holds nothing.
    expect(anchor(mis('DS-0002', 'Dockerfile/Dockerfile'))).toBeUndefined();
    expect(anchor(vuln('follow-redirects', '1.15.5', 'missing/package-lock.json'))).toEqual({ path: 'package-lock.json', startLine: 25 });
  });

  it('reads no file outside the project', () => {
    const outside = tmpDir('chaingate-outside-');
    fs.writeFileSync(path.join(outside, 'package-lock.json'), fs.readFileSync(path.join(dir, 'package-lock.json')));
    const rel = path.relative(dir, path.join(outside, 'package-lock.json'));
    expect(findingAnchors(dir, [])(vuln('qs', '6.5.2', rel))).toBeUndefined();
    expect(findingAnchors(dir, [])(vuln('qs', '6.5.2', path.join(outside, 'package-lock.json')))).toBeUndefined();
  });
});
