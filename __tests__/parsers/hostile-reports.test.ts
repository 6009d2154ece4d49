// Reports that are valid JSON but hostile: text that names what Object.prototype has, lone
// UTF-16 surrogates, and reports that lost their findings. Each goes through the whole pipeline
// (parse, merge, evaluate, render): a crash or a silent pass anywhere is the defect.
import { normalizeSeverity } from '../../src/core/finding';
import { lookupTable } from '../../src/core/lookup';
import { parsePurl } from '../../src/core/purl-key';
import { parseTrivyReport } from '../../src/parsers/trivy';
import { jsonParse } from '../../src/parsers/util';
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
