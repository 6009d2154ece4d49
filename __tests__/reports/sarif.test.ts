import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { CODE_SCANNING_MAX_RESULTS_PER_RUN, FINGERPRINT_KEY, isWebUrl, renderSarif, renderSarifJson, SARIF_SCHEMA_URI, toArtifactUri } from '../../src/reports/sarif';
import type { Severity } from '../../src/core/finding';
import type { GateResult } from '../../src/core/result';
import { expectGolden } from '../helpers/golden';
import { evaluated, gateResult, many, representative } from './build';

// The SARIF 2.1.0 schema as shipped by Microsoft's @microsoft/jest-sarif (a devDependency; we
// commit nothing fetched). It is draft-04, hence ajv-draft-04. The OASIS errata01 file differs
// from it only by `type: "string"` next to enums, the `language` pattern, and a rule that a
// region has a startLine, charOffset or byteOffset: the last one is asserted separately below.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SARIF_SCHEMA = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

// unicodeRegExp off: rtm.5's `language` pattern has a stray `]` that a /u regex rejects (the
// errata fixed it); our logs set no language, so the pattern is never exercised anyway.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(SARIF_SCHEMA);

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function render(r: GateResult, extra: Partial<Parameters<typeof renderSarif>[1]> = {}): Obj {
  return renderSarif(r, { toolVersion: '0.1.0', ...extra }) as Obj;
}

function expectValid(log: Obj): void {
  // Through JSON, exactly as the file on disk is read.
  const parsed = JSON.parse(JSON.stringify(log));
  const ok = validateSarif(parsed);
  expect(validateSarif.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  for (const run of parsed.runs)
    for (const res of run.results) {
      expect(res.locations.length).toBeGreaterThan(0); // code scanning rejects a result without one
      for (const loc of res.locations) {
        const region = loc.physicalLocation.region;
        if (region) expect(Number.isInteger(region.startLine) && region.startLine >= 1).toBe(true);
      }
    }
}

function allResults(log: Obj): Obj[] {
  return log.runs.flatMap((r: Obj) => r.results);
}

function resultFor(log: Obj, ruleId: string): Obj {
  return allResults(log).find((r) => r.ruleId === ruleId) as Obj;
}

describe('renderSarif', () => {
  it('renders the representative result as a valid SARIF 2.1.0 log (golden)', () => {
    const log = render(representative(), { lockfiles: { npm: 'package-lock.json' } });
    expectValid(log);
    expectGolden('reports/chaingate.sarif', log);
  });

  it('is valid for a clean result too, with one empty chaingate run', () => {
    const log = render(gateResult());
    expectValid(log);
    expect(log.$schema).toBe(SARIF_SCHEMA_URI);
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].tool.driver.name).toBe('chaingate');
    expect(log.runs[0].results).toEqual([]);
  });

  it('makes one run per tool, sorted, with chaingate as the converter', () => {
    const log = render(representative());
    expect(log.runs.map((r: Obj) => r.tool.driver.name)).toEqual(['cosign', 'npm-audit', 'pip-audit', 'semgrep', 'trivy']);
    for (const run of log.runs) {
      expect(run.conversion.tool.driver).toEqual({ name: 'chaingate', version: '0.1.0' });
      expect(run.automationDetails.id).toBe(`chaingate/${run.tool.driver.name}/`);
    }
  });

  it('puts a finding several tools reported in the run of the first, naming the others', () => {
    const log = render(representative());
    const lodash = resultFor(log, 'CVE-2021-23337');
    const npmRun = log.runs.find((r: Obj) => r.tool.driver.name === 'npm-audit');
    expect(npmRun.results).toContain(lodash);
    expect(allResults(log).filter((r) => r.ruleId === 'CVE-2021-23337')).toHaveLength(1);
    expect(lodash.properties.tools).toEqual(['npm-audit', 'osv', 'trivy']);
    expect(lodash.properties.alsoReportedBy).toEqual(['osv', 'trivy']);
    expect(lodash.properties.aliases).toEqual(['GHSA-35jh-r3h4-6jhm']);
    expect(resultFor(log, 'DS026').properties.alsoReportedBy).toBeUndefined();
  });

  it('takes only web URLs as links, plain ones without parsing them', () => {
    for (const u of ['https://nvd.example/CVE-2021-23337', 'http://h.example:8080/a/b%20c', 'https://a.example', 'https://a.example/x?q=1#f', 'HTTPS://A.EXAMPLE/x']) {
      expect([u, isWebUrl(u)]).toEqual([u, true]);
    }
    for (const u of ['javascript:alert(1)', 'https://', 'see the docs', '/relative/path', 'ftp://a.example/x', 'https://a b.example/']) {
      expect([u, isWebUrl(u)]).toEqual([u, false]);
    }
  });

  it('gives rules security-severity, kind and CWE tags, and indexes them', () => {
    const log = render(representative());
    const semgrepRun = log.runs.find((r: Obj) => r.tool.driver.name === 'semgrep');
    const rule = semgrepRun.tool.driver.rules[0];
    expect(rule.properties).toEqual({ 'security-severity': '8.0', tags: ['security', 'code', 'external/cwe/cwe-89'] });
    expect(rule.fullDescription.text).toBe('User input reaches a SQL string.');
    // A javascript: URL from a tool never becomes a link.
    expect(rule.helpUri).toBeUndefined();
    const npmRun = log.runs.find((r: Obj) => r.tool.driver.name === 'npm-audit');
    const lodashRule = npmRun.tool.driver.rules.find((r: Obj) => r.id === 'CVE-2021-23337');
    expect(lodashRule.helpUri).toBe('https://nvd.example/CVE-2021-23337');
    const junk = render(gateResult({ findings: [evaluated({ tool: 'x', kind: 'code', severity: 'low', id: 'r', title: 't', url: 'see the docs', location: { path: 'a', startLine: 1 } })] }));
    expectValid(junk);
    expect(junk.runs[0].tool.driver.rules[0].helpUri).toBeUndefined();
    expect(junk.runs[0].tool.driver.rules[0].help.text).toBe('t\n\nsee the docs');
    expect(lodashRule.properties.tags).toEqual(['security', 'vulnerability', 'external/cwe/cwe-77', 'external/cwe/cwe-94']);
    for (const run of log.runs) {
      const ids = run.tool.driver.rules.map((r: Obj) => r.id);
      expect(ids).toEqual([...ids].sort());
      for (const res of run.results) expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
    }
  });

  it('rates a rule by the worst severity among its findings', () => {
    const mk = (severity: Severity, file: string, blocking = false, cwes?: string[]) => evaluated({ tool: 'semgrep', kind: 'code', severity, id: 'same-rule', title: 'x', cwes, location: { path: file, startLine: 1 } }, { blocking });
    // The blocking low one is listed first; the rule still takes the critical.
    const log = render(gateResult({ findings: [mk('low', 'a.js', true), mk('critical', 'b.js', false, ['not-a-number']), mk('medium', 'c.js')] }));
    expect(log.runs[0].results.map((r: Obj) => r.properties.severity)).toEqual(['low', 'critical', 'medium']);
    expectValid(log);
    expect(log.runs[0].tool.driver.rules).toHaveLength(1);
    expect(log.runs[0].tool.driver.rules[0].properties).toEqual({ 'security-severity': '9.5', tags: ['security', 'code', 'not-a-number'] });
  });

  it('tags every rule of a shared CWE with it', () => {
    const mk = (id: string, cwes: string[]) => evaluated({ tool: 'semgrep', kind: 'code', severity: 'high', id, title: 'x', cwes, location: { path: 'a.js', startLine: 1 } });
    const log = render(gateResult({ findings: [mk('r1', ['CWE-79: XSS']), mk('r2', ['CWE-79: XSS', 'CWE-20']), mk('r3', ['CWE-20'])] }));
    expect(log.runs[0].tool.driver.rules.map((r: Obj) => r.properties.tags.slice(2))).toEqual([['external/cwe/cwe-79'], ['external/cwe/cwe-20', 'external/cwe/cwe-79'], ['external/cwe/cwe-20']]);
  });

  it.each([
    ['critical', 'error'],
    ['high', 'error'],
    ['medium', 'warning'],
    ['low', 'note'],
    ['info', 'note'],
    ['unknown', 'note'],
  ] as [Severity, string][])('maps severity %s to level %s', (severity, level) => {
    const log = render(gateResult({ findings: [evaluated({ tool: 'trivy', kind: 'misconfiguration', severity, id: 'X1', title: 't', location: { path: 'main.tf', startLine: 2 } })] }));
    expectValid(log);
    expect(log.runs[0].results[0].level).toBe(level);
  });

  it('writes messages naming the package and its fix, or the title and rule', () => {
    const log = render(representative());
    expect(resultFor(log, 'CVE-2021-23337').message.text).toBe('CVE-2021-23337 in lodash@4.17.20: lodash: command injection via template. Fixed in 4.17.21.');
    expect(resultFor(log, 'GPL-3.0').message.text).toBe('GPL-3.0 in readline-sync: GPL-3.0 license.');
    expect(resultFor(log, 'DS026').message.text).toBe('No HEALTHCHECK defined (DS026)');
    const untitled = render(gateResult({ findings: [evaluated({ tool: 'x', kind: 'code', severity: 'low', id: 'bare', title: '', location: { path: 'a', startLine: 1 } })] }));
    expectValid(untitled);
    expect(untitled.runs[0].results[0].message.text).toBe('bare');
    expect(untitled.runs[0].tool.driver.rules[0].shortDescription.text).toBe('bare');
    expect(untitled.runs[0].tool.driver.rules[0].help.text).toBe('bare');
    const pkgUntitled = render(gateResult({ findings: [evaluated({ tool: 'x', kind: 'vulnerability', severity: 'low', id: 'OSV-1', title: '', package: { name: 'p', fixedVersions: [] } })] }));
    expect(pkgUntitled.runs[0].results[0].message.text).toBe('OSV-1 in p: OSV-1. No fixed version yet.');
  });

  describe('locations', () => {
    it('uses forward slashes, no ./ prefix, and percent-encodes each path segment', () => {
      const log = render(representative());
      expect(resultFor(log, 'aws-access-key-id').locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'config/prod%20settings.env' }, region: { startLine: 3, endLine: 3 } });
      expect(resultFor(log, 'javascript.express.security.injection.tainted-sql-string').locations[0].physicalLocation.region).toEqual({ startLine: 12, endLine: 14 });
      // Line 0 means "the whole file": no region.
      expect(resultFor(log, 'DS026').locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'Dockerfile' } });
    });

    it('makes absolute paths under the checkout root relative', () => {
      expect(toArtifactUri('/home/runner/work/app/src/a b.ts', '/home/runner/work/app/')).toBe('src/a%20b.ts');
      expect(toArtifactUri('C:\\work\\app\\src\\x.ts', 'C:\\work\\app')).toBe('src/x.ts');
      expect(toArtifactUri('/home/runner/work/app', '/home/runner/work/app')).toBe('.');
      expect(toArtifactUri('/elsewhere/x.ts', '/home/runner/work/app')).toBe('/elsewhere/x.ts');
      expect(toArtifactUri('./a/#b?.ts')).toBe('a/%23b%3F.ts');
      const log = render(gateResult({ findings: [evaluated({ tool: 'semgrep', kind: 'code', severity: 'low', id: 'r', title: 't', location: { path: '/ci/repo/lib/x.py', startLine: 4, endLine: 2 } })] }), { root: '/ci/repo' });
      expectValid(log);
      expect(log.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'lib/x.py' }, region: { startLine: 4 } });
    });

    it('with a scanned subfolder, writes URIs relative to the repository root and puts the project in the category', () => {
      const findings = [
        evaluated({ tool: 'semgrep', kind: 'code', severity: 'low', id: 'rel', title: 't', location: { path: 'src/a.js', startLine: 2 } }),
        evaluated({ tool: 'semgrep', kind: 'code', severity: 'low', id: 'dot', title: 't', location: { path: './lib\\b c.js', startLine: 2 } }),
        evaluated({ tool: 'semgrep', kind: 'code', severity: 'low', id: 'abs', title: 't', location: { path: '/ci/repo/services/api/src/x.js', startLine: 1 } }),
        evaluated({ tool: 'osv', kind: 'vulnerability', severity: 'high', id: 'GHSA-x', title: 't', package: { ecosystem: 'npm', name: 'qs', version: '6.5.2', fixedVersions: [] } }),
      ];
      for (const project of ['services/api', './services/api/', 'services\\api']) {
        const log = render(gateResult({ findings }), { root: '/ci/repo', project, lockfiles: { npm: 'package-lock.json' }, completedTools: ['trivy'] });
        expectValid(log);
        const uri = (id: string) => resultFor(log, id).locations[0].physicalLocation.artifactLocation.uri;
        expect([uri('rel'), uri('dot'), uri('abs'), uri('GHSA-x')]).toEqual(['services/api/src/a.js', 'services/api/lib/b%20c.js', 'services/api/src/x.js', 'services/api/package-lock.json']);
        expect(log.runs.map((r: Obj) => r.automationDetails.id)).toEqual(['chaingate/osv/services/api/', 'chaingate/semgrep/services/api/', 'chaingate/trivy/services/api/']);
      }
      // The repository root itself: categories as before, so existing alerts stay tracked.
      for (const project of ['', '.', './']) expect(render(gateResult({ findings }), { project }).runs[0].automationDetails.id).toBe('chaingate/osv/');
    });

    it('with findings in monorepo projects, makes one run per tool and project, URIs still from the repository root', () => {
      const inProject = (project: string | undefined, tool: string, id: string, path: string) => ({
        ...evaluated({ tool, kind: 'code', severity: 'low', id, title: 't', location: { path, startLine: 1 } }),
        project,
      });
      const findings = [
        inProject('services/api', 'semgrep', 'a1', 'services/api/x.js'),
        inProject('services/api', 'semgrep', 'a2', 'services/api/y.js'),
        inProject('services/web', 'semgrep', 'w1', 'services/web/x.js'),
        inProject('services/web', 'trivy', 'w2', 'services/web/Dockerfile'),
        inProject(undefined, 'semgrep', 'r1', 'tools/z.js'),
      ];
      const log = render(gateResult({ findings }), { root: '/ci/repo', completedTools: ['semgrep', 'trivy'], projects: ['services/api', 'services/web', 'services/idle'] });
      expectValid(log);
      const runs = log.runs.map((r: Obj) => [r.automationDetails.id, r.results.map((x: Obj) => x.ruleId).sort()]);
      // Every completed tool gets a run per project, empty ones too, so code scanning closes a project's fixed alerts.
      expect(runs).toEqual([
        ['chaingate/semgrep/', ['r1']],
        ['chaingate/semgrep/services/api/', ['a1', 'a2']],
        ['chaingate/semgrep/services/idle/', []],
        ['chaingate/semgrep/services/web/', ['w1']],
        ['chaingate/trivy/', []],
        ['chaingate/trivy/services/api/', []],
        ['chaingate/trivy/services/idle/', []],
        ['chaingate/trivy/services/web/', ['w2']],
      ]);
      expect(resultFor(log, 'w2').locations[0].physicalLocation.artifactLocation.uri).toBe('services/web/Dockerfile');
      // Scanned from a subfolder whose projects are inside it: the category names the path from the root.
      const sub = render(gateResult({ findings: [inProject('api', 'semgrep', 'a1', 'api/x.js')] }), { project: 'services' });
      expect(sub.runs.map((r: Obj) => [r.automationDetails.id, r.results[0].locations[0].physicalLocation.artifactLocation.uri])).toEqual([['chaingate/semgrep/services/api/', 'services/api/x.js']]);
      // More runs than code scanning accepts in one log: one run per tool, as without projects.
      const lots = Array.from({ length: 25 }, (_, i) => inProject(`p${i}`, 'semgrep', `r${i}`, `p${i}/a.js`));
      const capped = render(gateResult({ findings: lots }), { completedTools: ['semgrep'] });
      expectValid(capped);
      expect(capped.runs.map((r: Obj) => [r.automationDetails.id, r.results.length])).toEqual([['chaingate/semgrep/', 25]]);
      expect(render(gateResult({ findings: lots.slice(0, 20) })).runs).toHaveLength(20);
    });

    it('places a finding its tool gave no line at the anchor line, and keeps lines the tool gave', () => {
      const vuln = evaluated({ tool: 'trivy', kind: 'vulnerability', severity: 'high', id: 'CVE-1', title: 't', package: { ecosystem: 'npm', name: 'qs', version: '6.5.2', fixedVersions: ['6.5.3'] }, location: { path: 'package-lock.json' } });
      const lined = evaluated({ tool: 'semgrep', kind: 'code', severity: 'high', id: 'r', title: 't', location: { path: 'a.js', startLine: 3 } });
      const none = evaluated({ tool: 'trivy', kind: 'misconfiguration', severity: 'low', id: 'DS026', title: 't', location: { path: 'Dockerfile' } });
      const seen: string[] = [];
      const log = render(gateResult({ findings: [vuln, lined, none] }), {
        project: 'svc',
        anchor: (f) => {
          seen.push(f.id);
          return f.id === 'CVE-1' ? { path: 'package-lock.json', startLine: 54 } : undefined;
        },
      });
      expectValid(log);
      expect(resultFor(log, 'CVE-1').locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'svc/package-lock.json' }, region: { startLine: 54 } });
      expect(resultFor(log, 'DS026').locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'svc/Dockerfile' } });
      expect(seen.sort()).toEqual(['CVE-1', 'DS026']);
    });

    it('names each driver with its home page and, where known, its version; rules carry help.markdown with the remediation', () => {
      const log = render(representative(), { toolVersions: { trivy: '0.74.0', semgrep: '1.185.0' } });
      const driver = (name: string) => log.runs.find((r: Obj) => r.tool.driver.name === name).tool.driver;
      expect([driver('trivy').version, driver('trivy').informationUri]).toEqual(['0.74.0', 'https://trivy.dev/']);
      expect([driver('semgrep').version, driver('semgrep').informationUri]).toEqual(['1.185.0', 'https://semgrep.dev/']);
      expect(driver('npm-audit').version).toBeUndefined();
      const help = (id: string) => log.runs.flatMap((r: Obj) => r.tool.driver.rules).find((r: Obj) => r.id === id).help.markdown as string;
      expect(help('CVE-2021-23337')).toContain('**Remediation:** Upgrade `lodash` to `4.17.21` or later (the nearest fixed version).');
      expect(help('aws-access-key-id')).toContain('**rotate it first**');
      expect(help('image-unsigned')).toContain('Sign the image with a trusted key');
      expect(help('DS026')).toMatch(/\*\*Remediation:\*\* Change the code or configuration at the location shown\./);
      // Tool text in the help is inert Markdown.
      expect(help('javascript.express.security.injection.tainted-sql-string')).toContain('&lt;script&gt;');
      const documented = render(gateResult({ findings: [evaluated({ tool: 'semgrep', kind: 'code', severity: 'high', id: 'r', title: 't', url: 'https://semgrep.dev/r/r' })] }));
      expect(documented.runs[0].tool.driver.rules[0].help.markdown).toContain("as the rule's documentation describes.");
      const unfixed = render(gateResult({ findings: [evaluated({ tool: 'osv', kind: 'vulnerability', severity: 'high', id: 'GHSA-x', title: '', package: { ecosystem: 'npm', name: 'a`b', version: '1', fixedVersions: [] } })] }));
      expect(unfixed.runs[0].tool.driver.rules[0].help.markdown).toBe('**GHSA-x**\n\n**Remediation:** No fixed version of `a b` is known yet: remove or replace it, or accept the risk in the exceptions file with a reason and an expiry.');
      const nopkg = render(gateResult({ findings: [evaluated({ tool: 'x', kind: 'vulnerability', severity: 'high', id: 'V', title: 't', url: 'https://a.example/x (y)' })] }));
      expect(nopkg.runs[0].tool.driver.rules[0].help.markdown).toContain('No fixed version of the package is known yet');
      expect(nopkg.runs[0].tool.driver.rules[0].help.markdown).toContain('[V](https://a.example/x%20%28y%29)');
    });

    it('escapes a title, description or link shared by many rules once, the same for each', () => {
      const shared = { tool: 'osv', kind: 'vulnerability' as const, severity: 'high' as const, title: 'Prototype *pollution* <b>', description: 'Use `_.merge` | 4.17.21 @ a@b.io', url: 'https://a.example/advisory' };
      const log = render(gateResult({ findings: [evaluated({ ...shared, id: 'A-1' }), evaluated({ ...shared, id: 'A-2' }), evaluated({ ...shared, id: 'A-3', title: '', url: 'javascript:x' })] }));
      const rules = log.runs[0].tool.driver.rules;
      expect(rules.map((r: Obj) => r.helpUri)).toEqual(['https://a.example/advisory', 'https://a.example/advisory', undefined]);
      expect(rules.map((r: Obj) => (r.help.markdown as string).endsWith(`[${r.id}](https://a.example/advisory)`))).toEqual([true, true, false]);
      const help = rules.map((r: Obj) => (r.help.markdown as string).split('\n\n').slice(0, 2));
      const description = 'Use \\`\\_.merge\\` \\| 4.17.21 @ a<span>@</span>b.io';
      expect(help).toEqual([
        ['**Prototype \\*pollution\\* &lt;b&gt;**', description],
        ['**Prototype \\*pollution\\* &lt;b&gt;**', description],
        ['**A-3**', description],
      ]);
    });

    it('writes every path as toArtifactUri would, whether or not it needs encoding', () => {
      const paths = ['src/a.ts', "odd!~*'()_-.ts", 'C:/work/x.ts', './x.ts', 'a b/c%d.ts', '/abs/p.ts', 'weird$&+,;=@.ts', 'ünï/cödé.ts'];
      const findings = paths.map((p) => evaluated({ tool: 'semgrep', kind: 'code', severity: 'low', id: p, title: 't', location: { path: p, startLine: 1 } }));
      const log = render(gateResult({ findings }));
      expectValid(log);
      for (const p of paths) expect(resultFor(log, p).locations[0].physicalLocation.artifactLocation.uri).toBe(toArtifactUri(p));
      expect(resultFor(log, 'C:/work/x.ts').locations[0].physicalLocation.artifactLocation.uri).toBe('C%3A/work/x.ts');
      // And with a root: plain paths inside it, the root itself, and paths beside it.
      const rooted = [...paths, '/abs', '/abs/q r.ts', '/absent/x.ts', '/abs/'];
      for (const root of ['/abs', '/abs/', '/', 'C:\\work']) {
        const withRoot = render(gateResult({ findings: rooted.map((p) => evaluated({ tool: 'semgrep', kind: 'code', severity: 'low', id: p, title: 't', location: { path: p, startLine: 1 } })) }), { root });
        for (const p of rooted) expect([root, p, resultFor(withRoot, p).locations[0].physicalLocation.artifactLocation.uri]).toEqual([root, p, toArtifactUri(p, root)]);
      }
      expect(toArtifactUri('/abs/p.ts', '/abs')).toBe('p.ts');
      expect(toArtifactUri('/absent/x.ts', '/abs')).toBe('/absent/x.ts');
    });

    it('shows a vulnerability without a file on its ecosystem lockfile, with the package as logical location', () => {
      const log = render(representative(), { lockfiles: { npm: 'package-lock.json', pypi: 'requirements.txt' } });
      const lodash = resultFor(log, 'CVE-2021-23337').locations[0];
      expect(lodash.physicalLocation).toEqual({ artifactLocation: { uri: 'package-lock.json' } });
      expect(lodash.logicalLocations).toEqual([{ fullyQualifiedName: 'pkg:npm/lodash@4.17.20', kind: 'package' }]);
      expect(resultFor(log, 'PYSEC-2023-74').locations[0].physicalLocation.artifactLocation.uri).toBe('requirements.txt');
      expect(resultFor(log, 'PYSEC-2023-74').locations[0].logicalLocations).toEqual([{ fullyQualifiedName: 'requests@2.30.0', kind: 'package' }]);
      // A file the tool did name wins over the lockfile.
      expect(resultFor(log, 'GHSA-xvch-5gv4-984h').locations[0].physicalLocation.artifactLocation.uri).toBe('web/package-lock.json');
    });

    it('falls back to fallbackUri, then the policy file, then .chaingate.yml', () => {
      const sig = resultFor(render(representative(), { fallbackUri: 'deploy/image.txt' }), 'image-unsigned');
      expect(sig.locations[0].physicalLocation.artifactLocation.uri).toBe('deploy/image.txt');
      expect(sig.locations[0].logicalLocations).toBeUndefined();
      const r = representative();
      r.inputs.policy = { path: 'ci/gate.yml', sha256: 'a'.repeat(64) };
      expect(resultFor(render(r), 'image-unsigned').locations[0].physicalLocation.artifactLocation.uri).toBe('ci/gate.yml');
      // The pypi finding has no lockfile given: it falls back too.
      expect(resultFor(render(r, { lockfiles: { npm: 'package-lock.json' } }), 'PYSEC-2023-74').locations[0].physicalLocation.artifactLocation.uri).toBe('ci/gate.yml');
      r.inputs.policy = undefined;
      expect(resultFor(render(r), 'image-unsigned').locations[0].physicalLocation.artifactLocation.uri).toBe('.chaingate.yml');
    });
  });

  describe('suppressions', () => {
    it('marks a finding suppressed by an exception as externally accepted, with the reason, owner and expiry', () => {
      const res = resultFor(render(representative()), 'aws-access-key-id');
      expect(res.suppressions).toEqual([
        {
          kind: 'external',
          status: 'accepted',
          justification: 'revoked test key kept as fixture (owner @sec-team, expires 2026-12-03, ticket SEC-42; exception aws-access-key-id #1 in .chaingate-exceptions.yml)',
          properties: { exception: { source: '.chaingate-exceptions.yml', index: 0, id: 'aws-access-key-id', reason: 'revoked test key kept as fixture', expires: '2026-12-03', owner: '@sec-team', ticket: 'SEC-42' } },
        },
      ]);
      expect(res.properties.blocking).toBe(false);
    });

    it('takes the justification of a VEX suppression from the VEX statement', () => {
      const res = resultFor(render(representative()), 'GHSA-xvch-5gv4-984h');
      expect(res.suppressions).toHaveLength(1);
      expect(res.suppressions[0].justification).toBe('VEX not_affected: vulnerable_code_not_in_execute_path: minimist only parses our own build flags (vex/app.openvex.json)');
      expect(res.suppressions[0].properties.vex.status).toBe('not_affected');
    });

    it('handles bare VEX statements, exceptions without owner or ticket, and both at once', () => {
      const f = evaluated(
        { tool: 'trivy', kind: 'vulnerability', severity: 'high', id: 'CVE-1', title: 't', package: { name: 'p', version: '1', fixedVersions: [] } },
        { exception: { source: 'x.yml', index: 4, id: 'CVE-1', reason: 'why', expires: '2027-01-01' }, vex: { source: 'v.json', vulnerability: 'CVE-1', status: 'fixed' } },
      );
      const log = render(gateResult({ findings: [f] }));
      expectValid(log);
      expect(log.runs[0].results[0].suppressions.map((s: Obj) => s.justification)).toEqual(['why (expires 2027-01-01; exception CVE-1 #5 in x.yml)', 'VEX fixed (v.json)']);
    });

    it('leaves unsuppressed findings without suppressions', () => {
      expect(resultFor(render(representative()), 'CVE-2021-23337').suppressions).toBeUndefined();
    });
  });

  it('keeps the most important results when capped for code scanning, and says how many it left out', () => {
    const r = gateResult({ findings: many(300) });
    const full = render(r);
    const capped = render(r, { maxResultsPerRun: 40 });
    expectValid(capped);
    for (const run of capped.runs) {
      const whole = full.runs.find((x: Obj) => x.tool.driver.name === run.tool.driver.name);
      // Same results in the same order; rule indexes differ, as fewer rules remain.
      const strip = (res: Obj) => ({ ...res, ruleIndex: undefined });
      expect(run.results.map(strip)).toEqual(whole.results.slice(0, 40).map(strip));
      expect(run.tool.driver.rules.length).toBeLessThan(whole.tool.driver.rules.length);
      expect(run.results[0].properties.blocking).toBe(whole.results.some((x: Obj) => x.properties.blocking));
      const omitted = whole.results.length - 40;
      expect(run.properties).toEqual({ omittedResults: omitted });
      expect(run.invocations[0].toolExecutionNotifications[0].message.text).toBe(`${omitted} less important ${run.tool.driver.name} results left out of this log (limit 40 per run); chaingate-result.json lists every finding.`);
      for (const res of run.results) expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
    }
    expect(CODE_SCANNING_MAX_RESULTS_PER_RUN).toBe(25_000);
    const roomy = render(r, { maxResultsPerRun: 1000 });
    expect(roomy.runs.every((run: Obj) => run.invocations === undefined && run.properties === undefined)).toBe(true);
  });

  it('files a finding that names no tool under chaingate rather than writing an invalid run', () => {
    const f = { ...evaluated({ tool: 'x', kind: 'code', severity: 'low', id: 'r', title: 't', location: { path: 'a', startLine: 1 } }), tools: [] };
    const log = render(gateResult({ findings: [f] }));
    expectValid(log);
    expect(log.runs.map((r: Obj) => r.tool.driver.name)).toEqual(['chaingate']);
    expect(log.runs[0].results[0].properties.alsoReportedBy).toBeUndefined();
  });

  it('gives every tool that completed a run, empty when it found nothing, so its old alerts close', () => {
    const log = render(representative(), { completedTools: ['trivy', 'osv', 'semgrep'] });
    expectValid(log);
    expect(log.runs.map((r: Obj) => r.tool.driver.name)).toEqual(['cosign', 'npm-audit', 'osv', 'pip-audit', 'semgrep', 'trivy']);
    const osv = log.runs.find((r: Obj) => r.tool.driver.name === 'osv');
    expect(osv.results).toEqual([]);
    expect(osv.automationDetails.id).toBe('chaingate/osv/');
    const clean = render(gateResult(), { completedTools: ['semgrep'] });
    expectValid(clean);
    expect(clean.runs.map((r: Obj) => r.tool.driver.name)).toEqual(['semgrep']);
  });

  it('serializes compactly with a final newline', () => {
    const text = renderSarifJson(representative(), { toolVersion: '0.1.0' });
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toBe(JSON.stringify(render(representative())) + '\n');
    for (const opts of [{}, { maxResultsPerRun: 2, completedTools: ['osv', 'zz'] }]) {
      const r = representative();
      expect(renderSarifJson(r, { toolVersion: '0.1.0', ...opts })).toBe(JSON.stringify(render(r, opts)) + '\n');
    }
    expect(renderSarifJson(gateResult(), { toolVersion: '0.1.0' })).toBe(JSON.stringify(render(gateResult())) + '\n');
  });

  it('flags blocking findings and carries our fingerprint', () => {
    const r = representative();
    const log = render(r);
    for (const f of r.findings) {
      const res = allResults(log).find((x) => x.partialFingerprints[FINGERPRINT_KEY] === f.fingerprint) as Obj;
      expect(res).toBeDefined();
      expect(res.properties.blocking).toBe(f.blocking);
      expect(res.properties.rationale).toBe(f.rationale);
    }
    expect(allResults(log)).toHaveLength(r.findings.length);
    expect(resultFor(log, 'CVE-2021-23337').properties.cvssScore).toBe(7.2);
  });

  it('orders results like the other reports and does not depend on input order', () => {
    const a = render(representative());
    const shuffled = representative();
    shuffled.findings = [...shuffled.findings].reverse();
    expect(JSON.stringify(render(shuffled))).toBe(JSON.stringify(a));
    const trivy = a.runs.find((r: Obj) => r.tool.driver.name === 'trivy');
    expect(trivy.results.map((r: Obj) => r.properties.severity)).toEqual(['critical', 'low', 'unknown']);
  });
});
