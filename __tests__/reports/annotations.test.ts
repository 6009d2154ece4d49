import { blockingAnnotations, MAX_ANNOTATIONS, repositoryPath } from '../../src/reports/annotations';
import { evaluated, gateResult, many, representative } from './build';

describe('blockingAnnotations', () => {
  it('annotates the blocking findings, most severe first, at paths from the repository root', () => {
    const a = blockingAnnotations(representative(), '/repo/services/api', '/repo');
    expect(a).toEqual([
      { title: 'chaingate: critical signature image-unsigned', message: 'image-unsigned: No valid signature for 127.0.0.1:5000/app@sha256:abc — critical >= fail-on.signature low' },
      {
        title: 'chaingate: high code javascript.express.security.injection.tainted-sql-string',
        message:
          'javascript.express.security.injection.tainted-sql-string: Bad | title <script>alert(1)</script> second line **bold** [link](javascript:alert(1)) — high >= fail-on.code high',
        file: 'services/api/src/db/query.js',
        startLine: 12,
        endLine: 14,
      },
      {
        title: 'chaingate: high vulnerability CVE-2021-23337',
        message: 'CVE-2021-23337: lodash: command injection via template in lodash@4.17.20 (fixed in 4.17.21) — high >= fail-on.vulnerability high',
      },
    ]);
  });

  it('stops at 10, bounds the text, and leaves out lines it cannot place', () => {
    const all = many(1000);
    const a = blockingAnnotations(gateResult({ findings: all }), '/w', '/w');
    expect(a).toHaveLength(MAX_ANNOTATIONS);
    expect(a.map((x) => x.title.split(' ')[1])).toEqual(['critical', 'critical', 'critical', 'critical', 'critical', 'critical', 'critical', 'critical', 'critical', 'critical']);
    const long = evaluated(
      { tool: 't', kind: 'vulnerability', severity: 'low', id: `X\u202e${'i'.repeat(300)}`, title: 'a\nb'.repeat(1000), package: { name: 'p', fixedVersions: [] }, location: { path: 'lock.json', startLine: 0 } },
      { blocking: true },
    );
    const [x] = blockingAnnotations(gateResult({ findings: [long] }), '/w', '/w');
    expect(x.title).toHaveLength(200);
    expect(x.title.endsWith('…')).toBe(true);
    expect(x.title).not.toContain('\u202e');
    expect(x.message).toHaveLength(1000);
    expect(x.message).not.toMatch(/\n/);
    expect(x.file).toBe('lock.json');
    expect(x.startLine).toBeUndefined();
    const oneLine = evaluated({ tool: 't', kind: 'code', severity: 'low', id: 'r', title: '', package: { name: 'p', version: '1', fixedVersions: [] }, location: { path: 'a.js', startLine: 3, endLine: 3 } }, { blocking: true });
    expect(blockingAnnotations(gateResult({ findings: [oneLine] }), '/w', '/w')).toEqual([
      { title: 'chaingate: low code r', message: 'r in p@1 (no fixed version yet) — blocks', file: 'a.js', startLine: 3 },
    ]);
    expect(blockingAnnotations(gateResult({ findings: [] }), '/w', '/w')).toEqual([]);
  });
});

describe('repositoryPath', () => {
  it('is relative to the workspace, with forward slashes, or undefined outside it', () => {
    expect(repositoryPath('src/a.js', '/repo/app', '/repo')).toBe('app/src/a.js');
    expect(repositoryPath('./src\\b.js', '/repo', '/repo')).toBe('src/b.js');
    expect(repositoryPath('../../etc/passwd', '/repo/app', '/repo')).toBeUndefined();
    expect(repositoryPath('/etc/passwd', '/repo', '/repo')).toBeUndefined();
    expect(repositoryPath('.', '/repo', '/repo')).toBeUndefined();
    expect(repositoryPath('x', '/elsewhere', '/repo')).toBeUndefined();
  });
});
