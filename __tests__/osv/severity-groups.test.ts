// Advisories without a severity (every Go vulndb and PyPA record): rated from their alias group,
// and blocking by default when nothing in the group rates them.
import * as fs from 'node:fs';
import { defaultPolicy } from '../../src/config/load';
import { mergeFindings } from '../../src/core/finding';
import { evaluate } from '../../src/core/policy';
import { discoverLockfiles } from '../../src/lockfiles';
import { loadOsvDb } from '../../src/osv/db';
import { aliasGroup, buildIndex, findingsForMatchedIds, matchPackages } from '../../src/osv/matcher';
import type { OsvAdvisory } from '../../src/osv/schema';
import { groupSeverity } from '../../src/osv/severity';
import type { OsvPackage } from '../../src/osv/types';
import { fixture } from '../helpers/paths';
import { advisoryById } from './advisories';

const GO_TEXT = advisoryById('GO-2022-1059');
const TEXT_032: OsvPackage = { ecosystem: 'Go', name: 'golang.org/x/text', version: 'v0.3.2', path: 'go.mod' };

/** Another record of the same vulnerability, as another database writes it: the Go record's id in its aliases. */
function aliasRecord(id: string, extra: Partial<OsvAdvisory>): OsvAdvisory {
  return { ...GO_TEXT, id, aliases: [GO_TEXT.id], severity: [], database_specific: {}, ...extra };
}

describe('severity from the alias group', () => {
  it('the Go vulndb record has no rating of its own', () => {
    expect(groupSeverity(GO_TEXT, GO_TEXT.affected?.[0], [])).toEqual({ severity: 'unknown', source: 'none' });
  });

  it('takes the GHSA rating of the same vulnerability, found by either side naming the other', () => {
    const ghsa = aliasRecord('GHSA-69ch-w2m2-3vjp', { database_specific: { severity: 'HIGH' } });
    const [f] = matchPackages([TEXT_032], buildIndex([GO_TEXT, ghsa]));
    expect(f).toMatchObject({ id: 'GO-2022-1059', severity: 'high' });
    // The GHSA record names only a CVE the Go record also names.
    const byCve = aliasRecord('GHSA-69ch-w2m2-3vjp', { aliases: ['CVE-2022-32149'], database_specific: { severity: 'MODERATE' } });
    expect(matchPackages([TEXT_032], buildIndex([GO_TEXT, byCve]))[0].severity).toBe('medium');
    expect([...aliasGroup(GO_TEXT, buildIndex([GO_TEXT, byCve]))].map((a) => a.id)).toEqual(['GO-2022-1059', 'GHSA-69ch-w2m2-3vjp']);
  });

  it('takes a CVSS vector of any record of the group, and the worst rating when records disagree', () => {
    const nvd = aliasRecord('CVE-2022-32149', { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }] });
    const low = aliasRecord('GHSA-69ch-w2m2-3vjp', { database_specific: { severity: 'LOW' } });
    const unrated = aliasRecord('PYSEC-0000-0', {});
    const sev = groupSeverity(GO_TEXT, GO_TEXT.affected?.[0], [GO_TEXT, low, unrated, nvd]);
    expect(sev).toEqual({ severity: 'high', cvssScore: 7.5, source: 'alias', from: 'CVE-2022-32149' });
    expect(groupSeverity(GO_TEXT, undefined, [low])).toEqual({ severity: 'low', source: 'alias', from: 'GHSA-69ch-w2m2-3vjp' });
    const [f] = matchPackages([TEXT_032], buildIndex([GO_TEXT, low, nvd]));
    expect(f).toMatchObject({ severity: 'high', cvssScore: 7.5 });
  });

  it('a record with its own rating keeps it', () => {
    const ghsa = advisoryById('GHSA-35jh-r3h4-6jhm');
    const critical = { ...GO_TEXT, id: 'X-1', aliases: [ghsa.id], database_specific: { severity: 'CRITICAL' } };
    expect(groupSeverity(ghsa, ghsa.affected?.[0], [critical]).source).toBe('cvss-v3');
  });

  it('the OSV API path rates from the records the API matched', () => {
    const ghsa = aliasRecord('GHSA-69ch-w2m2-3vjp', { database_specific: { severity: 'CRITICAL' } });
    const advisories = new Map([GO_TEXT, ghsa].map((a) => [a.id, a]));
    const found = findingsForMatchedIds(TEXT_032, ['GO-2022-1059', 'GHSA-69ch-w2m2-3vjp'], advisories);
    expect(found.map((f) => [f.id, f.severity])).toEqual([
      ['GO-2022-1059', 'critical'],
      ['GHSA-69ch-w2m2-3vjp', 'critical'],
    ]);
    expect(findingsForMatchedIds(TEXT_032, ['GO-2022-1059'], new Map([[GO_TEXT.id, GO_TEXT]]))[0].severity).toBe('unknown');
  });
});

describe('a real Go project with the real Go vulndb records committed here', () => {
  it('gophish fails under the default policy: its unrated vulnerabilities block', () => {
    const dir = fixture('lockfiles-public', 'gophish-go');
    const packages = discoverLockfiles(dir).flatMap((l) => l.packages.map((p) => ({ ecosystem: p.ecosystem, name: p.name, version: p.version, path: l.path })));
    const { index } = loadOsvDb(fixture('osv-advisories'));
    const findings = matchPackages(packages, index);
    // Every Go advisory committed here that names one of gophish's modules, read off the files.
    const goIds = fs.readdirSync(fixture('osv-advisories')).filter((f) => f.startsWith('GO-')).map((f) => f.split('-').slice(0, 3).join('-'));
    expect(findings.map((f) => f.id).sort()).toEqual(goIds.sort());
    expect(findings.every((f) => f.severity === 'unknown')).toBe(true);
    const result = evaluate({ findings: mergeFindings(findings), policy: defaultPolicy(), exceptions: [], vex: [], scanners: [], now: new Date('2026-12-01T00:00:00Z'), mode: 'enforce', inputs: { vex: [] }, version: 't' });
    expect(result.verdict).toBe('fail');
    expect(result.findings.every((f) => f.blocking && f.rationale === 'unknown (ranked high) is at or above fail-on.vulnerability high')).toBe(true);
  });
});
