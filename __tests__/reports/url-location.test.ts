// A finding located at a deployed URL (the headers scanner) is shown in SARIF on the policy file
// that names the URL, and annotated without a file: code scanning and annotations map paths to
// repository files, and a URL made into a path (`https%3A//host/`) would point at nothing.
import { blockingAnnotations } from '../../src/reports/annotations';
import { fileUrl } from '../../src/reports/remedy';
import { renderSarif } from '../../src/reports/sarif';
import { renderSummary } from '../../src/reports/summary';
import { evaluated, gateResult } from './build';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const URL_FINDING = evaluated({ tool: 'headers', kind: 'misconfiguration', severity: 'medium', id: 'chaingate.headers.hsts-missing', title: 'No valid Strict-Transport-Security header', location: { path: 'https://staging.example.test:8443/app' } });

function only(r: ReturnType<typeof gateResult>, extra: Obj = {}): Obj {
  const log = renderSarif(r, { toolVersion: '0.1.0', ...extra }) as Obj;
  return log.runs.flatMap((run: Obj) => run.results)[0];
}

describe('SARIF for URL-located findings', () => {
  it('puts them on the policy file, the URL as logical location and in the message', () => {
    const res = only(gateResult({ findings: [URL_FINDING] }), { fallbackUri: 'config/.chaingate.yml', project: 'services/web' });
    expect(res.locations).toEqual([
      { physicalLocation: { artifactLocation: { uri: 'services/web/config/.chaingate.yml' } }, logicalLocations: [{ fullyQualifiedName: 'https://staging.example.test:8443/app', kind: 'resource' }] },
    ]);
    expect(res.message.text).toBe('No valid Strict-Transport-Security header (chaingate.headers.hsts-missing) at https://staging.example.test:8443/app');
  });

  it('leaves file findings as they were', () => {
    const file = evaluated({ tool: 'semgrep', kind: 'code', severity: 'high', id: 'r', title: '', location: { path: 'src/a.ts', startLine: 3 } });
    const res = only(gateResult({ findings: [file] }));
    expect(res.locations[0].physicalLocation.artifactLocation.uri).toBe('src/a.ts');
    expect(res.locations[0].logicalLocations).toBeUndefined();
    expect(res.message.text).toBe('r');
  });
});

describe('annotations for URL-located findings', () => {
  it('carry no file, and say the URL in the message', () => {
    const blocking = { ...URL_FINDING, blocking: true, rationale: 'medium is at or above fail-on.misconfiguration medium' };
    expect(blockingAnnotations({ findings: [blocking] }, '/work/repo', '/work/repo')).toEqual([
      {
        title: 'chaingate: medium misconfiguration chaingate.headers.hsts-missing',
        message: 'chaingate.headers.hsts-missing: No valid Strict-Transport-Security header at https://staging.example.test:8443/app — medium is at or above fail-on.misconfiguration medium',
      },
    ]);
  });
});

describe('links at the commit for URL-located findings', () => {
  it('are not made: a URL is no file of the repository', () => {
    const links = { server: 'https://github.com', repository: 'o/r', sha: 'a'.repeat(40), project: '' };
    expect(fileUrl(links, 'https://staging.example.test/app')).toBeUndefined();
    expect(fileUrl(links, 'src/a.ts', 2)).toBe(`https://github.com/o/r/blob/${'a'.repeat(40)}/src/a.ts#L2`);
    const summary = renderSummary(gateResult({ findings: [{ ...URL_FINDING, blocking: true }] }), { resultFile: 'r.json', sarifFile: 'r.sarif', links });
    expect(summary).toContain('https://staging.example.test:8443/app');
    expect(summary).not.toContain('blob/');
  });
});
