// The audit's lockfile path on issue 22's reproducers (read in place), offline with a local
// OSV folder: an optional package's unresolved dependency is a note, a workspace is not looked up.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAuditScanner } from '../../src/scanners/audit';
import type { ScanContext } from '../../src/scanners/types';
import { FIXTURES } from '../helpers/paths';

const REPRO = path.join(FIXTURES, 'sbom-repro');

function context(dir: string): ScanContext {
  return { dir, workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'audit-lf-')), toolPath: (t) => t, timeoutMs: 60_000, env: {}, log: () => undefined };
}

/** Advisories affecting every version of `names` (npm). */
function osvFolder(names: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osv-'));
  for (const n of names) {
    const adv = { id: `TEST-${n}`, modified: '2026-01-01T00:00:00Z', summary: `${n} is bad`, affected: [{ package: { ecosystem: 'npm', name: n }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }] };
    fs.writeFileSync(path.join(dir, `TEST-${n}.json`), JSON.stringify(adv));
  }
  return dir;
}

describe('audit of lockfiles', () => {
  it('r1: an optional package with an unresolved dependency is audited, with a note', async () => {
    const out = await createAuditScanner({ offline: true, packageManagers: false, osvDb: osvFolder(['bare-fs']) }).run(context(path.join(REPRO, 'r1-optional-missing')));
    expect(out.findings.map((f) => `${f.package?.name}@${f.package?.version} ${f.id}`)).toEqual(['bare-fs@4.1.5 TEST-bare-fs']);
    expect(out.notes).toContainEqual(expect.stringMatching(/^package-lock\.json: optional package "node_modules\/bare-fs" depends on "bare-events"/));
  });

  it('r2: a workspace is not looked up (its name may be someone else\'s on the registry); its dependencies are', async () => {
    const out = await createAuditScanner({ offline: true, packageManagers: false, osvDb: osvFolder(['a', 'is-number']) }).run(context(path.join(REPRO, 'r2-npm-workspace')));
    expect(out.findings.map((f) => `${f.package?.name}@${f.package?.version}`).sort()).toEqual(['is-number@6.0.0', 'is-number@7.0.0']);
    expect(out.notes).toContainEqual(expect.stringMatching(/^OSV matcher: 3 packages/));
  });
});
