// A pull request can edit the URLs the headers scanner checks, or the CA it trusts: the generic
// policy comparison lists both, so the change is seen in the PR comment and the summary.
import { PolicySchema } from '../../src/config/schema';
import { diffGate } from '../../src/core/policy-changes';

const side = (raw: object) => ({ policy: PolicySchema.parse(raw), policyFile: '.chaingate.yml', exceptions: [], vex: [] });

describe('policy changes of the headers scanner', () => {
  it('lists URLs, ca-file, timeout and the scanner itself', () => {
    const base = side({ scanners: ['semgrep', 'headers'], headers: { urls: ['https://staging.example.test/'] } });
    const head = side({ scanners: ['semgrep'], headers: { urls: ['https://evil.example.test/'], 'ca-file': 'pr-ca.pem', 'timeout-seconds': 5 } });
    expect(diffGate(base, head)).toEqual([
      {
        file: '.chaingate.yml',
        what: 'policy',
        change: 'modified',
        details: [
          'headers.ca-file: (unset) → "pr-ca.pem"',
          'headers.timeout-seconds: 30 → 5',
          'headers.urls: ["https://staging.example.test/"] → ["https://evil.example.test/"]',
          'scanners: ["semgrep","headers"] → ["semgrep"]',
        ],
      },
    ]);
  });
});
