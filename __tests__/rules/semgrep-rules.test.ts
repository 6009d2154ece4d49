// chaingate's own Semgrep ruleset, checked with the real pinned Semgrep: every rule's annotated
// test file passes `semgrep --test`, every rule file is valid, and every rule carries the
// metadata the reports rely on.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runTool } from '../../src/process/run-tool';
import { REPO, tmpDir, toolBin } from '../helpers/paths';

const RULES = path.join(REPO, 'rules');
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'ERROR', 'WARNING', 'INFO'];
const TEST_EXTENSIONS: Record<string, string[]> = { javascript: ['.js', '.ts'], python: ['.py'], dockerfile: ['.dockerfile'], yaml: ['.test.yml'] };

interface Rule {
  id: string;
  message?: string;
  severity?: string;
  languages?: string[];
  metadata?: Record<string, unknown>;
}

interface RuleFile {
  file: string;
  rules: Rule[];
  tests: string[];
}

function ruleFiles(): RuleFile[] {
  const out: RuleFile[] = [];
  for (const lang of fs.readdirSync(RULES)) {
    const dir = path.join(RULES, lang);
    if (!fs.statSync(dir).isDirectory()) continue;
    // x.test.yml is the test file of the YAML rule x.yml, not a rule file.
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.yml') && !n.endsWith('.test.yml')).sort()) {
      const file = path.join(dir, name);
      const stem = name.slice(0, -'.yml'.length);
      const tests = (TEST_EXTENSIONS[lang] ?? []).map((ext) => path.join(dir, stem + ext)).filter((t) => fs.existsSync(t));
      out.push({ file, rules: (parseYaml(fs.readFileSync(file, 'utf8')) as { rules: Rule[] }).rules, tests });
    }
  }
  return out;
}

/** `ruleid:` / `ok:` annotations of a test file, by rule id. */
function annotations(text: string): { ruleid: Map<string, number>; ok: Map<string, number> } {
  const ruleid = new Map<string, number>();
  const ok = new Map<string, number>();
  for (const m of text.matchAll(/(?:#|\/\/)\s*(ruleid|ok):\s*([\w.,\s-]+?)\s*$/gm)) {
    const target = m[1] === 'ruleid' ? ruleid : ok;
    for (const id of m[2].split(',').map((s) => s.trim())) target.set(id, (target.get(id) ?? 0) + 1);
  }
  return { ruleid, ok };
}

/** Semgrep's own engine, installed beside the CLI: what `semgrep --validate` runs on rule files. */
function semgrepCore(): string {
  const venv = path.dirname(path.dirname(fs.realpathSync(toolBin('semgrep'))));
  const lib = path.join(venv, 'lib');
  const py = fs.readdirSync(lib).find((d) => /^python3/.test(d));
  const core = py && path.join(lib, py, 'site-packages', 'semgrep', 'bin', 'semgrep-core');
  if (!core || !fs.existsSync(core)) throw new Error(`semgrep-core not found under ${lib}`);
  return core;
}

/**
 * `semgrep --validate` also downloads a lint pack from Semgrep's registry, so it cannot run
 * offline; the rule check itself is semgrep-core's -check_rules, run here with no lint rules.
 */
async function checkRules(files: string[]): Promise<Array<{ message: string; rule_id?: string }>> {
  const dir = tmpDir('chaingate-rules-');
  const noLints = path.join(dir, 'no-lints.yml');
  fs.writeFileSync(noLints, 'rules: []\n');
  const r = await runTool(semgrepCore(), ['-json', '-check_rules', noLints, ...files], { timeoutMs: 120_000 });
  fs.rmSync(dir, { recursive: true, force: true });
  expect(r.spawnError).toBeUndefined();
  expect(r.exitCode).toBe(0);
  const json = r.stdout.slice(r.stdout.indexOf('{'));
  return (JSON.parse(json) as { errors: Array<{ message: string; rule_id?: string }> }).errors;
}

const files = ruleFiles();
const allRules = files.flatMap((f) => f.rules.map((r) => ({ ...r, file: f.file })));

describe('chaingate Semgrep ruleset', () => {
  it('has at least 25 rules, for JavaScript/TypeScript and Python, and pinning rules for Dockerfiles and YAML', () => {
    expect(allRules.length).toBeGreaterThanOrEqual(25);
    const langs = new Set(allRules.flatMap((r) => r.languages ?? []));
    expect([...langs].sort()).toEqual(['dockerfile', 'javascript', 'python', 'typescript', 'yaml']);
  });

  it('marks the pinning posture rules as misconfigurations (tags), which the parser reports as such', () => {
    const posture = allRules.filter((r) => /^chaingate\.(docker|compose|k8s|helm|gha)\./.test(r.id));
    expect(posture.map((r) => r.id).sort()).toEqual([
      'chaingate.compose.unpinned-image',
      'chaingate.docker.unpinned-base-image',
      'chaingate.docker.unpinned-copy-from',
      'chaingate.gha.unpinned-image',
      'chaingate.gha.unpinned-uses',
      'chaingate.helm.unpinned-image',
      'chaingate.k8s.unpinned-image',
    ]);
    for (const r of posture) expect([r.id, r.metadata?.tags]).toEqual([r.id, ['misconfiguration']]);
    // Users write exceptions by these ids: each is named, with what passes, in the README.
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    for (const r of posture) expect([r.id, readme.includes(`\`${r.id}\``)]).toEqual([r.id, true]);
  });

  it('gives every rule a unique chaingate. id, a message, a severity and full metadata', () => {
    const ids = allRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of allRules) {
      const where = `${path.relative(REPO, r.file)}: ${r.id}`;
      expect([where, r.id.startsWith('chaingate.')]).toEqual([where, true]);
      expect([where, (r.message ?? '').length > 40]).toEqual([where, true]);
      expect([where, SEVERITIES.includes(r.severity ?? '')]).toEqual([where, true]);
      const m = r.metadata ?? {};
      const cwe = m.cwe as string[] | undefined;
      const refs = m.references as string[] | undefined;
      expect([where, Array.isArray(cwe) && cwe.every((c) => /^CWE-\d+: /.test(c))]).toEqual([where, true]);
      expect([where, Array.isArray(m.owasp) && (m.owasp as string[]).every((o) => /^A\d\d:2021 - /.test(o))]).toEqual([where, true]);
      expect([where, m.category, m.confidence]).toEqual([where, 'security', expect.stringMatching(/^(HIGH|MEDIUM|LOW)$/)]);
      expect([where, Array.isArray(refs) && refs.length > 0 && refs.every((u) => /^https:\/\//.test(u))]).toEqual([where, true]);
    }
  });

  it('has a test file next to every rule file, with a true and a false positive for every rule', () => {
    for (const f of files) {
      const rel = path.relative(REPO, f.file);
      expect([rel, f.tests.length > 0]).toEqual([rel, true]);
      const ruleid = new Map<string, number>();
      const ok = new Map<string, number>();
      for (const t of f.tests) {
        const a = annotations(fs.readFileSync(t, 'utf8'));
        for (const [id, n] of a.ruleid) ruleid.set(id, (ruleid.get(id) ?? 0) + n);
        for (const [id, n] of a.ok) ok.set(id, (ok.get(id) ?? 0) + n);
      }
      for (const r of f.rules) {
        expect([r.id, 'ruleid >= 1', (ruleid.get(r.id) ?? 0) >= 1]).toEqual([r.id, 'ruleid >= 1', true]);
        expect([r.id, 'ok >= 1', (ok.get(r.id) ?? 0) >= 1]).toEqual([r.id, 'ok >= 1', true]);
      }
      // An annotation naming a rule that is not in the file would silently test nothing.
      const known = new Set(f.rules.map((r) => r.id));
      for (const id of [...ruleid.keys(), ...ok.keys()]) expect([rel, id, known.has(id)]).toEqual([rel, id, true]);
    }
  });

  it('passes `semgrep --test` with the pinned Semgrep, offline', async () => {
    const r = await runTool(
      toolBin('semgrep'),
      ['--test', '--json', '--metrics=off', '--disable-version-check', RULES],
      // Absolute path and cwd: a relative "r/..." or "p/..." config would be fetched from the registry.
      { cwd: REPO, timeoutMs: 240_000, env: { ...process.env, SEMGREP_SEND_METRICS: 'off' } },
    );
    expect(r.timedOut).toBe(false);
    expect([r.exitCode, r.stderr.slice(-2000)]).toEqual([0, expect.any(String)]);
    const out = JSON.parse(r.stdout) as {
      config_missing_tests: string[];
      config_with_errors: Array<{ filename: string; error: string }>;
      results: Record<string, { checks: Record<string, { passed: boolean; errors: unknown[]; matches: Record<string, { expected_lines: number[]; reported_lines: number[] }> }> }>;
    };
    // Semgrep exits 0 even when a rule file cannot be loaded: read the report.
    expect(out.config_with_errors.map((e) => `${e.filename}: ${e.error.slice(-300)}`)).toEqual([]);
    expect(out.config_missing_tests).toEqual([]);
    const checks = Object.values(out.results).flatMap((f) => Object.entries(f.checks));
    const failed = checks
      .filter(([, c]) => !c.passed || c.errors.length > 0)
      .map(([id, c]) => ({ id, errors: c.errors, matches: Object.values(c.matches).filter((m) => JSON.stringify(m.expected_lines) !== JSON.stringify(m.reported_lines)) }));
    expect(failed).toEqual([]);
    const tested = new Set(checks.map(([id]) => id.replace(/^.*?(chaingate\.)/, '$1')));
    expect(tested.size).toBeGreaterThanOrEqual(25);
    expect([...tested].sort()).toEqual(allRules.map((x) => x.id).sort());
    // Every rule found something in its test file.
    for (const [id, c] of checks) {
      const reported = Object.values(c.matches).reduce((n, m) => n + m.reported_lines.length, 0);
      expect([id, reported > 0]).toEqual([id, true]);
    }
  }, 300_000);

  it('validates every rule file with the engine semgrep --validate uses', async () => {
    expect(await checkRules(files.map((f) => f.file))).toEqual([]);
  }, 180_000);

  it('the validation really rejects a broken rule (so a pass above means something)', async () => {
    const dir = tmpDir('chaingate-bad-rule-');
    const bad = path.join(dir, 'bad.yml');
    fs.writeFileSync(bad, 'rules:\n  - id: chaingate.bad\n    message: m\n    severity: HIGH\n    languages: [python]\n    pattern: foo(\n');
    const errors = await checkRules([bad]);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(errors).toEqual([expect.objectContaining({ rule_id: 'chaingate.bad', message: expect.stringContaining('Invalid pattern') })]);
  }, 60_000);
});
