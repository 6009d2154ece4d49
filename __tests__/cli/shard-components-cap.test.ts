// A shard lists its SBOM components in its result for the gate job's SBOM; a result holds at most
// 100,000 of them (chaingate-result.json stays readable), so a shard past that is refused with
// the way out (more shards), not written half-listed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../helpers/cli';
import { tmpDir } from '../helpers/paths';
import { writeTree } from '../helpers/tree';

const requirements = (n: number) => Array.from({ length: n }, (_, i) => `pkg-${i}==1.0.${i % 7}\n`).join('');

describe('a shard of more than 100,000 components', () => {
  it('is refused (exit 2) naming the count and the fix; at 100,000 it is listed whole', async () => {
    const d = writeTree({ '.chaingate.yml': 'version: 1\nscanners: []\n', 'big/requirements.txt': requirements(100_001), 'fits/requirements.txt': requirements(100_000) }, 'chaingate-cap-');
    const out = path.join(tmpDir('chaingate-cap-out-'), 'o');
    const args = (p: string) => ['scan', d, '--project', p, '--write-sbom', '--shard', 's', '--plan-id', 'p', '--offline', '--mode', 'warn', '--output-dir', out];

    const big = await cli(args('big'));
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/this shard's SBOM has 100001 components, more than the 100000 a result lists: plan more shards/);
    expect(fs.existsSync(path.join(out, 'chaingate-result.json'))).toBe(false);

    const fits = await cli(args('fits'));
    expect(fits.code).toBe(0);
    const res = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
    expect(res.components).toHaveLength(100_000);
    expect(res.components[0]).toEqual({ purl: expect.stringMatching(/^pkg:pypi\/pkg-\d+@1\.0\.\d$/), name: expect.any(String), version: expect.any(String), project: 'fits' });
  }, 120_000);
});
