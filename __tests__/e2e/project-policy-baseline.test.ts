// A pull request that lowers a project's own threshold (projects: [{path, policy}]) is a change to
// the gate like an edit of .chaingate.yml: listed with the policy's changes, and under
// --trusted-policy baseline the base branch's project policy decides.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../helpers/cli';
import { commitAll, repoWith, write } from '../helpers/git-repo';
import { fixture, tmpDir } from '../helpers/paths';
import { PNPM_LOCK } from '../helpers/vulnerable-lockfiles';

const OSV = fixture('osv-advisories');
const POLICY = 'version: 1\nscanners: [audit]\nprojects:\n  - { path: svc, policy: svc/chaingate-project.yml }\n';

function prLoweringTheProjectThreshold() {
  // The PR adds a vulnerable lockfile (new findings) and switches its project's threshold off.
  const { dir, base } = repoWith({ '.chaingate.yml': POLICY, 'svc/chaingate-project.yml': 'fail-on:\n  vulnerability: low\n', 'svc/README.md': 'svc\n' });
  write(dir, { 'svc/chaingate-project.yml': 'fail-on:\n  vulnerability: none\n', 'svc/pnpm-lock.yaml': PNPM_LOCK });
  commitAll(dir);
  return { dir, base };
}

type Result = { verdict: string; policyChanges?: { file: string; what: string; details: string[] }[] };

async function scan(dir: string, base: string, ...extra: string[]): Promise<{ code: number; result: Result }> {
  const out = path.join(tmpDir('chaingate-project-policy-'), 'out');
  const r = await cli(['scan', dir, '--baseline', base, '--offline', '--osv-db', OSV, '--output-dir', out, ...extra]);
  return { code: r.code, result: JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8')) };
}

describe("a pull request that edits a project's policy file", () => {
  it("head: the PR's threshold applies, and the edit is listed among the gate's changes", async () => {
    const { dir, base } = prLoweringTheProjectThreshold();
    const { code, result } = await scan(dir, base);
    expect([code, result.verdict]).toEqual([0, 'pass']);
    expect(result.policyChanges).toEqual([
      { file: '.chaingate.yml', what: 'policy', change: 'modified', details: ['project svc: fail-on.vulnerability: "low" → "none"'] },
    ]);
  });

  it("baseline: the base branch's project threshold blocks, whatever the PR wrote", async () => {
    const { dir, base } = prLoweringTheProjectThreshold();
    const trusted = await scan(dir, base, '--trusted-policy', 'baseline');
    expect([trusted.code, trusted.result.verdict]).toEqual([1, 'fail']);
  });
});
