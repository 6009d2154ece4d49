// `--report chaingate=PATH`: a gate job merging the chaingate-result.json of other runs (shards),
// in process, on a real result of examples/vulnerable (see __tests__/parsers/chaingate.test.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../helpers/cli';
import { writeTree } from '../helpers/tree';
import { GOLDENS } from '../helpers/paths';

const REAL = fs.readFileSync(path.join(GOLDENS, 'parsers', 'chaingate', 'vulnerable.chaingate-result.json'), 'utf8');
const COMMIT: string = JSON.parse(REAL).commit;
// The same shard with no findings: a gate that merges it has nothing to block on, so what a
// broken shard does to the verdict shows (a blocking finding elsewhere fails the gate first).
const CLEAN = JSON.stringify({ ...JSON.parse(REAL), findings: [] }, null, 2);
const readJson = (p: string) => JSON.parse(fs.readFileSync(p, 'utf8'));

const gateDir = (files: Record<string, string>): string => writeTree(files, 'chaingate-merge-');

async function gate(dir: string, reports: string[], env: NodeJS.ProcessEnv = {}) {
  const out = path.join(dir, 'out');
  const r = await cli(['scan', dir, '--scanners', 'none', ...reports.flatMap((p) => ['--report', `chaingate=${p}`]), '--output-dir', out], env);
  return { ...r, result: readJson(path.join(out, 'chaingate-result.json')) };
}

describe('chaingate scan --report chaingate=...', () => {
  it('decides again with its own policy and exceptions, from the raw findings of a warn-mode shard', async () => {
    const dir = gateDir({
      'shards/a/chaingate-result.json': REAL,
      '.chaingate-exceptions.yml': 'version: 1\nexceptions:\n  - id: CVE-2021-23337\n    paths: ["examples/vulnerable/**"]\n    reason: "template() never receives user input"\n    expires: 2027-01-31\n    owner: "@web"\n',
    });
    const r = await gate(dir, [path.join(dir, 'shards/a/chaingate-result.json')], { GITHUB_SHA: COMMIT });
    expect(r.code).toBe(1);
    expect(r.result.verdict).toBe('fail');
    expect(r.result.mode).toBe('enforce');
    expect(r.result.commit).toBe(COMMIT);
    expect(r.result.findings).toHaveLength(JSON.parse(REAL).findings.length);
    expect(r.result.findings.every((f: { location?: { path: string } }) => !f.location || f.location.path.startsWith('examples/vulnerable/'))).toBe(true);
    const lodash = r.result.findings.find((f: { id: string }) => f.id === 'CVE-2021-23337');
    expect(lodash.blocking).toBe(false);
    expect(lodash.exception).toMatchObject({ id: 'CVE-2021-23337', owner: '@web' });
    expect(r.result.exceptions.applied).toHaveLength(1);
    expect(r.result.scanners.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([['report:chaingate', 'ok']]);
  });

  it('scopes an exception to a shard\'s project, and gives each project its own SARIF runs', async () => {
    const web = JSON.stringify({ ...JSON.parse(CLEAN), project: 'services/web' }, null, 2);
    const dir = gateDir({
      'shards/a/chaingate-result.json': REAL,
      'shards/b/chaingate-result.json': web,
      '.chaingate-exceptions.yml':
        'version: 1\nexceptions:\n  - id: CVE-2021-23337\n    project: services/web\n    reason: "not this project"\n    expires: 2027-01-31\n  - id: CVE-2021-44906\n    project: examples/vulnerable\n    reason: "minimist only parses our own argv"\n    expires: 2027-01-31\n',
    });
    const r = await gate(dir, [`${dir}/shards/*/chaingate-result.json`], { GITHUB_SHA: COMMIT });
    const byId = (id: string) => r.result.findings.find((f: { id: string }) => f.id === id);
    expect(byId('CVE-2021-44906')).toMatchObject({ project: 'examples/vulnerable', exception: { id: 'CVE-2021-44906' } });
    expect(byId('CVE-2021-23337').project).toBe('examples/vulnerable');
    expect(byId('CVE-2021-23337').exception).toBeUndefined();
    expect(r.result.exceptions.unused.map((e: { entry: { id: string } }) => e.entry.id)).toEqual(['CVE-2021-23337']);
    const sarif = readJson(path.join(dir, 'out', 'chaingate.sarif'));
    const ids: string[] = sarif.runs.map((x: { automationDetails: { id: string } }) => x.automationDetails.id);
    expect(ids).toEqual(expect.arrayContaining(['chaingate/osv/examples/vulnerable/', 'chaingate/semgrep/examples/vulnerable/', 'chaingate/trivy/examples/vulnerable/', 'chaingate/chaingate/services/web/']));
    const uris: string[] = sarif.runs.flatMap((x: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }) => x.results.map((res) => res.locations[0].physicalLocation.artifactLocation.uri));
    expect(uris.length).toBeGreaterThan(0);
    expect(uris.every((u) => u.startsWith('examples/vulnerable/'))).toBe(true);
  });

  it('reads every file a glob names; one finding per fingerprint across shards', async () => {
    const dir = gateDir({ 'shards/a/chaingate-result.json': REAL, 'shards/b/chaingate-result.json': REAL });
    const r = await gate(dir, [`${dir}/shards/*/chaingate-result.json`]);
    expect(r.result.scanners.filter((s: { name: string }) => s.name === 'report:chaingate')).toHaveLength(2);
    expect(r.result.findings).toHaveLength(JSON.parse(REAL).findings.length);
    expect(r.code).toBe(1);
  });

  it.each([
    ['truncated', CLEAN.slice(0, 500), /shards\/a\/chaingate-result.json:\d+: chaingate result: not valid JSON/],
    ['of a newer chaingate', CLEAN.replace('"schemaVersion": 1', '"schemaVersion": 2'), /shards\/a\/chaingate-result.json: chaingate result: written by a newer chaingate/],
    ['of another commit', CLEAN.replace(COMMIT, 'f'.repeat(40)), new RegExp(`shards/a/chaingate-result.json: it is of commit f{40}, not ${COMMIT}`)],
    ['with a failed scanner', CLEAN.replace('"status": "ok"', '"status": "failed"'), /shards\/a\/chaingate-result.json: its scanner audit failed/],
  ])('a shard result %s makes the verdict incomplete (exit 3), naming the file', async (_name, text, message) => {
    const dir = gateDir({ 'shards/a/chaingate-result.json': text, 'shards/b/chaingate-result.json': CLEAN });
    const r = await gate(dir, [`${dir}/shards/*/chaingate-result.json`], { GITHUB_SHA: COMMIT });
    expect(r.code).toBe(3);
    expect(r.result.verdict).toBe('incomplete');
    expect(r.result.scanners.map((s: { error?: string }) => s.error ?? '').join('\n')).toMatch(message);
  });

  it('a missing shard result, or a glob naming none, makes the verdict incomplete', async () => {
    const dir = gateDir({ 'shards/a/chaingate-result.json': CLEAN });
    const missing = await gate(dir, [path.join(dir, 'shards/a/chaingate-result.json'), path.join(dir, 'shards/b/chaingate-result.json')]);
    expect(missing.code).toBe(3);
    expect(missing.stdout).toMatch(/shards\/b\/chaingate-result.json: report file not found/);
    const none = await gate(dir, [`${dir}/nothing/*/chaingate-result.json`]);
    expect(none.code).toBe(3);
    expect(none.stdout).toMatch(/nothing\/\*\/chaingate-result.json: report file not found/);
  });
});
