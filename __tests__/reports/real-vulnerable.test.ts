// The renderers on a real run: Trivy's report of examples/vulnerable, that project's lockfiles
// and policy, evaluated by the engine. Goldens are the exact texts a developer would read;
// UPDATE_GOLDENS=1 regenerates them (review the diff).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadPolicyFile } from '../../src/config/load';
import { dependencyPathIndex } from '../../src/core/dep-path';
import { mergeFindings } from '../../src/core/finding';
import { evaluate } from '../../src/core/policy';
import { exceptionDays } from '../../src/core/sla';
import { findingAnchors } from '../../src/gate/anchors';
import { discoverLockfiles } from '../../src/lockfiles';
import { parseReport } from '../../src/parsers';
import { commitLinksFromEnv } from '../../src/reports/remedy';
import { renderSummary } from '../../src/reports/summary';
import { renderTerminalTable } from '../../src/reports/terminal';
import { GOLDENS, REPO } from '../helpers/paths';

const EX = path.join(REPO, 'examples', 'vulnerable');
const NOW = new Date('2026-12-05T10:00:00Z');

function expectTextGolden(name: string, text: string): void {
  const file = path.join(GOLDENS, 'reports', name);
  if (process.env.UPDATE_GOLDENS === '1' || !fs.existsSync(file)) fs.writeFileSync(file, text);
  expect(text).toBe(fs.readFileSync(file, 'utf8'));
}

function run() {
  const policy = loadPolicyFile(path.join(EX, '.chaingate.yml')).value;
  const findings = parseReport('trivy', fs.readFileSync(path.join(GOLDENS, 'real', 'trivy-fs-vulnerable.json')));
  const result = evaluate({
    findings: mergeFindings(findings),
    policy,
    exceptions: [],
    vex: [],
    scanners: [{ name: 'trivy-fs', status: 'ok', durationMs: 4100, findings: findings.length }],
    now: NOW,
    mode: 'enforce',
    inputs: { vex: [] },
    version: '0.1.0',
  });
  const locks = discoverLockfiles(EX);
  return { result, policy, locks };
}

describe('examples/vulnerable, blocked', () => {
  const { result, policy, locks } = run();
  const find = dependencyPathIndex(locks);

  it('summary.md as GitHub shows it in Actions', () => {
    const text = renderSummary(result, {
      resultFile: 'chaingate-result.json',
      sarifFile: 'chaingate.sarif',
      dependencyPath: (f) => find(f.package!, f.location?.path),
      anchor: findingAnchors(EX, locks.map((l) => l.path)),
      links: commitLinksFromEnv({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop', GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567' }, 'examples/vulnerable'),
      exceptionsFile: 'examples/vulnerable/.chaingate-exceptions.yml',
      exceptionDays: (s) => exceptionDays({ maxDays: policy.exceptions['max-days'], sla: policy.sla }, s, policy['unknown-severity']),
      scanned: { lockfiles: locks.map((l) => l.path), packages: locks.reduce((n, l) => n + l.packages.length, 0) },
    });
    expectTextGolden('real-vulnerable.summary.md', text);
    // What the developer came for, asserted apart from the golden.
    expect(text).toContain('| qs 6.5.2 ← package.json (direct) in [package-lock.json:54](https://github.com/acme/shop/blob/0123456789abcdef0123456789abcdef01234567/examples/vulnerable/package-lock.json#L54) | 6.5.2 → **6.5.3** |');
    expect(text).toContain('pyyaml 5.3.1 ← requirements.txt (direct) in [requirements.txt:4](');
    // No bare name@version outside code, where GFM would make a mailto: link.
    expect(text.replace(/```yaml\n[\s\S]*?```/g, '')).not.toMatch(/[a-z]@\d/);
    expect(Buffer.byteLength(text)).toBeLessThan(1024 * 1024);
  });

  it('the terminal table', () => {
    const text = renderTerminalTable(result, { summaryFile: 'chaingate-out/summary.md', maxRows: 5 });
    expectTextGolden('real-vulnerable.terminal.txt', text);
    expect(text.split('\n')[0]).toBe(`Blocking findings (${result.summary.blocking}):`);
    expect(text).toContain(`${result.summary.blocking - 5} more in chaingate-out/summary.md`);
  });
});
