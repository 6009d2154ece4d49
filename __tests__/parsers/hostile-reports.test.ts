// Reports that are valid JSON but hostile: text that names what Object.prototype has, lone
// UTF-16 surrogates, and reports that lost their findings. Each goes through the whole pipeline
// (parse, merge, evaluate, render): a crash or a silent pass anywhere is the defect.
import { normalizeSeverity } from '../../src/core/finding';
import { lookupTable } from '../../src/core/lookup';
import { parsePurl } from '../../src/core/purl-key';
import { packagesFromCycloneDx } from '../../src/lockfiles';
import { fromSri } from '../../src/lockfiles/util';
import { purlType as matcherPurlType } from '../../src/osv/matcher';
import { osvEcosystem } from '../../src/osv/versions';
import { parseTrivyReport } from '../../src/parsers/trivy';
import { jsonParse } from '../../src/parsers/util';
import { renderSarifJson, toArtifactUri } from '../../src/reports/sarif';
import { ingest } from '../helpers/ingest';
import { readFixture } from '../helpers/paths';

const hostile = (name: string) => readFixture('hostile', 'reports', name);

/** Names an object literal inherits: each must find nothing where report text is looked up. */
const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];

describe('report text used as a key', () => {
  it('the hostile reproducers go through the whole pipeline', () => {
    const trivy = ingest('trivy', hostile('crash-trivy-type-proto.json'));
    expect(trivy.findings).toHaveLength(1);
    expect(trivy.findings[0].package).toMatchObject({ name: 'a', ecosystem: undefined, purl: undefined });
    const osv = ingest('osv-scanner', hostile('crash-osv-ecosystem-constructor.json'));
    expect(osv.findings[0].package).toMatchObject({ name: 'a', ecosystem: undefined });
    const sarif = ingest('sarif', hostile('crash-sarif-rule-name-constructor.json'));
    expect(sarif.findings[0].kind).toBe('misconfiguration');
    expect(sarif.result.verdict).toBe('fail');
  });

  it.each(INHERITED)('%s as Trivy Type, OSV ecosystem, SARIF rule name and level, grype type, severity word', (word) => {
    const w = JSON.stringify(word);
    const trivy = `{"SchemaVersion":2,"ArtifactName":"x","ArtifactType":"filesystem","Results":[{"Target":"t","Class":"lang-pkgs","Type":${w},"Vulnerabilities":[{"VulnerabilityID":"CVE-2020-1","PkgName":"a","InstalledVersion":"1","Severity":${w}}]}]}`;
    const t = ingest('trivy', trivy);
    expect(t.findings[0]).toMatchObject({ severity: 'unknown', package: { ecosystem: undefined } });
    const osv = `{"results":[{"source":{"path":"p"},"packages":[{"package":{"name":"a","version":"1","ecosystem":${w}},"vulnerabilities":[{"id":"GHSA-1","database_specific":{"severity":${w}}}],"groups":[{"ids":["GHSA-1"]}]}]}]}`;
    expect(ingest('osv-scanner', osv).findings[0]).toMatchObject({ severity: 'unknown', package: { ecosystem: undefined } });
    const sarif = `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Trivy","rules":[{"id":"R1","name":${w}}]}},"results":[{"ruleId":"R1","level":${w},"message":{"text":"m"}}]}]}`;
    expect(ingest('sarif', sarif).findings[0]).toMatchObject({ kind: 'misconfiguration', severity: 'unknown' });
    const grype = `{"matches":[{"vulnerability":{"id":"CVE-1","severity":${w}},"artifact":{"name":"a","version":"1","type":${w}}}]}`;
    expect(ingest('grype', grype).findings[0]).toMatchObject({ severity: 'unknown', package: { ecosystem: undefined } });
    const npmError = `{"error":{"code":${w},"summary":"s"}}`;
    expect(ingest('npm-audit', npmError).error).toContain('fix the cause and rerun');
    expect(normalizeSeverity(word)).toBe('unknown');
  });

  it('a lookup table knows only its own keys', () => {
    const t = lookupTable({ a: 1 });
    expect(t.a).toBe(1);
    for (const w of INHERITED) expect(t[w]).toBeUndefined();
    expect(Object.isFrozen(t)).toBe(true);
  });
});

describe('percent signs in purls', () => {
  it('a stray % in a purl is kept as written, not a URIError', () => {
    expect(parsePurl('pkg:npm/a%zz@1%')).toEqual({ type: 'npm', name: 'a%zz', version: '1%' });
    expect(parsePurl('pkg:npm/%40s/a@1')).toEqual({ type: 'npm', name: '@s/a', version: '1' });
  });
});

describe('lone UTF-16 surrogates', () => {
  it('the hostile reproducers go through the whole pipeline, with U+FFFD in place', () => {
    const pip = ingest('pip-audit', hostile('crash-pip-audit-lone-surrogate-id.json'));
    expect(pip.findings[0].id).toBe('PYSEC-\ufffd');
    expect(pip.findings[0].url).toBe('https://osv.dev/vulnerability/PYSEC-%EF%BF%BD');
    const semgrep = ingest('semgrep', hostile('crash-semgrep-lone-surrogate-path.json'));
    expect(semgrep.findings[0].location?.path).toBe('src/\ufffd.js');
    expect(semgrep.rendered.sarif).toContain('src/%EF%BF%BD.js');
  });

  it('every string and key of report JSON is well-formed, everything else as parsed', () => {
    const v = jsonParse('{"a\\udc00":["\\ud800x","\\ud83d\\ude00",1,null,{"__proto__":"\\udfff"}],"b":{"c":true}}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['a\ufffd', 'b']);
    expect(v['a\ufffd']).toEqual(['\ufffdx', '\u{1f600}', 1, null, JSON.parse('{"__proto__":"\\ufffd"}')]);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(v.b).toEqual({ c: true });
    // Without such an escape the text is parsed as it is.
    expect(jsonParse('{"a":"\\u00e9"}')).toEqual({ a: 'é' });
  });

  it('a surrogate escape in an NDJSON yarn report or a batched Trivy report', () => {
    const yarn = '{"type":"auditAdvisory","data":{"advisory":{"id":1,"module_name":"q\\ud800","severity":"high","title":"t","findings":[{"version":"1"}]}}}\n{"type":"auditSummary","data":{"vulnerabilities":{"info":0,"low":0,"moderate":0,"high":1,"critical":0}}}\n';
    const y = ingest('yarn-audit', yarn);
    expect(y.findings[0].package?.name).toBe('q\ufffd');
    const trivy = `{"SchemaVersion":2,"ArtifactName":"x","ArtifactType":"filesystem","Results":[{"Target":"t","Vulnerabilities":[${'{"VulnerabilityID":"CVE-2020-1","PkgName":"a\\udfff","Severity":"HIGH"},'.repeat(50)}{"VulnerabilityID":"CVE-2020-2","PkgName":"b","Severity":"HIGH"}]}]}`;
    const batched = parseTrivyReport(trivy, { batchAbove: 100, batchBytes: 500 });
    expect(batched).toHaveLength(51);
    expect(batched[0].package?.name).toBe('a\ufffd');
  });
});

describe('reports that lost or hide their findings are incomplete, naming what is wrong', () => {
  const cases: [string, Parameters<typeof ingest>[0], RegExp][] = [
    ['pass-npm-audit-metadata-says-3-high-body-empty.json', 'npm-audit', /metadata\.vulnerabilities counts 3 high but the report lists 0/],
    ['pass-osv-scanner-one-byte-key.json', 'osv-scanner', /results\.0: unexpected key "pacoages" where "packages" belongs/],
    ['pass-pip-audit-all-skipped.json', 'pip-audit', /every dependency was skipped \(1, e\.g\. dependency 0: not found on PyPI/],
    ['pass-pip-audit-empty-array.json', 'pip-audit', /lists no dependencies, so nothing was audited/],
    ['pass-sarif-one-byte-key.json', 'sarif', /runs\.0: unexpected key "resul s" where "results" belongs/],
    ['pass-trivy-misconfig-status-lowercase.json', 'trivy', /Results\.0\.Misconfigurations\.0\.Status: expected FAIL, PASS or EXCEPTION/],
    ['pass-trivy-schemaversion-only.json', 'trivy', /no Results and no ArtifactName/],
    ['pass-trivy-vulnerabilities-key-lowercase.json', 'trivy', /Results\.0: unexpected key "vulnerabilities" where "Vulnerabilities" belongs/],
    ['pass-yarn-audit-empty-object.json', 'yarn-audit', /the audit did not complete \(no audit summary or result/],
    ['pass-yarn1-summary-says-high1-no-advisory.ndjson', 'yarn-audit', /line 1: the auditSummary counts 1 high but the report lists 0/],
    ['pass-yarn1-unknown-record-type.ndjson', 'yarn-audit', /line 1 has a record type yarn does not write/],
  ];
  it.each(cases)('%s', (file, tool, why) => {
    const r = ingest(tool, hostile(file));
    expect(r.result.verdict).toBe('incomplete');
    expect(r.error).toMatch(why);
    expect(r.rendered.summary).toContain('NOT a clean result');
  });
});

describe('keys a format always writes', () => {
  it('an osv-scanner source without packages, a semgrep report without errors', () => {
    expect(ingest('osv-scanner', '{"results":[{"source":{"path":"p","type":"lockfile"}}]}').error).toMatch(/results\.0\.packages/);
    expect(ingest('osv-scanner', '{"results":[{"source":{"path":"p","type":"lockfile"},"packages":null}]}').result.verdict).toBe('pass');
    expect(ingest('semgrep', '{"results":[]}').error).toMatch(/errors/);
  });
});

describe('summary counts against the findings read', () => {
  const npm6 = (meta: Record<string, number>, paths: string[][]) =>
    JSON.stringify({
      advisories: { '1': { id: 1, module_name: 'qs', severity: 'high', title: 't', findings: paths.map((p, i) => ({ version: `6.${i}.0`, paths: p })) } },
      metadata: { vulnerabilities: meta },
    });

  it('counts dependency paths in npm 6, pnpm and yarn 2 advisories; more listed than counted is fine', () => {
    expect(ingest('npm-audit', npm6({ high: 3 }, [['a>qs', 'b>qs'], ['qs']])).findings).toHaveLength(2);
    expect(ingest('pnpm-audit', npm6({ high: 1, low: 0 }, [['a>qs', 'b>qs']])).findings).toHaveLength(1);
    expect(ingest('yarn-audit', npm6({ high: 1 }, [[]])).findings).toHaveLength(1);
    const noPaths = JSON.parse(npm6({ high: 1 }, [[]]));
    delete noPaths.advisories['1'].findings[0].paths;
    expect(ingest('npm-audit', JSON.stringify(noPaths)).findings).toHaveLength(1);
    expect(ingest('npm-audit', npm6({ high: 4 }, [['a>qs', 'b>qs'], ['qs']])).error).toMatch(/metadata\.vulnerabilities counts 4 high but the report lists 3/);
    expect(ingest('pnpm-audit', npm6({ critical: 1 }, [['qs']])).error).toMatch(/counts 1 critical but the report lists 0/);
    expect(ingest('yarn-audit', npm6({ High: 2 }, [['qs']])).error).toMatch(/line 1: metadata\.vulnerabilities counts 2 High but the report lists 1/);
  });

  it('counts vulnerable packages in npm 7+, and the total', () => {
    const v2 = (meta: Record<string, number>) =>
      JSON.stringify({
        auditReportVersion: 2,
        vulnerabilities: { qs: { name: 'qs', severity: 'high', via: [{ source: 1, name: 'qs', title: 't', url: 'https://github.com/advisories/GHSA-hrpp-h998-j3pp', severity: 'high' }] } },
        metadata: { vulnerabilities: meta },
      });
    expect(ingest('npm-audit', v2({ high: 1, total: 1 })).findings).toHaveLength(1);
    expect(ingest('npm-audit', v2({ high: 1, total: 2 })).error).toMatch(/counts 2 total but the report lists 1/);
    expect(ingest('npm-audit', v2({ moderate: 1 })).error).toMatch(/counts 1 moderate but the report lists 0/);
  });

  it('yarn 1: the auditSummary against the advisory records; an empty bulk answer needs "No audit suggestions"', () => {
    const adv = (sev: string) => JSON.stringify({ type: 'auditAdvisory', data: { advisory: { id: 1, module_name: 'qs', severity: sev, title: 't', findings: [{ version: '1.0.0' }] } } });
    const sum = (high: number) => JSON.stringify({ type: 'auditSummary', data: { vulnerabilities: { info: 0, low: 0, moderate: 0, high, critical: 0 } } });
    expect(ingest('yarn-audit', [adv('high'), sum(1)].join('\n')).findings).toHaveLength(1);
    expect(ingest('yarn-audit', [adv('moderate'), sum(1)].join('\n')).error).toMatch(/line 2: the auditSummary counts 1 high but the report lists 0/);
    expect(ingest('yarn-audit', '{}\n{"type":"info","data":"No audit suggestions"}\n').result.verdict).toBe('pass');
    expect(ingest('yarn-audit', '{"type":"activityStart","data":{}}\n{"type":"auditSummary","data":{"vulnerabilities":{}}}').result.verdict).toBe('pass');
  });
});

describe('Trivy misconfiguration statuses and empty reports', () => {
  const report = (status: string | undefined, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ SchemaVersion: 2, ...extra, Results: [{ Target: 'Dockerfile', Class: 'config', Misconfigurations: [{ ID: 'DS002', Severity: 'HIGH', Status: status }] }] });
  it.each([
    ['FAIL', 1],
    [undefined, 1],
    ['PASS', 0],
    ['EXCEPTION', 0],
  ])('%s', (status, n) => expect(ingest('trivy', report(status)).findings).toHaveLength(n));
  it.each(['fail', 'FAILED', 'ERROR', ''])('%j is rejected', (status) => {
    expect(ingest('trivy', report(status)).error).toMatch(/Status: expected FAIL, PASS or EXCEPTION/);
  });
  it('a report without Results counts only with the ArtifactName Trivy always writes', () => {
    expect(ingest('trivy', '{"SchemaVersion":2,"ArtifactName":".","ArtifactType":"filesystem"}').result.verdict).toBe('pass');
    expect(ingest('trivy', '{"SchemaVersion":2,"Results":[]}').error).toMatch(/no Results and no ArtifactName/);
    // The same when read in batches (a large report).
    const padded = `{"SchemaVersion":2,"ArtifactName":".","ArtifactType":"filesystem","Metadata":{"pad":"${'x'.repeat(200)}"}}`;
    expect(parseTrivyReport(padded, { batchAbove: 100 })).toEqual([]);
    expect(() => parseTrivyReport(padded.replace('"ArtifactName":".",', ''), { batchAbove: 100 })).toThrow(/no Results and no ArtifactName/);
  });
});

describe('inherited names in advisories, SBOMs and lockfiles', () => {
  it('an OSV ecosystem, an SBOM purl type and an integrity algorithm named like Object.prototype keys', () => {
    for (const w of INHERITED) {
      expect(osvEcosystem(w)).toBe(w);
      expect(matcherPurlType(w)).toBe(w.toLowerCase());
      expect(fromSri(`${w}-AAAA`)).toBeUndefined();
    }
    const sbom = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'library', 'bom-ref': 'a', name: 'a', version: '1', purl: 'pkg:constructor/a@1' }] });
    expect(packagesFromCycloneDx(sbom, 'sbom.json')).toEqual([]);
  });
});

describe('a finding ecosystem named like an Object.prototype key in the SARIF writer', () => {
  it('finds no lockfile for it and falls back', () => {
    const report = '{"SchemaVersion":2,"ArtifactName":".","Results":[{"Target":"Java","Vulnerabilities":[{"VulnerabilityID":"CVE-2020-1","PkgName":"a","PkgIdentifier":{"PURL":"pkg:constructor/a@1"},"Severity":"HIGH"}]}]}';
    const r = ingest('trivy', report);
    expect(r.findings[0].package?.ecosystem).toBe('constructor');
    const log = JSON.parse(renderSarifJson(r.result, { toolVersion: 't', lockfiles: { npm: 'package-lock.json' } }));
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('.chaingate.yml');
  });
});

describe('a lone surrogate that reaches the SARIF writer from elsewhere', () => {
  it('is written as U+FFFD', () => {
    expect(toArtifactUri('src/\ud800/a b.js')).toBe('src/%EF%BF%BD/a%20b.js');
  });
});
